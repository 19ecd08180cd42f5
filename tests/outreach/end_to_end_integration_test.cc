// Two simulated weeks of an operator's outreach through the real services: 500 imported contacts
// with interactions, a programme of 50 seats per batch (AUTO_OPEN_NEXT) as the target, ten picks a
// day, every task completed with a scripted outcome. Afterwards the funnel equals the outcomes
// given, batch 1 is full and batch 2 open, no pick fell inside its member's cooldown, follow-ups
// came three days after INTERESTED, and every ENROLLED outcome holds a seat.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/outreach_fixture.h"
#include "tests/support/outreach_scenarios.h"

namespace dunbar::testing {
namespace {

using ::testing::SizeIs;

// Monday 2026-03-02, 09:00 UTC.
const absl::Time kMonday9am = Utc(2026, 3, 2, 9, 0);
constexpr char kFirstDay[] = "2026-03-02";
constexpr int kContacts = 500;
constexpr int kCapacity = 50;
constexpr int kQuota = 10;
constexpr int kCooldownDays = 4;
constexpr int kFollowUpDays = 3;
constexpr int kDays = 14;

// The outcomes, in order of completion (cycled): half of all touches enrol.
const std::vector<ov1::Outcome>& Script() {
  static const auto* script = new std::vector<ov1::Outcome>{
      ov1::ENROLLED, ov1::REPLIED,  ov1::ENROLLED,    ov1::INTERESTED, ov1::ENROLLED,
      ov1::DECLINED, ov1::ENROLLED, ov1::NO_RESPONSE, ov1::ENROLLED,   ov1::OPTED_OUT};
  return *script;
}

// Adds one outcome to the expected funnel counts.
void Tally(ov1::Outcome outcome, ov1::FunnelCounts& counts) {
  counts.set_contacted(counts.contacted() + 1);
  switch (outcome) {
    case ov1::REPLIED:
      counts.set_replied(counts.replied() + 1);
      break;
    case ov1::INTERESTED:
      counts.set_interested(counts.interested() + 1);
      break;
    case ov1::ENROLLED:
      counts.set_enrolled(counts.enrolled() + 1);
      break;
    case ov1::DECLINED:
      counts.set_declined(counts.declined() + 1);
      break;
    case ov1::NO_RESPONSE:
      counts.set_no_response(counts.no_response() + 1);
      break;
    case ov1::OPTED_OUT:
      counts.set_opted_out(counts.opted_out() + 1);
      break;
    default:
      ADD_FAILURE() << "unexpected outcome " << outcome;
  }
}

class EndToEndTest : public OutreachIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    OutreachFixtureOptions options;
    options.start_time = kMonday9am;
    StartSuiteFixture(options);
  }
};

TEST_F(EndToEndTest, TwoWeeksOfPlansFillTheFirstBatchAndOpenTheSecond) {
  auto contacts = MakeMembers(fixture(), kContacts, Warmth(1, mv1::COMMENTED, "spring workshop"));
  ASSERT_TRUE(contacts.ok()) << contacts.status();
  const cv1::Program program =
      MustCreateProgram(fixture(), kCapacity, cv1::AUTO_OPEN_NEXT, Caller::kAcme, "Deep Work");
  ov1::Policy policy = EveryDay(PolicySpec(kQuota, "UTC", program.id()));
  policy.set_cooldown_days(kCooldownDays);
  policy.set_follow_up_days(kFollowUpDays);
  MustSetPolicy(fixture(), policy);

  size_t next_outcome = 0;
  ov1::FunnelCounts expected_totals;
  std::vector<ov1::FunnelCounts> expected_days(kDays);
  std::map<std::string, int> last_touched_day;  // member -> day of its latest completion
  std::map<std::string, int> touches;           // member -> completed tasks
  std::map<std::string, int> interested_on;     // INTERESTED task id -> its day
  std::set<std::string> opted_out, enrolled_members;
  std::vector<std::string> enrolled_tasks;
  std::map<int, int> interested_per_day;
  int repeat_picks = 0, all_follow_ups = 0;  // the cooldown and follow-up checks did bite

  for (int day = 0; day < kDays; ++day) {
    SCOPED_TRACE(absl::StrCat("day ", day));
    if (day > 0) fixture().AdvanceDays(1);
    // Follow-ups due today are created by the worker before the operator looks.
    ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
    const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
    ASSERT_EQ(plan.date(), ShiftDate(kFirstDay, day));
    ASSERT_TRUE(plan.active());

    int picks = 0, follow_ups = 0;
    for (const ov1::Task& task : plan.tasks()) {
      SCOPED_TRACE(absl::StrCat("task ", task.id(), " member ", task.member_id()));
      ASSERT_EQ(task.status(), ov1::OPEN);
      if (task.kind() == ov1::FOLLOW_UP) {
        ++follow_ups;
        ++all_follow_ups;
        auto source = interested_on.find(task.follows_up_task_id());
        ASSERT_NE(source, interested_on.end()) << "a follow-up of no INTERESTED task";
        EXPECT_EQ(source->second + kFollowUpDays, day);
      } else {
        ++picks;
        // Never inside the cooldown, never after opting out or enrolling.
        auto last = last_touched_day.find(task.member_id());
        if (last != last_touched_day.end()) {
          ++repeat_picks;
          EXPECT_GE(day - last->second, kCooldownDays) << "planned inside the cooldown";
          EXPECT_EQ(task.reason().days_since_contact(), day - last->second);
        } else {
          EXPECT_EQ(task.reason().days_since_contact(), -1);
        }
        EXPECT_EQ(opted_out.count(task.member_id()), 0u) << "planned after opting out";
        EXPECT_EQ(enrolled_members.count(task.member_id()), 0u) << "planned after enrolling";
      }
    }
    EXPECT_EQ(picks, kQuota);
    EXPECT_EQ(follow_ups, day >= kFollowUpDays ? interested_per_day[day - kFollowUpDays] : 0);

    for (const ov1::Task& task : plan.tasks()) {
      const ov1::Outcome outcome = Script()[next_outcome++ % Script().size()];
      ov1::CompleteTaskResponse response;
      ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), outcome, &response));
      ASSERT_EQ(response.task().status(), ov1::DONE);
      Tally(outcome, expected_totals);
      Tally(outcome, expected_days[day]);
      last_touched_day[task.member_id()] = day;
      ++touches[task.member_id()];
      if (outcome == ov1::INTERESTED) {
        interested_on[task.id()] = day;
        ++interested_per_day[day];
      }
      if (outcome == ov1::OPTED_OUT) opted_out.insert(task.member_id());
      if (outcome == ov1::ENROLLED) {
        enrolled_members.insert(task.member_id());
        enrolled_tasks.push_back(task.id());
      }
    }
  }
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  EXPECT_GT(repeat_picks, 0) << "nobody came out of the cooldown: the check proved nothing";
  EXPECT_GT(all_follow_ups, 0);

  // The funnel counts exactly the outcomes given, day by day.
  auto funnel = FunnelOf(fixture(), kFirstDay, ShiftDate(kFirstDay, kDays - 1));
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_THAT(funnel->totals(), EqualsProto(expected_totals));
  ASSERT_THAT(funnel->days(), SizeIs(kDays));
  for (int day = 0; day < kDays; ++day) {
    EXPECT_EQ(funnel->days(day).date(), ShiftDate(kFirstDay, day));
    EXPECT_THAT(funnel->days(day).counts(), EqualsProto(expected_days[day])) << "day " << day;
  }
  const int64_t enrolled = expected_totals.enrolled();
  ASSERT_GT(enrolled, kCapacity) << "the script must fill batch 1";
  ASSERT_EQ(static_cast<int64_t>(enrolled_members.size()), enrolled);

  // Every ENROLLED outcome holds a seat, and the seats are exactly those.
  std::map<std::string, std::pair<std::string, int>> seat_of;  // member -> (cohort, seat)
  for (const std::string& task_id : enrolled_tasks) {
    auto task = WaitForEffects(fixture(), task_id);
    ASSERT_TRUE(task.ok()) << task.status();
    EXPECT_EQ(task->effects().state(), ov1::APPLIED) << task->effects().last_error();
    EXPECT_EQ(task->effects().enroll_result(), "ENROLLED") << task_id;
    EXPECT_GT(task->effects().seat_number(), 0) << task_id;
    seat_of[task->member_id()] = {task->effects().enrolled_cohort_id(),
                                  task->effects().seat_number()};
  }
  auto cohorts = ListAllCohorts(fixture(), program.id());
  ASSERT_TRUE(cohorts.ok()) << cohorts.status();
  ASSERT_THAT(*cohorts, SizeIs(2));
  EXPECT_EQ((*cohorts)[0].state(), cv1::FULL);
  EXPECT_EQ((*cohorts)[0].seats_taken(), kCapacity);
  EXPECT_EQ((*cohorts)[1].state(), cv1::OPEN);
  EXPECT_EQ((*cohorts)[1].name(), "Deep Work 2");
  EXPECT_EQ((*cohorts)[1].seats_taken(), enrolled - kCapacity);
  std::set<std::string> seated;
  for (const cv1::Cohort& cohort : *cohorts) {
    auto roster = ListAllRoster(fixture(), cohort.id());
    ASSERT_TRUE(roster.ok()) << roster.status();
    for (const cv1::RosterEntry& entry : *roster) {
      EXPECT_TRUE(seated.insert(entry.member_id()).second) << entry.member_id() << " seated twice";
      auto task_seat = seat_of.find(entry.member_id());
      ASSERT_NE(task_seat, seat_of.end()) << entry.member_id() << " seated without an outcome";
      EXPECT_EQ(task_seat->second, std::make_pair(cohort.id(), entry.seat_number()));
    }
  }
  EXPECT_EQ(seated, enrolled_members);

  // Membership saw one CONTACTED interaction per completed task, and every opt-out.
  for (const auto& [member_id, count] : touches) {
    auto contacted = CountInteractions(fixture(), member_id, mv1::CONTACTED);
    ASSERT_TRUE(contacted.ok()) << contacted.status();
    EXPECT_EQ(*contacted, count) << member_id;
  }
  for (const std::string& member_id : opted_out) {
    auto member = GetMember(fixture(), member_id);
    ASSERT_TRUE(member.ok()) << member.status();
    EXPECT_TRUE(member->preference().do_not_contact()) << member_id;
  }
  auto dead = ListAllDeadLetters(fixture());
  ASSERT_TRUE(dead.ok()) << dead.status();
  EXPECT_THAT(*dead, SizeIs(0));
}

}  // namespace
}  // namespace dunbar::testing
