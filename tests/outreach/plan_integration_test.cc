// GetDailyPlan through the real services: quota, active weekdays, the policy's timezone deciding
// "today", cooldown, do-not-contact, target programme exclusions, open tasks, stability (also under
// 32 racing first calls), outages of membership and cohort, and the reasons shown for each pick.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/outreach_fixture.h"
#include "tests/support/outreach_scenarios.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Monday 2026-03-02, 09:00 UTC.
const absl::Time kMonday9am = Utc(2026, 3, 2, 9, 0);

class PlanTest : public OutreachIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    OutreachFixtureOptions options;
    options.start_time = kMonday9am;
    StartSuiteFixture(options);
  }

  // `n` members of acme, warmest first.
  std::vector<std::string> Members(int n, const MemberSpec& spec = {},
                                   Caller caller = Caller::kAcme) {
    auto members = MakeMembers(fixture(), n, spec, caller);
    EXPECT_TRUE(members.ok()) << members.status();
    return members.ok() ? *members : std::vector<std::string>{};
  }

  static std::vector<std::string> Slice(const std::vector<std::string>& ids, size_t from,
                                        size_t to) {
    return std::vector<std::string>(ids.begin() + from, ids.begin() + to);
  }
};

TEST_F(PlanTest, PicksTheWarmestUpToTheQuota) {
  const std::vector<std::string> m = Members(12);
  ASSERT_THAT(m, SizeIs(12));
  MustSetPolicy(fixture(), PolicySpec(5));

  ov1::DailyPlan plan;
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), "", &plan));
  EXPECT_EQ(plan.date(), "2026-03-02");
  EXPECT_EQ(plan.timezone(), "UTC");
  EXPECT_EQ(plan.weekday(), ov1::MONDAY);
  EXPECT_TRUE(plan.active());
  EXPECT_EQ(plan.inactive_reason(), "");
  EXPECT_EQ(plan.quota(), 5);
  EXPECT_TRUE(plan.generated_now());
  EXPECT_EQ(plan.shortfall_reason(), "");
  EXPECT_THAT(PlanMembers(plan), ElementsAreArray(Slice(m, 0, 5)));
  int position = 0;
  for (const ov1::Task& task : plan.tasks()) {
    EXPECT_EQ(task.position(), ++position);
    EXPECT_EQ(task.status(), ov1::OPEN);
    EXPECT_EQ(task.kind(), ov1::WARM_CONTACT);
    EXPECT_EQ(task.date(), "2026-03-02");
    EXPECT_EQ(task.contact().member_id(), task.member_id());
  }

  // The same tasks are what ListTasks knows for that date.
  ov1::ListTasksRequest by_date;
  by_date.set_date("2026-03-02");
  auto listed = ListAllTasks(fixture(), by_date);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> listed_ids;
  for (const ov1::Task& task : *listed) listed_ids.push_back(task.id());
  EXPECT_THAT(listed_ids, ElementsAreArray(PlanTaskIds(plan)));
}

TEST_F(PlanTest, FewerEligibleContactsThanTheQuotaSaysWhy) {
  const std::vector<std::string> m = Members(3);
  MustSetPolicy(fixture(), PolicySpec(5));
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  EXPECT_THAT(PlanMembers(plan), ElementsAreArray(m));
  EXPECT_EQ(plan.quota(), 5);
  EXPECT_NE(plan.shortfall_reason(), "");
}

TEST_F(PlanTest, AnInactiveWeekdayGivesAnEmptyPlanAndStoresNothing) {
  Members(6);
  MustSetPolicy(fixture(), PolicySpec(3));  // Monday..Friday
  fixture().AdvanceDays(5);                 // Saturday 2026-03-07

  ov1::DailyPlan plan;
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), "", &plan));
  EXPECT_EQ(plan.date(), "2026-03-07");
  EXPECT_EQ(plan.weekday(), ov1::SATURDAY);
  EXPECT_FALSE(plan.active());
  EXPECT_THAT(plan.inactive_reason(), HasSubstr("SATURDAY"));
  EXPECT_THAT(plan.tasks(), IsEmpty());
  EXPECT_FALSE(plan.generated_now());

  ov1::ListTasksRequest by_date;
  by_date.set_date("2026-03-07");
  auto listed = ListAllTasks(fixture(), by_date);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());

  // Nothing was stored: once Saturday becomes active, the first call generates the plan.
  MustSetPolicy(fixture(), EveryDay(PolicySpec(3)));
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), "", &plan));
  EXPECT_TRUE(plan.active());
  EXPECT_TRUE(plan.generated_now());
  EXPECT_THAT(plan.tasks(), SizeIs(3));
}

TEST_F(PlanTest, ThePolicyTimezoneDecidesWhichDateIsToday) {
  // Sunday 2026-03-01 20:00 UTC is Monday 04:00 in Shanghai and Sunday noon in Los Angeles.
  fixture().SetNow(Utc(2026, 3, 1, 20, 0));
  Members(4, {}, Caller::kAcme);
  Members(4, {}, Caller::kGlobex);
  MustSetPolicy(fixture(), PolicySpec(2, "Asia/Shanghai"), Caller::kAcme);  // Monday..Friday
  MustSetPolicy(fixture(), PolicySpec(2, "America/Los_Angeles"), Caller::kGlobex);

  ov1::DailyPlan shanghai;
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), "", &shanghai, Caller::kAcme));
  EXPECT_EQ(shanghai.date(), "2026-03-02");
  EXPECT_EQ(shanghai.timezone(), "Asia/Shanghai");
  EXPECT_EQ(shanghai.weekday(), ov1::MONDAY);
  EXPECT_TRUE(shanghai.active());
  EXPECT_THAT(shanghai.tasks(), SizeIs(2));
  for (const ov1::Task& task : shanghai.tasks()) EXPECT_EQ(task.date(), "2026-03-02");

  ov1::DailyPlan los_angeles;
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), "", &los_angeles, Caller::kGlobex));
  EXPECT_EQ(los_angeles.date(), "2026-03-01");
  EXPECT_EQ(los_angeles.weekday(), ov1::SUNDAY);
  EXPECT_FALSE(los_angeles.active());
  EXPECT_THAT(los_angeles.inactive_reason(), HasSubstr("SUNDAY"));

  // In Shanghai the UTC date is already yesterday: past dates are never generated.
  ov1::DailyPlan past;
  EXPECT_THAT(GetDailyPlan(fixture(), "2026-03-01", &past, Caller::kAcme),
              HasCodeAndMessage(Code::NOT_FOUND, "2026-03-01"));
  // At most 30 days ahead of the local today.
  EXPECT_GRPC_OK(GetDailyPlan(fixture(), "2026-04-01", &past, Caller::kAcme));
  EXPECT_THAT(GetDailyPlan(fixture(), "2026-04-02", &past, Caller::kAcme),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "date"));
}

TEST_F(PlanTest, JustBeforeMidnightUtcTheNextLocalDayIsAlreadyPlanned) {
  // Monday 23:30 UTC: still Monday in UTC, Tuesday 07:30 in Shanghai.
  fixture().SetNow(Utc(2026, 3, 2, 23, 30));
  Members(4);
  MustSetPolicy(fixture(), PolicySpec(1, "Asia/Shanghai", "", {ov1::MONDAY}));
  ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  EXPECT_EQ(plan.date(), "2026-03-03");
  EXPECT_EQ(plan.weekday(), ov1::TUESDAY);
  EXPECT_FALSE(plan.active());

  MustSetPolicy(fixture(), PolicySpec(1, "UTC", "", {ov1::MONDAY}));
  plan = MustGetDailyPlan(fixture());
  EXPECT_EQ(plan.date(), "2026-03-02");
  EXPECT_TRUE(plan.active());
  EXPECT_THAT(plan.tasks(), SizeIs(1));

  // One hour later the UTC date has turned too.
  fixture().Advance(absl::Hours(1));
  plan = MustGetDailyPlan(fixture());
  EXPECT_EQ(plan.date(), "2026-03-03");
  EXPECT_FALSE(plan.active());
}

TEST_F(PlanTest, AContactCompletedTodayWaitsOutTheCooldown) {
  const std::vector<std::string> m = Members(4);
  ov1::Policy policy = EveryDay(PolicySpec(2));
  policy.set_cooldown_days(3);
  MustSetPolicy(fixture(), policy);

  // Day 0: the two warmest, completed at once.
  ov1::DailyPlan day0 = MustGetDailyPlan(fixture());
  ASSERT_THAT(PlanMembers(day0), ElementsAre(m[0], m[1]));
  for (const ov1::Task& task : day0.tasks()) {
    ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), ov1::NO_RESPONSE));
  }
  // Day 1: the other two.
  fixture().AdvanceDays(1);
  ov1::DailyPlan day1 = MustGetDailyPlan(fixture());
  ASSERT_THAT(PlanMembers(day1), ElementsAre(m[2], m[3]));
  for (const ov1::Task& task : day1.tasks()) {
    ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), ov1::DECLINED));
  }
  // Day 2: everyone is cooling down.
  fixture().AdvanceDays(1);
  ov1::DailyPlan day2 = MustGetDailyPlan(fixture());
  EXPECT_THAT(day2.tasks(), IsEmpty());
  EXPECT_THAT(day2.shortfall_reason(), HasSubstr("cooldown"));
  // Day 3: the day-0 contacts are due again (3 days later), the day-1 ones are not.
  fixture().AdvanceDays(1);
  ov1::DailyPlan day3 = MustGetDailyPlan(fixture());
  EXPECT_THAT(PlanMembers(day3), ElementsAre(m[0], m[1]));
  for (const ov1::Task& task : day3.tasks()) {
    EXPECT_EQ(task.reason().days_since_contact(), 3) << task.member_id();
  }
}

TEST_F(PlanTest, AContactTouchedOutsideOutreachCountsForTheCooldown) {
  const std::vector<std::string> m = Members(4);
  // The operator wrote to the warmest contact yesterday, without outreach.
  ASSERT_GRPC_OK(
      RecordInteraction(fixture(), m[0], mv1::CONTACTED, fixture().Now() - absl::Hours(24)));
  MustSetPolicy(fixture(), PolicySpec(2));
  EXPECT_THAT(PlanMembers(MustGetDailyPlan(fixture())), ElementsAre(m[1], m[2]));
}

TEST_F(PlanTest, DoNotContactIsNeverPlanned) {
  const std::vector<std::string> m = Members(6);
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), m[0], true));
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), m[3], true));
  MustSetPolicy(fixture(), PolicySpec(5));
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  EXPECT_THAT(PlanMembers(plan), ElementsAre(m[1], m[2], m[4], m[5]));
}

TEST_F(PlanTest, MembersEnrolledOrWaitingInTheTargetProgrammeAreExcluded) {
  const std::vector<std::string> m = Members(8);
  // One seat, then a waitlist.
  const cv1::Program target = MustCreateProgram(fixture(), 1, cv1::WAITLIST);
  const cv1::Program other = MustCreateProgram(fixture(), 5, cv1::AUTO_OPEN_NEXT);
  cv1::EnrollResponse seated, waiting, elsewhere;
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), target.id(), m[0], &seated));
  ASSERT_EQ(seated.result(), cv1::ENROLLED);
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), target.id(), m[2], &waiting));
  ASSERT_EQ(waiting.result(), cv1::WAITLISTED);
  // Enrolled in another programme: still a prospect for the target.
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), other.id(), m[1], &elsewhere));

  MustSetPolicy(fixture(), PolicySpec(5, "UTC", target.id()));
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  EXPECT_THAT(PlanMembers(plan), ElementsAre(m[1], m[3], m[4], m[5], m[6]));
  for (const ov1::Task& task : plan.tasks()) EXPECT_EQ(task.target_program_id(), target.id());
}

TEST_F(PlanTest, AMemberHoldingAnOpenTaskIsNotPlannedAgain) {
  const std::vector<std::string> m = Members(6);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(2)));
  const ov1::DailyPlan day0 = MustGetDailyPlan(fixture());
  ASSERT_THAT(PlanMembers(day0), ElementsAre(m[0], m[1]));
  // Nobody completes day 0's tasks: their members stay out of day 1's plan.
  fixture().AdvanceDays(1);
  ov1::DailyPlan day1 = MustGetDailyPlan(fixture());
  EXPECT_THAT(PlanMembers(day1), ElementsAre(m[2], m[3]));
  ov1::Task still_open;
  ASSERT_GRPC_OK(GetTask(fixture(), day0.tasks(0).id(), &still_open));
  EXPECT_EQ(still_open.status(), ov1::OPEN);
  EXPECT_EQ(still_open.date(), day0.date());
}

TEST_F(PlanTest, RepeatedCallsAnswerTheStoredPlan) {
  const std::vector<std::string> m = Members(6);
  MustSetPolicy(fixture(), PolicySpec(3));
  ov1::DailyPlan first = MustGetDailyPlan(fixture());
  ASSERT_TRUE(first.generated_now());
  ASSERT_THAT(first.tasks(), SizeIs(3));

  // A warmer contact appears and time passes: the plan of the day does not move.
  auto newcomer = MakeMembers(fixture(), 1, Warmth(5, mv1::PURCHASED));
  ASSERT_TRUE(newcomer.ok()) << newcomer.status();
  fixture().Advance(absl::Hours(3));
  ov1::DailyPlan again = MustGetDailyPlan(fixture());
  ov1::DailyPlan by_date = MustGetDailyPlan(fixture(), first.date());
  EXPECT_FALSE(again.generated_now());
  EXPECT_FALSE(by_date.generated_now());
  first.set_generated_now(false);
  EXPECT_THAT(again, EqualsProto(first));
  EXPECT_THAT(by_date, EqualsProto(first));
}

TEST_F(PlanTest, ThirtyTwoRacingFirstCallsAgreeOnOnePlan) {
  const std::vector<std::string> m = Members(12);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(5)));

  constexpr int kCallers = 32;
  std::vector<ov1::DailyPlan> plans(kCallers);
  std::vector<grpc::Status> statuses(kCallers);
  RunConcurrently(kCallers, kCallers,
                  [&](int i) { statuses[i] = GetDailyPlan(fixture(), "", &plans[i]); });
  int generators = 0;
  for (int i = 0; i < kCallers; ++i) {
    ASSERT_GRPC_OK(statuses[i]) << "caller " << i;
    generators += plans[i].generated_now() ? 1 : 0;
  }
  EXPECT_EQ(generators, 1);
  ov1::DailyPlan reference = plans[0];
  reference.set_generated_now(false);
  EXPECT_THAT(PlanMembers(reference), ElementsAreArray(Slice(m, 0, 5)));
  for (int i = 1; i < kCallers; ++i) {
    ov1::DailyPlan plan = plans[i];
    plan.set_generated_now(false);
    EXPECT_THAT(plan, EqualsProto(reference)) << "caller " << i;
  }

  // One set of tasks: the date lists five, and no loser left an open task behind that would keep
  // its member out of tomorrow's plan.
  ov1::ListTasksRequest by_date;
  by_date.set_date(reference.date());
  auto listed = ListAllTasks(fixture(), by_date);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, SizeIs(5));
  fixture().AdvanceDays(1);
  EXPECT_THAT(PlanMembers(MustGetDailyPlan(fixture())), ElementsAreArray(Slice(m, 5, 10)));
}

TEST_F(PlanTest, WithMembershipDownGeneratingIsUnavailableButAStoredPlanAnswers) {
  const std::vector<std::string> m = Members(8);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(3)));
  const ov1::DailyPlan today = MustGetDailyPlan(fixture());
  ASSERT_THAT(today.tasks(), SizeIs(3));
  const std::string tomorrow = ShiftDate(today.date(), 1);

  fixture().StopMembership();
  ov1::DailyPlan plan;
  EXPECT_THAT(GetDailyPlan(fixture(), tomorrow, &plan), HasCode(Code::UNAVAILABLE));
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), "", &plan));
  EXPECT_FALSE(plan.generated_now());
  EXPECT_THAT(PlanTaskIds(plan), ElementsAreArray(PlanTaskIds(today)));

  // Nothing was stored for tomorrow: once membership is back, a call generates it whole.
  ASSERT_TRUE(fixture().StartMembership().ok());
  grpc::Status status;
  ASSERT_TRUE(WaitFor(
                  [&] {
                    status = GetDailyPlan(fixture(), tomorrow, &plan);
                    return status.error_code() != Code::UNAVAILABLE;
                  },
                  "membership to answer outreach again")
                  .ok());
  ASSERT_GRPC_OK(status);
  EXPECT_TRUE(plan.generated_now());
  EXPECT_THAT(PlanMembers(plan), ElementsAre(m[3], m[4], m[5]));
}

TEST_F(PlanTest, WithCohortDownGeneratingIsUnavailableButAStoredPlanAnswers) {
  const std::vector<std::string> m = Members(8);
  const cv1::Program target = MustCreateProgram(fixture(), 10);
  MustSetPolicy(fixture(), EveryDay(PolicySpec(3, "UTC", target.id())));
  const ov1::DailyPlan today = MustGetDailyPlan(fixture());
  ASSERT_THAT(today.tasks(), SizeIs(3));
  const std::string tomorrow = ShiftDate(today.date(), 1);

  fixture().StopCohort();
  ov1::DailyPlan plan;
  EXPECT_THAT(GetDailyPlan(fixture(), tomorrow, &plan), HasCode(Code::UNAVAILABLE));
  ASSERT_GRPC_OK(GetDailyPlan(fixture(), today.date(), &plan));
  EXPECT_FALSE(plan.generated_now());
  EXPECT_THAT(PlanTaskIds(plan), ElementsAreArray(PlanTaskIds(today)));
  ov1::ListTasksRequest by_date;
  by_date.set_date(tomorrow);
  auto listed = ListAllTasks(fixture(), by_date);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());

  ASSERT_TRUE(fixture().StartCohort().ok());
  grpc::Status status;
  ASSERT_TRUE(WaitFor(
                  [&] {
                    status = GetDailyPlan(fixture(), tomorrow, &plan);
                    return status.error_code() != Code::UNAVAILABLE;
                  },
                  "cohort to answer outreach again")
                  .ok());
  ASSERT_GRPC_OK(status);
  EXPECT_TRUE(plan.generated_now());
  EXPECT_THAT(PlanMembers(plan), ElementsAre(m[3], m[4], m[5]));
}

TEST_F(PlanTest, EachPickShowsWhyMatchingWhatMembershipKnows) {
  // Warmest first by construction: 4 purchases, 3 comments, 1 like, none.
  auto buyer = MakeMembers(fixture(), 1, Warmth(4, mv1::PURCHASED, "shop"));
  auto commenter = MakeMembers(fixture(), 1, Warmth(3, mv1::COMMENTED, "Deep Work 2 alumni"));
  auto liker = MakeMembers(fixture(), 1, Warmth(1, mv1::LIKED));
  auto stranger = MakeMembers(fixture(), 1, Warmth(0, mv1::LIKED));
  ASSERT_TRUE(buyer.ok() && commenter.ok() && liker.ok() && stranger.ok());
  // The commenter also attended once and was last contacted five days ago.
  ASSERT_GRPC_OK(RecordInteraction(fixture(), (*commenter)[0], mv1::ATTENDED));
  ASSERT_GRPC_OK(RecordInteraction(fixture(), (*commenter)[0], mv1::CONTACTED,
                                   fixture().Now() - absl::Hours(24 * 5)));
  ov1::Policy policy = PolicySpec(5);
  policy.set_cooldown_days(2);
  MustSetPolicy(fixture(), policy);

  // What membership says, read just before the plan is generated.
  mv1::RankContactsRequest rank;
  auto ranked = RankAll(fixture().membership(), rank, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(*ranked, SizeIs(4));
  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  ASSERT_THAT(plan.tasks(), SizeIs(4));
  std::vector<std::string> expected_order;
  for (const mv1::RankedContact& contact : *ranked) expected_order.push_back(contact.member().id());
  EXPECT_THAT(PlanMembers(plan), ElementsAreArray(expected_order));

  for (int i = 0; i < 4; ++i) {
    const mv1::RankedContact& contact = (*ranked)[i];
    const ov1::Task& task = plan.tasks(i);
    SCOPED_TRACE(task.member_id());
    // Warmth decays by the milliseconds between the two reads.
    EXPECT_NEAR(task.reason().warmth(), contact.warmth(), 1e-3 * (1 + contact.warmth()));
    EXPECT_EQ(task.reason().connection_point(), contact.member().connection_point().description());
    EXPECT_EQ(task.reason().days_since_contact(), contact.days_since_contacted());
    EXPECT_THAT(task.reason().last_interaction_at(), EqualsProto(contact.last_interaction_at()));
    EXPECT_EQ(task.contact().name(), contact.member().name());
    EXPECT_EQ(task.contact().email(), contact.member().email());
    EXPECT_EQ(task.contact().stage(), "CONTACT");
    EXPECT_NE(task.reason().summary(), "");
  }
  EXPECT_EQ(plan.tasks(0).member_id(), (*buyer)[0]);
  EXPECT_THAT(plan.tasks(0).reason().warmth_reasons(), ElementsAre("bought 4x"));
  EXPECT_EQ(plan.tasks(0).reason().days_since_contact(), -1);
  EXPECT_EQ(plan.tasks(1).member_id(), (*commenter)[0]);
  EXPECT_THAT(plan.tasks(1).reason().warmth_reasons(), ElementsAre("commented 3x", "attended 1x"));
  EXPECT_EQ(plan.tasks(1).reason().connection_point(), "Deep Work 2 alumni");
  EXPECT_EQ(plan.tasks(1).reason().days_since_contact(), 5);
  EXPECT_THAT(plan.tasks(1).reason().summary(), HasSubstr("commented 3x"));
  EXPECT_EQ(plan.tasks(2).member_id(), (*liker)[0]);
  EXPECT_THAT(plan.tasks(2).reason().warmth_reasons(), ElementsAre("liked 1x"));
  EXPECT_EQ(plan.tasks(3).member_id(), (*stranger)[0]);
  EXPECT_THAT(plan.tasks(3).reason().warmth_reasons(), IsEmpty());
  EXPECT_EQ(plan.tasks(3).reason().warmth(), 0.0);
  EXPECT_NE(plan.shortfall_reason(), "");
}

}  // namespace
}  // namespace dunbar::testing
