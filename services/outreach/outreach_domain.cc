#include "services/outreach/outreach_domain.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"
#include "common/api/request_fingerprint.h"
#include "common/api/timestamps.h"
#include "common/ids/id_generator.h"
#include "common/log/json_log.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"
#include "services/outreach/funnel_report.h"
#include "services/outreach/local_dates.h"
#include "services/outreach/outreach_validation.h"
#include "services/outreach/pick_reason.h"
#include "services/outreach/plan_generator.h"
#include "services/outreach/task_effects.h"

namespace dunbar::outreach {
namespace {

namespace mv1 = ::dunbar::membership::v1;
namespace cv1 = ::dunbar::cohort::v1;

// Page-token kinds: a token of one list is rejected by another. Task tokens also carry their
// filter so they cannot page through a different one.
constexpr std::string_view kTasksToken = "ot";
constexpr std::string_view kCampaignsToken = "oc";
constexpr std::string_view kDeadLettersToken = "od";

// The request id of the campaign the worker creates for a newly opened batch: deterministic, so
// a redelivered cohort.opened replays it.
std::string CohortOpenedRequestId(const std::string& cohort_id) {
  return absl::StrCat("cohort-opened:", cohort_id);
}

ServiceCaller MembershipCalls(const OutreachDomainOptions& options) {
  return ServiceCaller({"membership", options.service_token, options.membership_timeout,
                        options.call_attempts, options.retry_backoff});
}

ServiceCaller CohortCalls(const OutreachDomainOptions& options) {
  return ServiceCaller({"cohort", options.service_token, options.cohort_timeout,
                        options.call_attempts, options.retry_backoff});
}

template <typename Request>
Mutation MakeMutation(const std::string& tenant, const Request& request,
                      const std::string& request_id, absl::Time now) {
  Request canonical = request;
  canonical.set_tenant(tenant);
  return Mutation{tenant, request_id, api::RequestFingerprint(canonical), now};
}

// The scope of a task list, carried in its page token.
std::string TaskListScope(const TaskFilter& filter) {
  return absl::StrCat(filter.date, "|", static_cast<int>(filter.status), "|", filter.campaign_id);
}

absl::StatusOr<std::string> DecodeCursor(std::string_view kind, const std::string& token,
                                         const std::string& scope) {
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> fields, api::DecodePageToken(kind, token, 2));
  if (fields.empty()) return std::string();
  if (fields[0] != scope) {
    return absl::InvalidArgumentError("page_token: belongs to a different list or filter");
  }
  return fields[1];
}

std::string EncodeCursor(std::string_view kind, const std::string& scope,
                         const std::string& cursor) {
  return cursor.empty() ? std::string() : api::EncodePageToken(kind, {scope, cursor});
}

// Campaigns in the order they choose: oldest first (ids are time-ordered, a tie-breaker).
void SortOldestFirst(std::vector<v1::Campaign>& campaigns) {
  std::sort(campaigns.begin(), campaigns.end(), [](const v1::Campaign& a, const v1::Campaign& b) {
    const int64_t a_ms = api::TimestampToMillis(a.created_at());
    const int64_t b_ms = api::TimestampToMillis(b.created_at());
    return a_ms != b_ms ? a_ms < b_ms : a.id() < b.id();
  });
}

// Today in the tenant's policy timezone (UTC when no policy was set).
absl::StatusOr<absl::CivilDay> TodayFor(OutreachStore& store, const std::string& tenant,
                                        absl::Time now) {
  DUNBAR_ASSIGN_OR_RETURN(std::optional<v1::Policy> policy, store.GetPolicy(tenant));
  const std::string timezone = policy.has_value() ? policy->timezone() : "";
  DUNBAR_ASSIGN_OR_RETURN(
      absl::TimeZone zone,
      LoadZone("policy.timezone", timezone.empty() ? std::string(kDefaultTimezone) : timezone));
  return LocalDay(now, zone);
}

}  // namespace

OutreachDomain::OutreachDomain(std::shared_ptr<OutreachStore> store,
                               std::shared_ptr<MembershipStub> membership,
                               std::shared_ptr<CohortStub> cohort, OutreachDomainOptions options)
    : store_(std::move(store)),
      membership_(std::move(membership)),
      cohort_(std::move(cohort)),
      options_(std::move(options)) {}

// ---- Policy ------------------------------------------------------------------------------------

absl::StatusOr<v1::Policy> OutreachDomain::SetPolicy(const std::string& tenant,
                                                     const v1::SetPolicyRequest& request,
                                                     absl::Time deadline) {
  v1::Policy policy = request.policy();
  DUNBAR_RETURN_IF_ERROR(NormalizePolicy(policy));
  if (!policy.target_program_id().empty()) {
    cv1::GetProgramRequest get;
    get.set_tenant(tenant);
    get.set_program_id(policy.target_program_id());
    cv1::Program program;
    const ServiceCaller cohort = CohortCalls(options_);
    const grpc::Status status = cohort.CallRaw(
        deadline, [&](grpc::ClientContext* c) { return cohort_->GetProgram(c, get, &program); });
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(absl::StrCat("policy.target_program_id: program ",
                                              policy.target_program_id(), " not found"));
    }
    if (!status.ok()) return cohort.MapError(status);
  }
  // The worker watches only registered tenants (cohort.opened may start a campaign).
  DUNBAR_RETURN_IF_ERROR(store_->RegisterTenant(tenant));
  DUNBAR_ASSIGN_OR_RETURN(v1::Policy stored, store_->SetPolicy(tenant, options_.clock(), policy));
  stored.set_tenant(tenant);
  return stored;
}

absl::StatusOr<v1::Policy> OutreachDomain::GetPolicy(const std::string& tenant,
                                                     const v1::GetPolicyRequest& /*request*/) {
  DUNBAR_ASSIGN_OR_RETURN(std::optional<v1::Policy> stored, store_->GetPolicy(tenant));
  v1::Policy policy = stored.has_value() ? *std::move(stored) : DefaultPolicy();
  policy.set_tenant(tenant);
  return policy;
}

// ---- Plans -------------------------------------------------------------------------------------

absl::StatusOr<v1::DailyPlan> OutreachDomain::GetDailyPlan(const std::string& tenant,
                                                           const v1::GetDailyPlanRequest& request,
                                                           absl::Time deadline) {
  DUNBAR_ASSIGN_OR_RETURN(v1::Policy policy, GetPolicy(tenant, {}));
  DUNBAR_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone("policy.timezone", policy.timezone()));
  const absl::Time now = options_.clock();
  const absl::CivilDay today = LocalDay(now, zone);
  absl::CivilDay day = today;
  if (!request.date().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(day, ParseDate("date", request.date()));
  }
  const std::string date = FormatDate(day);
  if (day - today > kMaxPlanDaysAhead) {
    return absl::InvalidArgumentError(
        absl::StrCat("date: ", date, " is more than ", kMaxPlanDaysAhead, " days ahead"));
  }

  // A stored plan is answered from outreach's own Redis: no other service is asked.
  DUNBAR_ASSIGN_OR_RETURN(std::optional<v1::DailyPlan> stored, store_->GetPlan(tenant, date));
  if (stored.has_value()) return *std::move(stored);
  if (day < today) return absl::NotFoundError(absl::StrCat("plan ", date));

  const v1::Weekday weekday = WeekdayOf(day);
  v1::DailyPlan header;
  header.set_tenant(tenant);
  header.set_date(date);
  header.set_timezone(policy.timezone());
  header.set_weekday(weekday);
  header.set_quota(policy.daily_quota());
  const auto& active = policy.active_weekdays();
  if (std::find(active.begin(), active.end(), weekday) == active.end()) {
    header.set_active(false);
    header.set_inactive_reason(
        absl::StrCat(v1::Weekday_Name(weekday), " is not an active outreach day"));
    return header;
  }
  header.set_active(true);

  DUNBAR_RETURN_IF_ERROR(store_->RegisterTenant(tenant));
  PlanSettings settings;
  settings.date = day;
  settings.zone = zone;
  settings.quota = policy.daily_quota();
  settings.cooldown_days = policy.cooldown_days();
  settings.target_program_id = policy.target_program_id();
  DUNBAR_ASSIGN_OR_RETURN(settings.open_task_members, store_->OpenTaskMembers(tenant));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<v1::Campaign> campaigns,
                          store_->ListUnpausedCampaigns(tenant));
  for (v1::Campaign& campaign : campaigns) {
    if (CampaignStateOn(campaign, day) == v1::ACTIVE) {
      settings.campaigns.push_back(std::move(campaign));
    }
  }
  SortOldestFirst(settings.campaigns);

  const ServiceCaller membership_calls = MembershipCalls(options_);
  const ServiceCaller cohort_calls = CohortCalls(options_);
  PlanGenerator generator(*membership_, *cohort_, membership_calls, cohort_calls,
                          {options_.rank_page_size, options_.max_rank_pages});
  DUNBAR_ASSIGN_OR_RETURN(PlanPicks picks,
                          generator.Generate(tenant, std::move(settings), deadline));

  PlanDraft draft;
  draft.header = std::move(header);
  draft.header.set_shortfall_reason(picks.shortfall_reason);
  const google::protobuf::Timestamp created_at = api::TimestampFromMillis(api::TimeToMillis(now));
  for (v1::Task& task : picks.tasks) {
    task.set_id(ids::NewId());
    task.set_tenant(tenant);
    *task.mutable_created_at() = created_at;
    draft.picks.push_back(std::move(task));
  }
  return store_->CreatePlan(tenant, now, draft);
}

// ---- Tasks -------------------------------------------------------------------------------------

absl::StatusOr<v1::ListTasksResponse> OutreachDomain::ListTasks(
    const std::string& tenant, const v1::ListTasksRequest& request) {
  TaskFilter filter;
  if (request.date().empty() && request.campaign_id().empty()) {
    return absl::InvalidArgumentError("date: date or campaign_id is required");
  }
  if (!request.date().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate("date", request.date()));
    filter.date = FormatDate(day);
  }
  if (!request.campaign_id().empty()) {
    DUNBAR_RETURN_IF_ERROR(validation::ValidateId("campaign_id", request.campaign_id()));
    filter.campaign_id = request.campaign_id();
  }
  DUNBAR_RETURN_IF_ERROR(ValidateTaskStatus(request.status()));
  filter.status = request.status();
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  const std::string scope = TaskListScope(filter);
  DUNBAR_ASSIGN_OR_RETURN(std::string cursor,
                          DecodeCursor(kTasksToken, request.page_token(), scope));
  DUNBAR_ASSIGN_OR_RETURN(TaskPage page, store_->ListTasks(tenant, filter, cursor, page_size));
  v1::ListTasksResponse response;
  for (v1::Task& task : page.tasks) *response.add_tasks() = std::move(task);
  response.set_next_page_token(EncodeCursor(kTasksToken, scope, page.next_cursor));
  return response;
}

absl::StatusOr<v1::Task> OutreachDomain::GetTask(const std::string& tenant,
                                                 const v1::GetTaskRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("task_id", request.task_id()));
  return store_->GetTask(tenant, request.task_id());
}

absl::StatusOr<v1::CompleteTaskResponse> OutreachDomain::CompleteTask(
    const std::string& tenant, const v1::CompleteTaskRequest& request, absl::Time deadline) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateRequestId("request_id", request.request_id()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("task_id", request.task_id()));
  DUNBAR_RETURN_IF_ERROR(ValidateOutcome(request.outcome()));
  DUNBAR_RETURN_IF_ERROR(ValidateNote(request.note()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Policy policy, GetPolicy(tenant, {}));
  DUNBAR_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone("policy.timezone", policy.timezone()));
  const Mutation mutation = MakeMutation(tenant, request, request.request_id(), options_.clock());
  const absl::CivilDay today = LocalDay(mutation.now, zone);

  Completion completion;
  completion.task_id = request.task_id();
  completion.outcome = request.outcome();
  completion.note = request.note();
  completion.local_date = FormatDate(today);
  if (request.outcome() == v1::INTERESTED) {
    const absl::CivilDay follow_up = today + policy.follow_up_days();
    completion.follow_up_date = FormatDate(follow_up);
    completion.follow_up_due = StartOfDay(follow_up, zone);
  }
  DUNBAR_ASSIGN_OR_RETURN(v1::Task completed, store_->CompleteTask(mutation, completion));

  // What cannot be applied now stays PENDING for the worker; the outcome itself is recorded.
  const absl::Status applied = ApplyTaskEffectsBefore(tenant, completed.id(), deadline);
  if (!applied.ok()) {
    log::Warn("outreach.effects_deferred", {{"tenant", tenant},
                                            {"task_id", completed.id()},
                                            {"error", std::string(applied.message())}});
  }
  v1::CompleteTaskResponse response;
  absl::StatusOr<v1::Task> current = store_->GetTask(tenant, completed.id());
  *response.mutable_task() = current.ok() ? *std::move(current) : std::move(completed);
  return response;
}

absl::StatusOr<v1::Task> OutreachDomain::SnoozeTask(const std::string& tenant,
                                                    const v1::SnoozeTaskRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("task_id", request.task_id()));
  DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay until, ParseDate("until_date", request.until_date()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Task task, store_->GetTask(tenant, request.task_id()));
  const std::string until_date = FormatDate(until);
  // Snoozing to the date it already has is a repeat: the store answers it unchanged.
  if (until_date != task.date()) {
    DUNBAR_ASSIGN_OR_RETURN(v1::Policy policy, GetPolicy(tenant, {}));
    DUNBAR_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone("policy.timezone", policy.timezone()));
    const absl::CivilDay today = LocalDay(options_.clock(), zone);
    const absl::StatusOr<absl::CivilDay> planned = ParseDate("task.date", task.date());
    if (planned.ok() && until <= *planned) {
      return absl::InvalidArgumentError(
          absl::StrCat("until_date: must be after the task's date ", task.date()));
    }
    if (until < today) {
      return absl::InvalidArgumentError(
          absl::StrCat("until_date: must not be before today (", FormatDate(today), ")"));
    }
    if (until - today > kMaxPlanDaysAhead) {
      return absl::InvalidArgumentError(
          absl::StrCat("until_date: more than ", kMaxPlanDaysAhead, " days ahead"));
    }
  }
  return store_->SnoozeTask(tenant, request.task_id(), until_date);
}

// ---- Campaigns ---------------------------------------------------------------------------------

absl::StatusOr<v1::Campaign> OutreachDomain::CreateCampaign(
    const std::string& tenant, const v1::CreateCampaignRequest& request, absl::Time deadline) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateRequestId("request_id", request.request_id()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Policy policy, GetPolicy(tenant, {}));
  DUNBAR_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone("policy.timezone", policy.timezone()));
  const Mutation mutation = MakeMutation(tenant, request, request.request_id(), options_.clock());
  const absl::CivilDay today = LocalDay(mutation.now, zone);
  v1::Campaign campaign = request.campaign();
  DUNBAR_RETURN_IF_ERROR(NormalizeNewCampaign(campaign, today));

  // The target must exist in cohort, else its tasks could never enrol anyone.
  const ServiceCaller cohort = CohortCalls(options_);
  grpc::Status status;
  if (campaign.target_cohort_id().empty()) {
    cv1::GetProgramRequest get;
    get.set_tenant(tenant);
    get.set_program_id(campaign.target_program_id());
    cv1::Program program;
    status = cohort.CallRaw(
        deadline, [&](grpc::ClientContext* c) { return cohort_->GetProgram(c, get, &program); });
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(absl::StrCat("campaign.target_program_id: program ",
                                              campaign.target_program_id(), " not found"));
    }
  } else {
    cv1::GetCohortRequest get;
    get.set_tenant(tenant);
    get.set_cohort_id(campaign.target_cohort_id());
    cv1::Cohort batch;
    status = cohort.CallRaw(
        deadline, [&](grpc::ClientContext* c) { return cohort_->GetCohort(c, get, &batch); });
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(absl::StrCat("campaign.target_cohort_id: cohort ",
                                              campaign.target_cohort_id(), " not found"));
    }
  }
  if (!status.ok()) return cohort.MapError(status);

  campaign.set_id(ids::NewId());
  campaign.set_tenant(tenant);
  campaign.set_origin(v1::OPERATOR);
  DUNBAR_RETURN_IF_ERROR(store_->RegisterTenant(tenant));
  DUNBAR_ASSIGN_OR_RETURN(v1::Campaign created, store_->CreateCampaign(mutation, campaign));
  created.set_state(CampaignStateOn(created, today));
  return created;
}

absl::StatusOr<v1::Campaign> OutreachDomain::GetCampaign(const std::string& tenant,
                                                         const v1::GetCampaignRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("campaign_id", request.campaign_id()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Campaign campaign,
                          store_->GetCampaign(tenant, request.campaign_id()));
  DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay today, TodayFor(*store_, tenant, options_.clock()));
  campaign.set_state(CampaignStateOn(campaign, today));
  return campaign;
}

absl::StatusOr<v1::ListCampaignsResponse> OutreachDomain::ListCampaigns(
    const std::string& tenant, const v1::ListCampaignsRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  DUNBAR_ASSIGN_OR_RETURN(std::string cursor,
                          DecodeCursor(kCampaignsToken, request.page_token(), "all"));
  DUNBAR_ASSIGN_OR_RETURN(CampaignPage page, store_->ListCampaigns(tenant, cursor, page_size));
  DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay today, TodayFor(*store_, tenant, options_.clock()));
  v1::ListCampaignsResponse response;
  for (v1::Campaign& campaign : page.campaigns) {
    campaign.set_state(CampaignStateOn(campaign, today));
    *response.add_campaigns() = std::move(campaign);
  }
  response.set_next_page_token(EncodeCursor(kCampaignsToken, "all", page.next_cursor));
  return response;
}

absl::StatusOr<v1::Campaign> OutreachDomain::PauseCampaign(
    const std::string& tenant, const v1::PauseCampaignRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("campaign_id", request.campaign_id()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Campaign campaign,
                          store_->SetCampaignPaused(tenant, request.campaign_id(), true));
  DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay today, TodayFor(*store_, tenant, options_.clock()));
  campaign.set_state(CampaignStateOn(campaign, today));
  return campaign;
}

absl::StatusOr<v1::Campaign> OutreachDomain::ResumeCampaign(
    const std::string& tenant, const v1::ResumeCampaignRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("campaign_id", request.campaign_id()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Campaign campaign,
                          store_->SetCampaignPaused(tenant, request.campaign_id(), false));
  DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay today, TodayFor(*store_, tenant, options_.clock()));
  campaign.set_state(CampaignStateOn(campaign, today));
  return campaign;
}

// ---- Funnel ------------------------------------------------------------------------------------

absl::StatusOr<v1::Funnel> OutreachDomain::GetFunnel(const std::string& tenant,
                                                     const v1::GetFunnelRequest& request) {
  if (!request.campaign_id().empty() && !request.cohort_id().empty()) {
    return absl::InvalidArgumentError("cohort_id: at most one of campaign_id and cohort_id");
  }
  std::string scope = "all";
  if (!request.campaign_id().empty()) {
    DUNBAR_RETURN_IF_ERROR(validation::ValidateId("campaign_id", request.campaign_id()));
    scope = absl::StrCat("c:", request.campaign_id());
  } else if (!request.cohort_id().empty()) {
    DUNBAR_RETURN_IF_ERROR(validation::ValidateId("cohort_id", request.cohort_id()));
    scope = absl::StrCat("b:", request.cohort_id());
  }
  absl::CivilDay to;
  if (request.to_date().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(to, TodayFor(*store_, tenant, options_.clock()));
  } else {
    DUNBAR_ASSIGN_OR_RETURN(to, ParseDate("to_date", request.to_date()));
  }
  absl::CivilDay from = to - (kDefaultFunnelDays - 1);
  if (!request.from_date().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(from, ParseDate("from_date", request.from_date()));
  }
  if (from > to) return absl::InvalidArgumentError("from_date: after to_date");
  if (to - from + 1 > kMaxFunnelDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("from_date: the range spans more than ", kMaxFunnelDays, " days"));
  }
  const std::vector<std::string> dates = DatesBetween(from, to);
  DUNBAR_ASSIGN_OR_RETURN(std::vector<v1::FunnelCounts> counts,
                          store_->GetFunnelDays(tenant, scope, dates));
  return MakeFunnel(dates, counts);
}

// ---- Dead letters ------------------------------------------------------------------------------

absl::StatusOr<v1::ListDeadLettersResponse> OutreachDomain::ListDeadLetters(
    const std::string& tenant, const v1::ListDeadLettersRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  DUNBAR_ASSIGN_OR_RETURN(std::string cursor,
                          DecodeCursor(kDeadLettersToken, request.page_token(), "all"));
  DUNBAR_ASSIGN_OR_RETURN(DeadLetterPage page, store_->ListDeadLetters(tenant, cursor, page_size));
  v1::ListDeadLettersResponse response;
  for (v1::DeadLetter& letter : page.dead_letters) {
    *response.add_dead_letters() = std::move(letter);
  }
  response.set_next_page_token(EncodeCursor(kDeadLettersToken, "all", page.next_cursor));
  return response;
}

absl::StatusOr<v1::ReplayDeadLetterResponse> OutreachDomain::ReplayDeadLetter(
    const std::string& tenant, const v1::ReplayDeadLetterRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateRequestId("request_id", request.request_id()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("dead_letter_id", request.dead_letter_id()));
  const Mutation mutation = MakeMutation(tenant, request, request.request_id(), options_.clock());
  DUNBAR_ASSIGN_OR_RETURN(std::string job_id,
                          store_->ReplayDeadLetter(mutation, request.dead_letter_id()));
  v1::ReplayDeadLetterResponse response;
  response.set_job_id(std::move(job_id));
  return response;
}

// ---- Worker handlers ---------------------------------------------------------------------------

absl::Status OutreachDomain::OnCohortOpened(const std::string& tenant,
                                            const std::string& program_id, int32_t cohort_number) {
  DUNBAR_ASSIGN_OR_RETURN(std::optional<v1::Policy> policy, store_->GetPolicy(tenant));
  if (!policy.has_value() || !policy->auto_campaign_on_new_cohort()) return absl::OkStatus();
  if (!policy->target_program_id().empty() && policy->target_program_id() != program_id) {
    return absl::OkStatus();
  }
  DUNBAR_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone("policy.timezone", policy->timezone()));

  cv1::GetCohortRequest get;
  get.set_tenant(tenant);
  get.set_cohort_id(absl::StrCat(program_id, ".", cohort_number));
  cv1::Cohort batch;
  DUNBAR_RETURN_IF_ERROR(CohortCalls(options_).Call(
      absl::InfiniteFuture(),
      [&](grpc::ClientContext* c) { return cohort_->GetCohort(c, get, &batch); }));

  v1::Campaign campaign;
  campaign.set_name(batch.name().empty() ? get.cohort_id() : batch.name());
  campaign.set_target_program_id(program_id);
  campaign.set_target_cohort_id(get.cohort_id());
  campaign.set_daily_pace(policy->auto_campaign_pace());
  // From the day the batch opened (not the day the event was handled): redeliveries agree.
  const absl::Time opened = batch.has_opened_at()
                                ? absl::FromUnixMillis(api::TimestampToMillis(batch.opened_at()))
                                : options_.clock();
  const absl::CivilDay opening_day = LocalDay(opened, zone);
  campaign.set_start_date(FormatDate(opening_day));
  DUNBAR_RETURN_IF_ERROR(NormalizeNewCampaign(campaign, opening_day));

  v1::CreateCampaignRequest request;
  request.set_request_id(CohortOpenedRequestId(get.cohort_id()));
  *request.mutable_campaign() = campaign;
  const Mutation mutation = MakeMutation(tenant, request, request.request_id(), options_.clock());
  campaign.set_id(ids::NewId());
  campaign.set_tenant(tenant);
  campaign.set_origin(v1::NEW_COHORT);
  const absl::StatusOr<v1::Campaign> created = store_->CreateCampaign(mutation, campaign);
  // ALREADY_EXISTS: our request id was used with other settings (the policy changed between two
  // deliveries); the batch has its campaign either way.
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  return absl::OkStatus();
}

absl::Status OutreachDomain::OnMemberChanged(const std::string& tenant,
                                             const std::string& member_id, bool deleted) {
  const absl::Time now = options_.clock();
  if (deleted) return store_->CancelOpenTasks(tenant, member_id, "member deleted", now).status();
  // Only an open task holds data about the member (its card); without one there is nothing to
  // refresh or cancel, and no reason to ask membership (most change events are of this kind).
  DUNBAR_ASSIGN_OR_RETURN(const bool has_open_task, store_->HasOpenTask(tenant, member_id));
  if (!has_open_task) return absl::OkStatus();
  mv1::GetMemberRequest get;
  get.set_tenant(tenant);
  get.set_member_id(member_id);
  mv1::Member member;
  const ServiceCaller membership = MembershipCalls(options_);
  const grpc::Status status = membership.CallRaw(
      absl::InfiniteFuture(),
      [&](grpc::ClientContext* c) { return membership_->GetMember(c, get, &member); });
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return store_->CancelOpenTasks(tenant, member_id, "member deleted", now).status();
  }
  if (!status.ok()) return membership.MapError(status);
  if (member.preference().do_not_contact()) {
    return store_->CancelOpenTasks(tenant, member_id, "do not contact", now).status();
  }
  return store_->RefreshContactCard(tenant, MakeContactCard(member)).status();
}

absl::Status OutreachDomain::ApplyTaskEffects(const std::string& tenant,
                                              const std::string& task_id) {
  return ApplyTaskEffectsBefore(tenant, task_id, absl::InfiniteFuture());
}

absl::Status OutreachDomain::ApplyTaskEffectsBefore(const std::string& tenant,
                                                    const std::string& task_id,
                                                    absl::Time deadline) {
  const ServiceCaller membership_calls = MembershipCalls(options_);
  const ServiceCaller cohort_calls = CohortCalls(options_);
  TaskEffectsApplier applier(*store_, *membership_, *cohort_, membership_calls, cohort_calls);
  return applier.Apply(tenant, task_id, deadline);
}

absl::Status OutreachDomain::CreateFollowUp(const std::string& tenant,
                                            const std::string& source_task_id,
                                            const std::string& date) {
  return store_->CreateFollowUpTask(tenant, options_.clock(), source_task_id, date).status();
}

}  // namespace dunbar::outreach
