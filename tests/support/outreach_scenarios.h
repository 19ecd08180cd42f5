// Helpers shared by the outreach scenario tests (tests/outreach/*_integration_test.cc), on top of
// OutreachFixture: waiting for the worker to go idle, reading what membership and cohort now hold
// (interactions, rosters, cohorts), date arithmetic on "YYYY-MM-DD" and plan shorthands.
//
//   MustSetPolicy(f, EveryDay(PolicySpec(5)));
//   ov1::DailyPlan plan = MustGetDailyPlan(f);
//   std::vector<std::string> members = PlanMembers(plan);      // by position
//   ASSERT_OK_STATUS(WaitForWorkerIdle(f));                         // lag, pending and due jobs
//   all 0 EXPECT_THAT(CountInteractions(f, members[0], mv1::CONTACTED), IsOkAndHolds(1));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/outreach_fixture.h"

// Asserts that an absl::Status expression is OK, printing it otherwise.
#define ASSERT_OK_STATUS(expr)                          \
  do {                                                  \
    const ::absl::Status status_of_expr = (expr);       \
    ASSERT_TRUE(status_of_expr.ok()) << status_of_expr; \
  } while (false)

namespace dunbar::testing {

// Monday..Sunday.
std::vector<ov1::Weekday> AllWeekdays();
// `policy` active every day of the week.
ov1::Policy EveryDay(ov1::Policy policy);

// Members made with `interactions` interactions of `kind` each (and this connection point).
MemberSpec Warmth(int interactions, mv1::InteractionKind kind,
                  const std::string& connection_point = "");

// A UTC instant.
absl::Time Utc(int year, int month, int day, int hour = 0, int minute = 0);
// "YYYY-MM-DD" moved by `days` (negative: back).
std::string ShiftDate(const std::string& date, int days);

// The member ids of a plan's tasks, by position.
std::vector<std::string> PlanMembers(const ov1::DailyPlan& plan);
// The task ids of a plan's tasks, by position.
std::vector<std::string> PlanTaskIds(const ov1::DailyPlan& plan);

// Until every stream of the tenant's worker has lag 0 and nothing pending, and no delayed job is
// due (seen twice in a row, so that a handler's own follow-on job is not missed).
absl::Status WaitForWorkerIdle(OutreachFixture& f, Caller caller = Caller::kAcme,
                               absl::Duration timeout = absl::Seconds(20));
// Until each of the tenant's three sources shows a consumer (the worker's groups exist and it has
// read from every stream once): events appended afterwards are certain to reach it.
absl::Status WaitForWorkerAttached(OutreachFixture& f, Caller caller = Caller::kAcme,
                                   absl::Duration timeout = absl::Seconds(20));
// The status entry of one source ("cohort-events", "membership-events", "jobs"); NOT_FOUND when
// the status does not list it.
absl::StatusOr<ov1::StreamStatus> StreamOf(const ov1::WorkerStatus& status,
                                           const std::string& source);

// How many of the member's interactions (membership's view) are of `kind`.
absl::StatusOr<int> CountInteractions(OutreachFixture& f, const std::string& member_id,
                                      mv1::InteractionKind kind, Caller caller = Caller::kAcme);

// The funnel of [from, to] (optionally of one campaign or batch).
absl::StatusOr<ov1::Funnel> FunnelOf(OutreachFixture& f, const std::string& from,
                                     const std::string& to, const std::string& campaign_id = "",
                                     const std::string& cohort_id = "",
                                     Caller caller = Caller::kAcme);
// Counts with these values (in FunnelCounts field order), for EqualsProto.
ov1::FunnelCounts Counts(int64_t contacted, int64_t replied, int64_t interested, int64_t enrolled,
                         int64_t declined, int64_t no_response, int64_t opted_out,
                         int64_t waitlisted = 0);

// Cohort's view, read through its API.
absl::StatusOr<std::vector<cv1::Cohort>> ListAllCohorts(OutreachFixture& f,
                                                        const std::string& program_id,
                                                        Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<cv1::RosterEntry>> ListAllRoster(OutreachFixture& f,
                                                            const std::string& cohort_id,
                                                            Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<cv1::WaitlistEntry>> GetAllWaitlist(OutreachFixture& f,
                                                               const std::string& program_id,
                                                               Caller caller = Caller::kAcme);

}  // namespace dunbar::testing
