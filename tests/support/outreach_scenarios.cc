#include "tests/support/outreach_scenarios.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace dunbar::testing {
namespace {

absl::Status Failed(const grpc::Status& status, const std::string& what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// Requests from a service caller must name the tenant they act for.
std::string TenantOf(Caller caller) { return caller == Caller::kService ? "acme" : ""; }

// Pages through a list RPC: `call(token, &next_token)` appends one page and answers its status.
template <typename Call>
absl::Status AllPages(const std::string& what, Call call) {
  std::string token;
  for (int page = 0; page < 10000; ++page) {
    std::string next;
    grpc::Status status = call(token, &next);
    if (!status.ok()) return Failed(status, absl::StrCat(what, " page ", page));
    if (next.empty()) return absl::OkStatus();
    token = next;
  }
  return absl::InternalError(absl::StrCat(what, " never returned an empty next_page_token"));
}

}  // namespace

std::vector<ov1::Weekday> AllWeekdays() {
  return {ov1::MONDAY, ov1::TUESDAY,  ov1::WEDNESDAY, ov1::THURSDAY,
          ov1::FRIDAY, ov1::SATURDAY, ov1::SUNDAY};
}

ov1::Policy EveryDay(ov1::Policy policy) {
  policy.clear_active_weekdays();
  for (ov1::Weekday day : AllWeekdays()) policy.add_active_weekdays(day);
  return policy;
}

MemberSpec Warmth(int interactions, mv1::InteractionKind kind,
                  const std::string& connection_point) {
  MemberSpec spec;
  spec.interactions = interactions;
  spec.kind = kind;
  spec.connection_point = connection_point;
  return spec;
}

absl::Time Utc(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), absl::UTCTimeZone());
}

std::string ShiftDate(const std::string& date, int days) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) {
    ADD_FAILURE() << "not a date: \"" << date << "\"";
    return date;
  }
  return absl::FormatCivilTime(day + days);
}

std::vector<std::string> PlanMembers(const ov1::DailyPlan& plan) {
  std::vector<std::string> members;
  for (const ov1::Task& task : plan.tasks()) members.push_back(task.member_id());
  return members;
}

std::vector<std::string> PlanTaskIds(const ov1::DailyPlan& plan) {
  std::vector<std::string> ids;
  for (const ov1::Task& task : plan.tasks()) ids.push_back(task.id());
  return ids;
}

absl::StatusOr<ov1::StreamStatus> StreamOf(const ov1::WorkerStatus& status,
                                           const std::string& source) {
  for (const ov1::StreamStatus& stream : status.streams()) {
    if (stream.source() == source) return stream;
  }
  return absl::NotFoundError(absl::StrCat("worker status lists no stream \"", source, "\""));
}

absl::Status WaitForWorkerIdle(OutreachFixture& f, Caller caller, absl::Duration timeout) {
  ov1::WorkerStatus last;
  grpc::Status last_call;
  int idle_in_a_row = 0;
  absl::Status waited = WaitFor(
      [&] {
        last_call = GetWorkerStatus(f, &last, caller);
        bool idle = last_call.ok() && last.delayed_jobs_due() == 0;
        for (const ov1::StreamStatus& stream : last.streams()) {
          idle = idle && stream.lag() == 0 && stream.pending() == 0;
        }
        idle_in_a_row = idle ? idle_in_a_row + 1 : 0;
        return idle_in_a_row >= 2;
      },
      "the worker to go idle", timeout);
  if (!last_call.ok()) return Failed(last_call, "GetWorkerStatus");
  if (!waited.ok()) {
    return absl::DeadlineExceededError(
        absl::StrCat(waited.message(), "; last status ", last.ShortDebugString()));
  }
  return absl::OkStatus();
}

absl::Status WaitForWorkerAttached(OutreachFixture& f, Caller caller, absl::Duration timeout) {
  ov1::WorkerStatus last;
  grpc::Status last_call;
  absl::Status waited = WaitFor(
      [&] {
        last_call = GetWorkerStatus(f, &last, caller);
        if (!last_call.ok()) return false;
        for (const char* source : {"cohort-events", "membership-events", "jobs"}) {
          absl::StatusOr<ov1::StreamStatus> stream = StreamOf(last, source);
          if (!stream.ok() || stream->consumers() < 1) return false;
        }
        return true;
      },
      "the worker to read every stream", timeout);
  if (!last_call.ok()) return Failed(last_call, "GetWorkerStatus");
  if (!waited.ok()) {
    return absl::DeadlineExceededError(
        absl::StrCat(waited.message(), "; last status ", last.ShortDebugString()));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CountInteractions(OutreachFixture& f, const std::string& member_id,
                                      mv1::InteractionKind kind, Caller caller) {
  absl::StatusOr<std::vector<mv1::Interaction>> all = ListInteractions(f, member_id, caller);
  if (!all.ok()) return all.status();
  int count = 0;
  for (const mv1::Interaction& interaction : *all) count += interaction.kind() == kind ? 1 : 0;
  return count;
}

absl::StatusOr<ov1::Funnel> FunnelOf(OutreachFixture& f, const std::string& from,
                                     const std::string& to, const std::string& campaign_id,
                                     const std::string& cohort_id, Caller caller) {
  ov1::GetFunnelRequest request;
  request.set_from_date(from);
  request.set_to_date(to);
  request.set_campaign_id(campaign_id);
  request.set_cohort_id(cohort_id);
  ov1::Funnel funnel;
  grpc::Status status = GetFunnel(f, request, &funnel, caller);
  if (!status.ok()) return Failed(status, absl::StrCat("GetFunnel ", from, "..", to));
  return funnel;
}

ov1::FunnelCounts Counts(int64_t contacted, int64_t replied, int64_t interested, int64_t enrolled,
                         int64_t declined, int64_t no_response, int64_t opted_out,
                         int64_t waitlisted) {
  ov1::FunnelCounts counts;
  counts.set_contacted(contacted);
  counts.set_replied(replied);
  counts.set_interested(interested);
  counts.set_enrolled(enrolled);
  counts.set_declined(declined);
  counts.set_no_response(no_response);
  counts.set_opted_out(opted_out);
  counts.set_waitlisted(waitlisted);
  return counts;
}

absl::StatusOr<std::vector<cv1::Cohort>> ListAllCohorts(OutreachFixture& f,
                                                        const std::string& program_id,
                                                        Caller caller) {
  std::vector<cv1::Cohort> all;
  absl::Status status = AllPages(
      absl::StrCat("ListCohorts ", program_id), [&](const std::string& token, std::string* next) {
        cv1::ListCohortsRequest request;
        request.set_tenant(TenantOf(caller));
        request.set_program_id(program_id);
        request.set_page_size(500);
        request.set_page_token(token);
        cv1::ListCohortsResponse response;
        grpc::Status s = f.cohort_stub().ListCohorts(f.Context(caller).get(), request, &response);
        for (auto& cohort : *response.mutable_cohorts()) all.push_back(std::move(cohort));
        *next = response.next_page_token();
        return s;
      });
  if (!status.ok()) return status;
  return all;
}

absl::StatusOr<std::vector<cv1::RosterEntry>> ListAllRoster(OutreachFixture& f,
                                                            const std::string& cohort_id,
                                                            Caller caller) {
  std::vector<cv1::RosterEntry> all;
  absl::Status status = AllPages(
      absl::StrCat("ListRoster ", cohort_id), [&](const std::string& token, std::string* next) {
        cv1::ListRosterRequest request;
        request.set_tenant(TenantOf(caller));
        request.set_cohort_id(cohort_id);
        request.set_page_size(500);
        request.set_page_token(token);
        cv1::ListRosterResponse response;
        grpc::Status s = f.cohort_stub().ListRoster(f.Context(caller).get(), request, &response);
        for (auto& entry : *response.mutable_entries()) all.push_back(std::move(entry));
        *next = response.next_page_token();
        return s;
      });
  if (!status.ok()) return status;
  return all;
}

absl::StatusOr<std::vector<cv1::WaitlistEntry>> GetAllWaitlist(OutreachFixture& f,
                                                               const std::string& program_id,
                                                               Caller caller) {
  std::vector<cv1::WaitlistEntry> all;
  absl::Status status = AllPages(
      absl::StrCat("GetWaitlist ", program_id), [&](const std::string& token, std::string* next) {
        cv1::GetWaitlistRequest request;
        request.set_tenant(TenantOf(caller));
        request.set_program_id(program_id);
        request.set_page_size(500);
        request.set_page_token(token);
        cv1::GetWaitlistResponse response;
        grpc::Status s = f.cohort_stub().GetWaitlist(f.Context(caller).get(), request, &response);
        for (auto& entry : *response.mutable_entries()) all.push_back(std::move(entry));
        *next = response.next_page_token();
        return s;
      });
  if (!status.ok()) return status;
  return all;
}

}  // namespace dunbar::testing
