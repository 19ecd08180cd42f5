// CompleteTask through the real services: every outcome's effect as membership and cohort show it
// (one CONTACTED interaction per completed task, do-not-contact, a seat or an honest waitlist
// place), the follow-up of INTERESTED, retries that never double-apply, and a crash between the
// outcome and its effects that the worker finishes after a restart.
#include <map>
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
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Monday 2026-03-02, 09:00 UTC.
const absl::Time kMonday9am = Utc(2026, 3, 2, 9, 0);
constexpr char kToday[] = "2026-03-02";

class OutcomesTest : public OutreachIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    OutreachFixtureOptions options;
    options.start_time = kMonday9am;
    // Outages here last as long as a restart takes (longer under a sanitizer): effects waiting for
    // a service must not be dead-lettered meanwhile (dead letters are the worker tests' subject).
    options.outreach.worker.max_attempts = 50;
    StartSuiteFixture(options);
  }

  // `members` contacts, a programme of `capacity` seats as the policy's target, and today's plan
  // (quota `quota`).
  void Prepare(int members, int quota, int capacity = 10,
               cv1::RolloverPolicy rollover = cv1::AUTO_OPEN_NEXT) {
    auto made = MakeMembers(fixture(), members);
    ASSERT_TRUE(made.ok()) << made.status();
    m_ = *made;
    program_ = MustCreateProgram(fixture(), capacity, rollover);
    ASSERT_FALSE(program_.id().empty());
    MustSetPolicy(fixture(), EveryDay(PolicySpec(quota, "UTC", program_.id())));
    plan_ = MustGetDailyPlan(fixture());
    ASSERT_THAT(plan_.tasks(), SizeIs(quota));
  }

  // The CONTACTED interactions membership holds for the member.
  int Contacted(const std::string& member_id) {
    auto count = CountInteractions(fixture(), member_id, mv1::CONTACTED);
    EXPECT_TRUE(count.ok()) << count.status();
    return count.ok() ? *count : -1;
  }

  std::vector<std::string> m_;
  cv1::Program program_;
  ov1::DailyPlan plan_;
};

TEST_F(OutcomesTest, EveryOutcomeRecordsOneContactAndItsOwnEffect) {
  ASSERT_NO_FATAL_FAILURE(Prepare(6, 6));
  const std::vector<ov1::Outcome> outcomes = {ov1::REPLIED,  ov1::INTERESTED,  ov1::ENROLLED,
                                              ov1::DECLINED, ov1::NO_RESPONSE, ov1::OPTED_OUT};
  std::map<ov1::Outcome, ov1::Task> done;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const ov1::Task& task = plan_.tasks(static_cast<int>(i));
    ov1::CompleteTaskResponse response;
    ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), outcomes[i], &response, Caller::kAcme,
                                std::nullopt, "called"));
    EXPECT_EQ(response.task().status(), ov1::DONE);
    EXPECT_EQ(response.task().outcome(), outcomes[i]);
    EXPECT_EQ(response.task().note(), "called");
    EXPECT_TRUE(response.task().has_completed_at());
    auto applied = WaitForEffects(fixture(), task.id());
    ASSERT_TRUE(applied.ok()) << applied.status();
    EXPECT_EQ(applied->effects().state(), ov1::APPLIED) << applied->effects().last_error();
    EXPECT_TRUE(applied->effects().contact_recorded());
    done[outcomes[i]] = *applied;
  }

  // Membership: exactly one CONTACTED interaction per task, at the completion time.
  for (const auto& [outcome, task] : done) {
    SCOPED_TRACE(ov1::Outcome_Name(outcome));
    EXPECT_EQ(Contacted(task.member_id()), 1);
    auto member = GetMember(fixture(), task.member_id());
    ASSERT_TRUE(member.ok()) << member.status();
    EXPECT_THAT(member->last_contacted_at(), EqualsProto(task.completed_at()));
    EXPECT_EQ(member->preference().do_not_contact(), outcome == ov1::OPTED_OUT);
    EXPECT_EQ(task.effects().opt_out_recorded(), outcome == ov1::OPTED_OUT);
    // Cohort: only the ENROLLED outcome holds a place in the programme.
    auto enrollments = ListMemberEnrollments(fixture(), task.member_id());
    ASSERT_TRUE(enrollments.ok()) << enrollments.status();
    if (outcome == ov1::ENROLLED) {
      ASSERT_THAT(*enrollments, SizeIs(1));
      EXPECT_EQ((*enrollments)[0].program_id(), program_.id());
      EXPECT_EQ((*enrollments)[0].status(), cv1::ACTIVE);
      EXPECT_EQ((*enrollments)[0].source(), "outreach");
    } else {
      EXPECT_THAT(*enrollments, IsEmpty());
      EXPECT_EQ(task.effects().enroll_result(), "");
    }
  }

  const ov1::Task& enrolled = done[ov1::ENROLLED];
  EXPECT_EQ(enrolled.effects().enroll_result(), "ENROLLED");
  EXPECT_EQ(enrolled.effects().enrolled_cohort_id(), CohortId(program_.id(), 1));
  EXPECT_EQ(enrolled.effects().seat_number(), 1);
  EXPECT_EQ(enrolled.effects().waitlist_position(), 0);
  auto roster = ListAllRoster(fixture(), CohortId(program_.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].member_id(), enrolled.member_id());
  EXPECT_EQ((*roster)[0].seat_number(), 1);

  const ov1::Task& interested = done[ov1::INTERESTED];
  EXPECT_EQ(interested.effects().follow_up_date(), ShiftDate(kToday, 3));
  EXPECT_NE(interested.effects().follow_up_task_id(), "");

  auto funnel = FunnelOf(fixture(), kToday, kToday);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_THAT(funnel->totals(), EqualsProto(Counts(6, 1, 1, 1, 1, 1, 1)));
  EXPECT_DOUBLE_EQ(funnel->reply_rate(), 5.0 / 6);
  EXPECT_DOUBLE_EQ(funnel->interest_rate(), 2.0 / 6);
  EXPECT_DOUBLE_EQ(funnel->enrol_rate(), 1.0 / 6);
  ASSERT_THAT(funnel->days(), SizeIs(1));
  EXPECT_EQ(funnel->days(0).date(), kToday);
  EXPECT_THAT(funnel->days(0).counts(), EqualsProto(Counts(6, 1, 1, 1, 1, 1, 1)));
  // The batch's funnel counts the tasks that targeted it: none here (plain warm contacts).
  auto all_time = FunnelOf(fixture(), ShiftDate(kToday, -6), kToday);
  ASSERT_TRUE(all_time.ok()) << all_time.status();
  EXPECT_THAT(all_time->totals(), EqualsProto(Counts(6, 1, 1, 1, 1, 1, 1)));
  EXPECT_THAT(all_time->days(), SizeIs(7));

  // Every effect is applied once, also after the worker has seen every job.
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  for (const auto& [outcome, task] : done) EXPECT_EQ(Contacted(task.member_id()), 1);
  roster = ListAllRoster(fixture(), CohortId(program_.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_THAT(*roster, SizeIs(1));
}

TEST_F(OutcomesTest, EnrolledIntoAFullWaitlistProgrammeReportsTheWaitlistPlace) {
  ASSERT_NO_FATAL_FAILURE(Prepare(5, 3, /*capacity=*/1, cv1::WAITLIST));
  // The only seat goes to someone outside the plan.
  cv1::EnrollResponse direct;
  ASSERT_GRPC_OK(EnrollInCohort(fixture(), program_.id(), m_[4], &direct));
  ASSERT_EQ(direct.result(), cv1::ENROLLED);

  ov1::CompleteTaskResponse response;
  ASSERT_GRPC_OK(CompleteTask(fixture(), plan_.tasks(0).id(), ov1::ENROLLED, &response));
  auto task = WaitForEffects(fixture(), plan_.tasks(0).id());
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ(task->effects().state(), ov1::APPLIED);
  EXPECT_EQ(task->effects().enroll_result(), "WAITLISTED");
  EXPECT_EQ(task->effects().waitlist_position(), 1);
  EXPECT_EQ(task->effects().seat_number(), 0);

  auto waitlist = GetAllWaitlist(fixture(), program_.id());
  ASSERT_TRUE(waitlist.ok()) << waitlist.status();
  ASSERT_THAT(*waitlist, SizeIs(1));
  EXPECT_EQ((*waitlist)[0].member_id(), plan_.tasks(0).member_id());
  EXPECT_EQ((*waitlist)[0].position(), 1);

  auto funnel = FunnelOf(fixture(), kToday, kToday);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_THAT(funnel->totals(), EqualsProto(Counts(1, 0, 0, 1, 0, 0, 0, /*waitlisted=*/1)));
}

TEST_F(OutcomesTest, InterestedSchedulesAFollowUpThatAppearsOnItsDate) {
  ASSERT_NO_FATAL_FAILURE(Prepare(6, 2));
  const ov1::Task source = plan_.tasks(0);
  ov1::CompleteTaskResponse response;
  ASSERT_GRPC_OK(CompleteTask(fixture(), source.id(), ov1::INTERESTED, &response));
  auto applied = WaitForEffects(fixture(), source.id());
  ASSERT_TRUE(applied.ok()) << applied.status();
  const std::string due = ShiftDate(kToday, 3);
  ASSERT_EQ(applied->effects().follow_up_date(), due);
  const std::string follow_up_id = applied->effects().follow_up_task_id();
  ASSERT_NE(follow_up_id, "");

  ov1::WorkerStatus status;
  ASSERT_GRPC_OK(GetWorkerStatus(fixture(), &status));
  EXPECT_EQ(status.delayed_jobs(), 1);
  EXPECT_EQ(status.delayed_jobs_due(), 0);

  // Two days later it is not due yet.
  fixture().AdvanceDays(2);
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  ov1::Task follow_up;
  EXPECT_THAT(GetTask(fixture(), follow_up_id, &follow_up), HasCode(Code::NOT_FOUND));

  // On its date the worker creates it, and the day's plan lists it after the picks.
  fixture().AdvanceDays(1);
  ASSERT_TRUE(WaitFor([&] { return GetTask(fixture(), follow_up_id, &follow_up).ok(); },
                      "the follow-up task")
                  .ok());
  EXPECT_EQ(follow_up.kind(), ov1::FOLLOW_UP);
  EXPECT_EQ(follow_up.status(), ov1::OPEN);
  EXPECT_EQ(follow_up.date(), due);
  EXPECT_EQ(follow_up.member_id(), source.member_id());
  EXPECT_EQ(follow_up.follows_up_task_id(), source.id());
  EXPECT_EQ(follow_up.target_program_id(), program_.id());
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  ASSERT_GRPC_OK(GetWorkerStatus(fixture(), &status));
  EXPECT_EQ(status.delayed_jobs(), 0);

  const ov1::DailyPlan plan = MustGetDailyPlan(fixture());
  EXPECT_EQ(plan.date(), due);
  ASSERT_THAT(plan.tasks(), SizeIs(3));
  EXPECT_EQ(plan.tasks(2).id(), follow_up_id);
  EXPECT_EQ(plan.tasks(0).kind(), ov1::WARM_CONTACT);
  EXPECT_EQ(plan.tasks(1).kind(), ov1::WARM_CONTACT);
  // Exactly one follow-up however often the job ran.
  ov1::ListTasksRequest by_date;
  by_date.set_date(due);
  auto listed = ListAllTasks(fixture(), by_date);
  ASSERT_TRUE(listed.ok()) << listed.status();
  int follow_ups = 0;
  for (const ov1::Task& task : *listed) follow_ups += task.kind() == ov1::FOLLOW_UP ? 1 : 0;
  EXPECT_EQ(follow_ups, 1);

  // Completing the follow-up contacts the member a second time, once.
  ASSERT_GRPC_OK(CompleteTask(fixture(), follow_up_id, ov1::ENROLLED));
  auto done = WaitForEffects(fixture(), follow_up_id);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->effects().enroll_result(), "ENROLLED");
  EXPECT_EQ(Contacted(source.member_id()), 2);
}

TEST_F(OutcomesTest, ARetryWithTheSameRequestIdAnswersTheSameAndAppliesNothingTwice) {
  ASSERT_NO_FATAL_FAILURE(Prepare(3, 1));
  const ov1::Task& task = plan_.tasks(0);
  ov1::CompleteTaskResponse first, second, third;
  ASSERT_GRPC_OK(
      CompleteTask(fixture(), task.id(), ov1::ENROLLED, &first, Caller::kAcme, "done-1", "yes!"));
  ASSERT_GRPC_OK(
      CompleteTask(fixture(), task.id(), ov1::ENROLLED, &second, Caller::kAcme, "done-1", "yes!"));
  EXPECT_EQ(second.task().id(), first.task().id());
  EXPECT_EQ(second.task().status(), ov1::DONE);
  EXPECT_EQ(second.task().outcome(), ov1::ENROLLED);
  EXPECT_EQ(second.task().note(), "yes!");
  EXPECT_THAT(second.task().completed_at(), EqualsProto(first.task().completed_at()));
  // The same id for another outcome is another request.
  EXPECT_THAT(
      CompleteTask(fixture(), task.id(), ov1::DECLINED, &third, Caller::kAcme, "done-1", "yes!"),
      HasCode(Code::ALREADY_EXISTS));

  auto applied = WaitForEffects(fixture(), task.id());
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->effects().enroll_result(), "ENROLLED");
  EXPECT_EQ(applied->effects().seat_number(), 1);
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  EXPECT_EQ(Contacted(task.member_id()), 1);
  auto roster = ListAllRoster(fixture(), CohortId(program_.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].member_id(), task.member_id());
  auto funnel = FunnelOf(fixture(), kToday, kToday);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_THAT(funnel->totals(), EqualsProto(Counts(1, 0, 0, 1, 0, 0, 0)));
}

TEST_F(OutcomesTest, CompletingTwiceWithANewRequestIdIsAFailedPrecondition) {
  ASSERT_NO_FATAL_FAILURE(Prepare(3, 1));
  const ov1::Task& task = plan_.tasks(0);
  ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), ov1::REPLIED));
  EXPECT_THAT(CompleteTask(fixture(), task.id(), ov1::REPLIED),
              HasCodeAndMessage(Code::FAILED_PRECONDITION, task.id()));
  EXPECT_THAT(CompleteTask(fixture(), task.id(), ov1::OPTED_OUT),
              HasCodeAndMessage(Code::FAILED_PRECONDITION, task.id()));
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  EXPECT_EQ(Contacted(task.member_id()), 1);
  auto member = GetMember(fixture(), task.member_id());
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_FALSE(member->preference().do_not_contact());
  auto funnel = FunnelOf(fixture(), kToday, kToday);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_THAT(funnel->totals(), EqualsProto(Counts(1, 1, 0, 0, 0, 0, 0)));
}

TEST_F(OutcomesTest, ACrashBetweenTheOutcomeAndTheEnrolmentIsFinishedByTheWorker) {
  ASSERT_NO_FATAL_FAILURE(Prepare(4, 2));
  const ov1::Task& task = plan_.tasks(0);

  // Cohort is down: the contact is recorded, the enrolment waits.
  fixture().StopCohort();
  ov1::CompleteTaskResponse response;
  ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), ov1::ENROLLED, &response));
  EXPECT_EQ(response.task().status(), ov1::DONE);
  EXPECT_EQ(response.task().effects().state(), ov1::PENDING);
  EXPECT_TRUE(response.task().effects().contact_recorded());
  EXPECT_EQ(response.task().effects().enroll_result(), "");
  EXPECT_EQ(Contacted(task.member_id()), 1);

  // The outreach process dies and a new one starts on the same Redis.
  ASSERT_TRUE(fixture().RestartOutreach().ok());
  ov1::Task pending;
  ASSERT_GRPC_OK(GetTask(fixture(), task.id(), &pending));
  EXPECT_EQ(pending.effects().state(), ov1::PENDING);
  ASSERT_TRUE(fixture().StartCohort().ok());

  auto applied = WaitForEffects(fixture(), task.id(), absl::Seconds(20));
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->effects().state(), ov1::APPLIED) << applied->effects().last_error();
  EXPECT_EQ(applied->effects().enroll_result(), "ENROLLED");
  EXPECT_EQ(applied->effects().seat_number(), 1);
  EXPECT_EQ(applied->effects().enrolled_cohort_id(), CohortId(program_.id(), 1));

  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  EXPECT_EQ(Contacted(task.member_id()), 1);
  auto roster = ListAllRoster(fixture(), CohortId(program_.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].member_id(), task.member_id());
  auto program = GetProgram(fixture(), program_.id());
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(program->waitlist_length(), 0);
  auto funnel = FunnelOf(fixture(), kToday, kToday);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_THAT(funnel->totals(), EqualsProto(Counts(1, 0, 0, 1, 0, 0, 0)));
  auto dead = ListAllDeadLetters(fixture());
  ASSERT_TRUE(dead.ok()) << dead.status();
  EXPECT_THAT(*dead, IsEmpty());
}

TEST_F(OutcomesTest, WithMembershipDownTheContactIsRecordedLaterExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(Prepare(4, 2));
  const ov1::Task& task = plan_.tasks(1);
  fixture().StopMembership();
  ov1::CompleteTaskResponse response;
  ASSERT_GRPC_OK(CompleteTask(fixture(), task.id(), ov1::OPTED_OUT, &response));
  EXPECT_EQ(response.task().effects().state(), ov1::PENDING);
  EXPECT_FALSE(response.task().effects().contact_recorded());
  ASSERT_TRUE(fixture().StartMembership().ok());

  auto applied = WaitForEffects(fixture(), task.id(), absl::Seconds(20));
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->effects().state(), ov1::APPLIED) << applied->effects().last_error();
  EXPECT_TRUE(applied->effects().contact_recorded());
  EXPECT_TRUE(applied->effects().opt_out_recorded());
  ASSERT_OK_STATUS(WaitForWorkerIdle(fixture()));
  EXPECT_EQ(Contacted(task.member_id()), 1);
  auto member = GetMember(fixture(), task.member_id());
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_TRUE(member->preference().do_not_contact());
}

}  // namespace
}  // namespace dunbar::testing
