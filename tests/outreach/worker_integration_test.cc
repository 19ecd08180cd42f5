// The outreach worker against the real services' event streams: cohort.opened starts exactly one
// invitation campaign (also when the event is delivered again), membership's deletions and
// do-not-contact changes cancel open tasks and updates refresh their cards, and the lag that
// GetWorkerStatus reports drains to 0 once a worker runs.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/outreach_fixture.h"
#include "tests/support/outreach_scenarios.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::SizeIs;

// Monday 2026-03-02, 09:00 UTC.
const absl::Time kMonday9am = Utc(2026, 3, 2, 9, 0);
constexpr char kToday[] = "2026-03-02";

std::string CohortEventsKey(const std::string& tenant) {
  return absl::StrCat("dunbar:cohort:{", tenant, "}:events");
}
std::string MembershipEventsKey(const std::string& tenant) {
  return absl::StrCat("dunbar:membership:{", tenant, "}:events");
}

int64_t StreamLength(redis::RedisClient& redis, const std::string& key) {
  auto reply = redis.Command({"XLEN", key});
  EXPECT_TRUE(reply.ok()) << reply.status();
  return reply.ok() ? reply->integer() : -1;
}

grpc::Status RenameMember(OutreachFixture& f, const std::string& member_id,
                          const std::string& name) {
  mv1::UpdateMemberRequest request;
  request.set_request_id(NewRequestId());
  request.mutable_member()->set_id(member_id);
  request.mutable_member()->set_name(name);
  request.mutable_update_mask()->add_paths("name");
  mv1::Member out;
  return f.membership_stub().UpdateMember(f.Context(Caller::kAcme).get(), request, &out);
}

class WorkerTest : public OutreachIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    OutreachFixtureOptions options;
    options.start_time = kMonday9am;
    StartSuiteFixture(options);
  }

  std::vector<std::string> Members(int n) {
    auto members = MakeMembers(fixture(), n);
    EXPECT_TRUE(members.ok()) << members.status();
    return members.ok() ? *members : std::vector<std::string>{};
  }

  // The campaigns inviting to `cohort_id`.
  std::vector<ov1::Campaign> CampaignsFor(const std::string& cohort_id) {
    auto campaigns = ListAllCampaigns(fixture());
    EXPECT_TRUE(campaigns.ok()) << campaigns.status();
    std::vector<ov1::Campaign> matching;
    if (!campaigns.ok()) return matching;
    for (const ov1::Campaign& c : *campaigns) {
      if (c.target_cohort_id() == cohort_id) matching.push_back(c);
    }
    return matching;
  }
};

TEST_F(WorkerTest, ANewBatchStartsExactlyOneInvitationCampaign) {
  const std::vector<std::string> m = Members(12);
  ASSERT_THAT(m, SizeIs(12));
  const cv1::Program program =
      MustCreateProgram(fixture(), 2, cv1::AUTO_OPEN_NEXT, Caller::kAcme, "Morning Pages");
  ov1::Policy policy = EveryDay(PolicySpec(10, "UTC", program.id()));
  policy.set_auto_campaign_on_new_cohort(true);
  policy.set_auto_campaign_pace(3);
  MustSetPolicy(fixture(), policy);
  ASSERT_OK_STATUS(WaitForWorkerAttached(fixture()));

  // The two coldest contacts fill batch 1: cohort opens batch 2.
  cv1::EnrollResponse last;
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), program.id(), m[10]));
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), program.id(), m[11], &last));
  ASSERT_TRUE(last.has_opened_cohort());
  const std::string batch2 = CohortId(program.id(), 2);
  ASSERT_EQ(last.opened_cohort().id(), batch2);

  ASSERT_TRUE(WaitFor([&] { return !CampaignsFor(batch2).empty(); }, "the batch-2 campaign").ok());
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  std::vector<ov1::Campaign> campaigns = CampaignsFor(batch2);
  ASSERT_THAT(campaigns, SizeIs(1));
  const ov1::Campaign campaign = campaigns[0];
  EXPECT_EQ(campaign.origin(), ov1::NEW_COHORT);
  EXPECT_EQ(campaign.name(), "Morning Pages 2");
  EXPECT_EQ(campaign.target_program_id(), program.id());
  EXPECT_EQ(campaign.daily_pace(), 3);
  EXPECT_EQ(campaign.start_date(), kToday);
  EXPECT_EQ(campaign.state(), ov1::ACTIVE);
  EXPECT_FALSE(campaign.paused());

  // Redelivery: the group reads cohort's whole stream again.
  const int64_t entries = StreamLength(fixture().cohort_redis(), CohortEventsKey("acme"));
  ASSERT_GE(entries, 2);
  const outreach::WorkerCounters before = fixture().outreach().worker_counters();
  ASSERT_TRUE(fixture()
                  .cohort_redis()
                  .Command({"XGROUP", "SETID", CohortEventsKey("acme"), "outreach", "0"})
                  .ok());
  ASSERT_TRUE(WaitFor(
                  [&] {
                    const outreach::WorkerCounters now = fixture().outreach().worker_counters();
                    return (now.handled + now.ignored) - (before.handled + before.ignored) >=
                           entries;
                  },
                  "the worker to handle cohort's events again")
                  .ok());
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  // And the handler run by hand, racing itself.
  RunConcurrently(8, 8, [&](int) {
    absl::Status s = fixture().domain().OnCohortOpened("acme", program.id(), 2);
    EXPECT_TRUE(s.ok()) << s;
  });
  campaigns = CampaignsFor(batch2);
  ASSERT_THAT(campaigns, SizeIs(1));
  EXPECT_EQ(campaigns[0].id(), campaign.id());

  // The campaign feeds today's plan at its pace, inviting to batch 2; enrolled members are out.
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  int invited = 0;
  for (const ov1::Task& task : plan.tasks()) {
    EXPECT_NE(task.member_id(), m[10]);
    EXPECT_NE(task.member_id(), m[11]);
    if (task.campaign_id() != campaign.id()) continue;
    ++invited;
    EXPECT_EQ(task.kind(), ov1::CAMPAIGN);
    EXPECT_EQ(task.target_cohort_id(), batch2);
    EXPECT_EQ(task.target_program_id(), program.id());
  }
  EXPECT_EQ(invited, 3);
  EXPECT_THAT(plan.tasks(), SizeIs(10));
}

TEST_F(WorkerTest, WithoutThePolicyFlagANewBatchStartsNoCampaign) {
  const std::vector<std::string> m = Members(3);
  const cv1::Program program = MustCreateProgram(fixture(), 1, cv1::AUTO_OPEN_NEXT);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(3, "UTC", program.id())));
  ASSERT_OK_STATUS(WaitForWorkerAttached(fixture()));
  cv1::EnrollResponse filled;
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), program.id(), m[0], &filled));
  ASSERT_TRUE(filled.has_opened_cohort());
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  auto campaigns = ListAllCampaigns(fixture());
  ASSERT_TRUE(campaigns.ok()) << campaigns.status();
  EXPECT_THAT(*campaigns, SizeIs(0));
}

TEST_F(WorkerTest, MembershipChangesCancelOrRefreshOpenTasks) {
  const std::vector<std::string> m = Members(6);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(3)));
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  ASSERT_THAT(PlanMembers(plan), ElementsAre(m[0], m[1], m[2]));
  ASSERT_OK_STATUS(WaitForWorkerAttached(fixture()));

  bool deleted = false;
  ASSERT_GRPC_OK(DeleteMember(fixture().membership(), m[0], &deleted));
  ASSERT_TRUE(deleted);
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), m[1], true));
  ASSERT_GRPC_OK(RenameMember(fixture(), m[2], "Renamed Person"));

  ov1::Task t0, t1, t2;
  ASSERT_TRUE(WaitFor(
                  [&] {
                    return GetTask(fixture(), plan.tasks(0).id(), &t0).ok() &&
                           GetTask(fixture(), plan.tasks(1).id(), &t1).ok() &&
                           GetTask(fixture(), plan.tasks(2).id(), &t2).ok() &&
                           t0.status() == ov1::CANCELLED && t1.status() == ov1::CANCELLED &&
                           t2.contact().name() == "Renamed Person";
                  },
                  "the worker to apply membership's changes")
                  .ok())
      << t0.ShortDebugString() << "\n"
      << t1.ShortDebugString() << "\n"
      << t2.ShortDebugString();
  EXPECT_NE(t0.cancel_reason(), "");
  EXPECT_NE(t1.cancel_reason(), "");
  EXPECT_EQ(t2.status(), ov1::OPEN);
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));

  // A cancelled task cannot be completed; nothing reached membership for it.
  EXPECT_THAT(CompleteTask(fixture(), t1.id(), ov1::REPLIED),
              HasCodeAndMessage(Code::FAILED_PRECONDITION, t1.id()));
  auto contacted = CountInteractions(fixture(), m[1], mv1::CONTACTED);
  ASSERT_TRUE(contacted.ok()) << contacted.status();
  EXPECT_EQ(*contacted, 0);
  // Tomorrow: the deleted and the opted-out members are gone, m[2] still holds its task.
  fixture().AdvanceDays(1);
  EXPECT_THAT(PlanMembers(MustGetDailyPlan(fixture())), ElementsAre(m[3], m[4], m[5]));
}

TEST_F(WorkerTest, LagBuiltUpWhileNoWorkerRunsDrainsToZero) {
  const std::vector<std::string> m = Members(4);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(2)));
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  ASSERT_THAT(plan.tasks(), SizeIs(2));
  ASSERT_OK_STATUS(WaitForWorkerAttached(fixture()));
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));

  // The API keeps serving while no worker runs.
  outreach::OutreachOptions no_worker = TestOutreachOptions();
  no_worker.run_worker = false;
  ASSERT_TRUE(fixture().RestartOutreach(no_worker).ok());
  const int64_t membership_before =
      StreamLength(fixture().membership_redis(), MembershipEventsKey("acme"));
  for (int i = 0; i < 5; ++i) {
    ASSERT_GRPC_OK(RenameMember(fixture(), m[3], absl::StrCat("Name ", i)));
  }
  ASSERT_GRPC_OK(CompleteTask(fixture(), plan.tasks(0).id(), ov1::NO_RESPONSE));
  const int64_t membership_added =
      StreamLength(fixture().membership_redis(), MembershipEventsKey("acme")) - membership_before;
  ASSERT_GE(membership_added, 5);

  ov1::WorkerStatus status;
  ASSERT_GRPC_OK(GetWorkerStatus(fixture(), &status));
  auto membership_stream = StreamOf(status, "membership-events");
  ASSERT_TRUE(membership_stream.ok()) << membership_stream.status();
  EXPECT_EQ(membership_stream->lag(), membership_added);
  EXPECT_EQ(membership_stream->pending(), 0);
  EXPECT_EQ(membership_stream->stream(), MembershipEventsKey("acme"));
  auto jobs = StreamOf(status, "jobs");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_EQ(jobs->lag(), 1);  // the completed task's effects job
  EXPECT_EQ(jobs->pending(), 0);
  EXPECT_EQ(status.dead_letters(), 0);

  ASSERT_TRUE(fixture().RestartOutreach(TestOutreachOptions()).ok());
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  ASSERT_GRPC_OK(GetWorkerStatus(fixture(), &status));
  ASSERT_THAT(status.streams(), SizeIs(3));
  for (const ov1::StreamStatus& stream : status.streams()) {
    SCOPED_TRACE(stream.source());
    EXPECT_EQ(stream.lag(), 0);
    EXPECT_EQ(stream.pending(), 0);
  }
  ov1::Task refreshed;
  ASSERT_GRPC_OK(GetTask(fixture(), plan.tasks(1).id(), &refreshed));
  EXPECT_EQ(refreshed.status(), ov1::OPEN);
}

}  // namespace
}  // namespace dunbar::testing
