// OutreachDomain against generated gMock stubs of membership and cohort and a REAL Redis store:
// plan generation (once, then stable; nothing stored when a service is down; a stored plan
// answered without them), the exact request ids of the outcome effects, retries only on
// UNAVAILABLE, and the worker handlers.
#include "services/outreach/outreach_domain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/timestamps.h"
#include "common/redis/redis_client.h"
#include "dunbar/cohort/v1/cohort_mock.grpc.pb.h"
#include "dunbar/membership/v1/membership_mock.grpc.pb.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::outreach {
namespace {

namespace mv1 = ::dunbar::membership::v1;
namespace cv1 = ::dunbar::cohort::v1;

using ::testing::_;
using ::testing::DoAll;
using ::testing::Invoke;
using ::testing::Return;
using ::testing::SetArgPointee;
using ::testing::StrictMock;

// Wednesday 2026-11-25, 02:00 UTC.
const absl::Time kWednesday =
    absl::FromCivil(absl::CivilSecond(2026, 11, 25, 2, 0, 0), absl::UTCTimeZone());

grpc::Status Unavailable() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"); }

mv1::RankedContact Ranked(const std::string& id, double warmth) {
  mv1::RankedContact contact;
  contact.mutable_member()->set_id(id);
  contact.mutable_member()->set_name("Name " + id);
  contact.mutable_member()->set_stage(mv1::STAGE_LEAD);
  contact.set_warmth(warmth);
  contact.set_days_since_contacted(-1);
  mv1::InteractionCount& count = *contact.add_counts();
  count.set_kind(mv1::COMMENTED);
  count.set_count(3);
  return contact;
}

mv1::RankContactsResponse RankPage(const std::vector<mv1::RankedContact>& contacts) {
  mv1::RankContactsResponse page;
  for (const mv1::RankedContact& contact : contacts) *page.add_contacts() = contact;
  return page;
}

cv1::BatchGetEnrollmentsResponse Enrolled(const std::string& member_id,
                                          cv1::EnrollmentStatus status) {
  cv1::BatchGetEnrollmentsResponse response;
  cv1::Enrollment& enrollment = *response.add_enrollments();
  enrollment.set_member_id(member_id);
  enrollment.set_program_id("prog1");
  enrollment.set_status(status);
  return response;
}

class OutreachDomainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ::dunbar::testing::RedisServerProcess();
    ASSERT_TRUE(server_->Start().ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    redis::RedisOptions options;
    options.url = server_->url();
    auto client = redis::RedisClient::Connect(options);
    ASSERT_TRUE(client.ok()) << client.status();
    store_ = std::make_shared<OutreachStore>(*client, OutreachStore::Options{});
    ASSERT_TRUE(store_->LoadScripts().ok());
    membership_ = std::make_shared<StrictMock<mv1::MockMembershipServiceStub>>();
    cohort_ = std::make_shared<StrictMock<cv1::MockCohortServiceStub>>();
    now_ms_ = absl::ToUnixMillis(kWednesday);
    OutreachDomainOptions options_domain;
    options_domain.service_token = "svc-token";
    options_domain.retry_backoff = absl::Milliseconds(1);
    options_domain.clock = [this] { return absl::FromUnixMillis(now_ms_.load()); };
    domain_ = std::make_unique<OutreachDomain>(store_, membership_, cohort_, options_domain);
    // A fresh tenant per test: the Redis server is shared by the suite.
    tenant_ = absl::StrCat("t", ++tenant_counter_);
  }

  void SetTargetProgram(const std::string& program_id, const std::string& timezone = "UTC") {
    EXPECT_CALL(*cohort_, GetProgram(_, _, _))
        .WillOnce(Invoke([program_id](grpc::ClientContext*, const cv1::GetProgramRequest& request,
                                      cv1::Program* program) {
          EXPECT_EQ(request.program_id(), program_id);
          program->set_id(program_id);
          return grpc::Status::OK;
        }));
    v1::SetPolicyRequest request;
    request.mutable_policy()->set_target_program_id(program_id);
    request.mutable_policy()->set_timezone(timezone);
    ASSERT_TRUE(domain_->SetPolicy(tenant_, request).ok());
  }

  absl::StatusOr<v1::DailyPlan> Plan(const std::string& date = "") {
    v1::GetDailyPlanRequest request;
    request.set_date(date);
    return domain_->GetDailyPlan(tenant_, request);
  }

  // A plan of one warm pick ("m1") for today; answers the task.
  v1::Task PlanOneTask() {
    EXPECT_CALL(*membership_, RankContacts(_, _, _))
        .WillOnce(DoAll(SetArgPointee<2>(RankPage({Ranked("m1", 5)})), Return(grpc::Status::OK)));
    absl::StatusOr<v1::DailyPlan> plan = Plan();
    EXPECT_TRUE(plan.ok()) << plan.status();
    EXPECT_EQ(plan.ok() ? plan->tasks_size() : 0, 1);
    return plan.ok() && plan->tasks_size() == 1 ? plan->tasks(0) : v1::Task();
  }

  absl::StatusOr<v1::CompleteTaskResponse> Complete(const std::string& task_id,
                                                    v1::Outcome outcome) {
    v1::CompleteTaskRequest request;
    request.set_request_id(absl::StrCat("req-", task_id));
    request.set_task_id(task_id);
    request.set_outcome(outcome);
    return domain_->CompleteTask(tenant_, request);
  }

  void ExpectContactRecorded(const std::string& task_id, int times = 1) {
    EXPECT_CALL(*membership_, RecordInteraction(_, _, _))
        .Times(times)
        .WillRepeatedly(
            Invoke([task_id](grpc::ClientContext*, const mv1::RecordInteractionRequest& request,
                             mv1::Interaction*) {
              EXPECT_EQ(request.request_id(), "task:" + task_id + ":contacted");
              EXPECT_EQ(request.member_id(), "m1");
              EXPECT_EQ(request.kind(), mv1::CONTACTED);
              return grpc::Status::OK;
            }));
  }

  static ::dunbar::testing::RedisServerProcess* server_;
  static int tenant_counter_;
  std::shared_ptr<OutreachStore> store_;
  std::shared_ptr<StrictMock<mv1::MockMembershipServiceStub>> membership_;
  std::shared_ptr<StrictMock<cv1::MockCohortServiceStub>> cohort_;
  std::atomic<int64_t> now_ms_{0};
  std::unique_ptr<OutreachDomain> domain_;
  std::string tenant_;
};

::dunbar::testing::RedisServerProcess* OutreachDomainTest::server_ = nullptr;
int OutreachDomainTest::tenant_counter_ = 0;

TEST_F(OutreachDomainTest, PlanIsGeneratedOnceThenStable) {
  SetTargetProgram("prog1");
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Invoke([this](grpc::ClientContext*, const mv1::RankContactsRequest& request,
                              mv1::RankContactsResponse* response) {
        EXPECT_EQ(request.tenant(), tenant_);
        EXPECT_EQ(request.min_days_since_contacted(), 0);
        *response = RankPage({Ranked("a", 9), Ranked("b", 8), Ranked("c", 7)});
        return grpc::Status::OK;
      }));
  EXPECT_CALL(*cohort_, BatchGetEnrollments(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const cv1::BatchGetEnrollmentsRequest& request,
                          cv1::BatchGetEnrollmentsResponse* response) {
        EXPECT_EQ(request.program_id(), "prog1");
        EXPECT_THAT(request.member_ids(), ::testing::ElementsAre("a", "b", "c"));
        *response = Enrolled("b", cv1::WAITING);
        return grpc::Status::OK;
      }));

  absl::StatusOr<v1::DailyPlan> first = Plan();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->generated_now());
  EXPECT_EQ(first->date(), "2026-11-25");
  EXPECT_EQ(first->weekday(), v1::WEDNESDAY);
  EXPECT_TRUE(first->active());
  EXPECT_EQ(first->quota(), 5);
  EXPECT_EQ(first->shortfall_reason(), "only 2 eligible contacts (1 already enrolled or waiting)");
  ASSERT_EQ(first->tasks_size(), 2);
  EXPECT_EQ(first->tasks(0).member_id(), "a");
  EXPECT_EQ(first->tasks(1).member_id(), "c");
  EXPECT_EQ(first->tasks(0).reason().summary(), "warm: commented 3x; never contacted");
  EXPECT_EQ(first->tasks(0).target_program_id(), "prog1");

  // Same answer, and no other service asked again (the mocks expect exactly one call each).
  absl::StatusOr<v1::DailyPlan> second = Plan("2026-11-25");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->generated_now());
  ASSERT_EQ(second->tasks_size(), 2);
  EXPECT_EQ(second->tasks(0).id(), first->tasks(0).id());
  EXPECT_EQ(second->tasks(1).id(), first->tasks(1).id());
}

TEST_F(OutreachDomainTest, MembershipDownAnswersUnavailableAndStoresNothing) {
  EXPECT_CALL(*membership_, RankContacts(_, _, _)).Times(3).WillRepeatedly(Return(Unavailable()));
  absl::StatusOr<v1::DailyPlan> plan = Plan();
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(plan.status().message(), "membership is unavailable");
  absl::StatusOr<std::optional<v1::DailyPlan>> stored = store_->GetPlan(tenant_, "2026-11-25");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());

  // Back up: now it is generated.
  ::testing::Mock::VerifyAndClearExpectations(membership_.get());
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(RankPage({Ranked("a", 1)})), Return(grpc::Status::OK)));
  plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->generated_now());
}

TEST_F(OutreachDomainTest, CohortDownAnswersUnavailableAndStoresNothing) {
  SetTargetProgram("prog1");
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(RankPage({Ranked("a", 1)})), Return(grpc::Status::OK)));
  EXPECT_CALL(*cohort_, BatchGetEnrollments(_, _, _))
      .Times(3)
      .WillRepeatedly(Return(Unavailable()));
  absl::StatusOr<v1::DailyPlan> plan = Plan();
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(plan.status().message(), "cohort is unavailable");
  absl::StatusOr<std::optional<v1::DailyPlan>> stored = store_->GetPlan(tenant_, "2026-11-25");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(OutreachDomainTest, StoredPlanIsAnsweredWhileMembershipIsDown) {
  const v1::Task task = PlanOneTask();
  ::testing::Mock::VerifyAndClearExpectations(membership_.get());
  ON_CALL(*membership_, RankContacts(_, _, _)).WillByDefault(Return(Unavailable()));
  EXPECT_CALL(*membership_, RankContacts(_, _, _)).Times(0);
  absl::StatusOr<v1::DailyPlan> plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_FALSE(plan->generated_now());
  ASSERT_EQ(plan->tasks_size(), 1);
  EXPECT_EQ(plan->tasks(0).id(), task.id());
}

TEST_F(OutreachDomainTest, RetriesOnlyOnUnavailable) {
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(Unavailable()))
      .WillOnce(DoAll(SetArgPointee<2>(RankPage({Ranked("a", 1)})), Return(grpc::Status::OK)));
  absl::StatusOr<v1::DailyPlan> plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->tasks_size(), 1);

  // Another day, another error: not retried, passed on with its code.
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "exclude_ids: too many")));
  plan = Plan("2026-11-26");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(), "membership: exclude_ids: too many");

  // A deadline exceeded is not retried either (the call may have been applied).
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")));
  plan = Plan("2026-11-27");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(plan.status().message(), "membership did not answer in time");
}

TEST_F(OutreachDomainTest, CallsCarryADeadlineWithinThePerCallTimeout) {
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext* context, const mv1::RankContactsRequest&,
                          mv1::RankContactsResponse*) {
        const absl::Duration left = absl::FromChrono(context->deadline()) - absl::Now();
        EXPECT_GT(left, absl::ZeroDuration());
        EXPECT_LE(left, absl::Seconds(2));
        return grpc::Status::OK;
      }));
  ASSERT_TRUE(Plan().ok());
}

TEST_F(OutreachDomainTest, NoCallOutlivesTheCallersDeadline) {
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext* context, const mv1::RankContactsRequest&,
                          mv1::RankContactsResponse*) {
        EXPECT_LE(absl::FromChrono(context->deadline()) - absl::Now(), absl::Milliseconds(300));
        return grpc::Status::OK;
      }));
  v1::GetDailyPlanRequest request;
  ASSERT_TRUE(domain_->GetDailyPlan(tenant_, request, absl::Now() + absl::Milliseconds(300)).ok());

  // A deadline already gone: nobody is asked, and the answer says so.
  request.set_date("2026-11-26");
  EXPECT_EQ(domain_->GetDailyPlan(tenant_, request, absl::Now() - absl::Seconds(1)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(OutreachDomainTest, OpenTaskMembersAreExcludedFromLaterPlans) {
  const v1::Task task = PlanOneTask();
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(Invoke([](grpc::ClientContext*, const mv1::RankContactsRequest& request,
                          mv1::RankContactsResponse* response) {
        EXPECT_THAT(request.exclude_ids(), ::testing::ElementsAre("m1"));
        // Even if membership ignored the exclusion, the open task keeps m1 out.
        *response = RankPage({Ranked("m1", 5), Ranked("m2", 4)});
        return grpc::Status::OK;
      }));
  absl::StatusOr<v1::DailyPlan> plan = Plan("2026-11-26");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->tasks_size(), 1);
  EXPECT_EQ(plan->tasks(0).member_id(), "m2");
}

TEST_F(OutreachDomainTest, CooldownIsCountedToThePlanDate) {
  // Plan for Monday 2026-12-07 (12 days ahead). Cooldown 14: contacted 2026-11-23 (14 days before
  // it) is eligible, 2026-11-24 (13 days) is not, although both are within 14 days of today.
  auto contacted = [](const std::string& id, absl::CivilDay day) {
    mv1::RankedContact contact = Ranked(id, 3);
    *contact.mutable_member()->mutable_last_contacted_at() = api::TimestampFromMillis(
        absl::ToUnixMillis(absl::FromCivil(absl::CivilSecond(day), absl::UTCTimeZone())));
    contact.set_days_since_contacted(1);
    return contact;
  };
  EXPECT_CALL(*membership_, RankContacts(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(RankPage({contacted("in", absl::CivilDay(2026, 11, 24)),
                                                 contacted("out", absl::CivilDay(2026, 11, 23))})),
                      Return(grpc::Status::OK)));
  absl::StatusOr<v1::DailyPlan> plan = Plan("2026-12-07");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->tasks_size(), 1);
  EXPECT_EQ(plan->tasks(0).member_id(), "out");
  EXPECT_EQ(plan->tasks(0).reason().days_since_contact(), 14);
}

TEST_F(OutreachDomainTest, DatesPastFutureAndInactiveDays) {
  absl::StatusOr<v1::DailyPlan> plan = Plan("2026-11-24");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(plan.status().message(), "plan 2026-11-24");
  plan = Plan("2026-12-26");  // 31 days ahead
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message().substr(0, 6), "date: ");
  plan = Plan("2026-11-31");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);

  plan = Plan("2026-11-28");  // Saturday: nobody is asked, nothing stored
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_FALSE(plan->active());
  EXPECT_EQ(plan->weekday(), v1::SATURDAY);
  EXPECT_EQ(plan->inactive_reason(), "SATURDAY is not an active outreach day");
  EXPECT_EQ(plan->tasks_size(), 0);
  absl::StatusOr<std::optional<v1::DailyPlan>> stored = store_->GetPlan(tenant_, "2026-11-28");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(OutreachDomainTest, TodayIsThePolicyTimezonesDate) {
  SetTargetProgram("prog1", "Asia/Shanghai");
  now_ms_ = absl::ToUnixMillis(
      absl::FromCivil(absl::CivilSecond(2026, 11, 25, 23, 30, 0), absl::UTCTimeZone()));
  EXPECT_CALL(*membership_, RankContacts(_, _, _)).WillOnce(Return(grpc::Status::OK));
  absl::StatusOr<v1::DailyPlan> plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->date(), "2026-11-26");
  EXPECT_EQ(plan->timezone(), "Asia/Shanghai");
  EXPECT_EQ(plan->shortfall_reason(), "only 0 eligible contacts");
  // 2026-11-25 is yesterday in Shanghai: never generated.
  EXPECT_EQ(Plan("2026-11-25").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(OutreachDomainTest, OptOutEffectsUseTheirRequestIds) {
  const v1::Task task = PlanOneTask();
  ExpectContactRecorded(task.id());
  EXPECT_CALL(*membership_, GetMember(_, _, _))
      .WillOnce(Invoke(
          [](grpc::ClientContext*, const mv1::GetMemberRequest& request, mv1::Member* member) {
            member->set_id(request.member_id());
            member->mutable_preference()->set_preferred_channel(mv1::CHANNEL_WECHAT);
            return grpc::Status::OK;
          }));
  EXPECT_CALL(*membership_, SetContactPreference(_, _, _))
      .WillOnce(
          Invoke([&task](grpc::ClientContext*, const mv1::SetContactPreferenceRequest& request,
                         mv1::ContactPreference*) {
            EXPECT_EQ(request.request_id(), "task:" + task.id() + ":opt-out");
            EXPECT_EQ(request.member_id(), "m1");
            EXPECT_TRUE(request.do_not_contact());
            EXPECT_EQ(request.preferred_channel(), mv1::CHANNEL_WECHAT);
            return grpc::Status::OK;
          }));
  absl::StatusOr<v1::CompleteTaskResponse> done = Complete(task.id(), v1::OPTED_OUT);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->task().status(), v1::DONE);
  EXPECT_EQ(done->task().outcome(), v1::OPTED_OUT);
  EXPECT_EQ(done->task().effects().state(), v1::APPLIED);
  EXPECT_TRUE(done->task().effects().contact_recorded());
  EXPECT_TRUE(done->task().effects().opt_out_recorded());
  EXPECT_EQ(done->task().effects().last_error(), "");

  // Applying again (a worker redelivery) asks nobody: everything is recorded.
  EXPECT_TRUE(domain_->ApplyTaskEffects(tenant_, task.id()).ok());
}

TEST_F(OutreachDomainTest, EnrolledEnrolsWithTheTaskIdAsRequestId) {
  SetTargetProgram("prog1");
  EXPECT_CALL(*cohort_, BatchGetEnrollments(_, _, _)).WillOnce(Return(grpc::Status::OK));
  const v1::Task task = PlanOneTask();
  ASSERT_EQ(task.target_program_id(), "prog1");
  ExpectContactRecorded(task.id());
  EXPECT_CALL(*cohort_, Enroll(_, _, _))
      .WillOnce(Invoke([&task](grpc::ClientContext*, const cv1::EnrollRequest& request,
                               cv1::EnrollResponse* response) {
        EXPECT_EQ(request.request_id(), task.id());
        EXPECT_EQ(request.program_id(), "prog1");
        EXPECT_EQ(request.member_id(), "m1");
        EXPECT_EQ(request.source(), "outreach");
        response->set_result(cv1::WAITLISTED);
        response->set_waitlist_position(4);
        return grpc::Status::OK;
      }));
  absl::StatusOr<v1::CompleteTaskResponse> done = Complete(task.id(), v1::ENROLLED);
  ASSERT_TRUE(done.ok()) << done.status();
  const v1::TaskEffects& effects = done->task().effects();
  EXPECT_EQ(effects.state(), v1::APPLIED);
  EXPECT_EQ(effects.enroll_result(), "WAITLISTED");
  EXPECT_EQ(effects.waitlist_position(), 4);
  EXPECT_FALSE(effects.opt_out_recorded());
}

TEST_F(OutreachDomainTest, EffectsLeftPendingAreFinishedLaterWithTheSameRequestIds) {
  const v1::Task task = PlanOneTask();
  EXPECT_CALL(*membership_, RecordInteraction(_, _, _))
      .Times(3)
      .WillRepeatedly(Return(Unavailable()));
  absl::StatusOr<v1::CompleteTaskResponse> done = Complete(task.id(), v1::REPLIED);
  ASSERT_TRUE(done.ok()) << done.status();  // the outcome is recorded regardless
  EXPECT_EQ(done->task().status(), v1::DONE);
  EXPECT_EQ(done->task().effects().state(), v1::PENDING);
  EXPECT_FALSE(done->task().effects().contact_recorded());
  EXPECT_EQ(done->task().effects().last_error(), "membership is unavailable");

  ::testing::Mock::VerifyAndClearExpectations(membership_.get());
  ExpectContactRecorded(task.id());
  EXPECT_TRUE(domain_->ApplyTaskEffects(tenant_, task.id()).ok());
  absl::StatusOr<v1::Task> stored = store_->GetTask(tenant_, task.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->effects().state(), v1::APPLIED);
  EXPECT_TRUE(stored->effects().contact_recorded());
  EXPECT_EQ(stored->effects().last_error(), "");

  // The same CompleteTask again replays its answer; a different outcome for a done task fails.
  absl::StatusOr<v1::CompleteTaskResponse> again = Complete(task.id(), v1::REPLIED);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->task().effects().state(), v1::APPLIED);
  v1::CompleteTaskRequest other;
  other.set_request_id("another");
  other.set_task_id(task.id());
  other.set_outcome(v1::DECLINED);
  EXPECT_EQ(domain_->CompleteTask(tenant_, other).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(OutreachDomainTest, EnrolledWithoutTargetProgrammeIsRecordedNotRetried) {
  const v1::Task task = PlanOneTask();
  ExpectContactRecorded(task.id());
  absl::StatusOr<v1::CompleteTaskResponse> done = Complete(task.id(), v1::ENROLLED);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->task().effects().state(), v1::APPLIED);
  EXPECT_EQ(done->task().effects().last_error(), "no target programme");
  EXPECT_EQ(done->task().effects().enroll_result(), "");
}

TEST_F(OutreachDomainTest, EnrolWithoutEntitlementEndsFailedAndIsNotRetried) {
  SetTargetProgram("prog1");
  EXPECT_CALL(*cohort_, BatchGetEnrollments(_, _, _)).WillOnce(Return(grpc::Status::OK));
  const v1::Task task = PlanOneTask();
  ExpectContactRecorded(task.id());
  EXPECT_CALL(*cohort_, Enroll(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                    "member m1 has no active entitlement to program prog1")));
  absl::StatusOr<v1::CompleteTaskResponse> done = Complete(task.id(), v1::ENROLLED);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->task().effects().state(), v1::FAILED);
  EXPECT_TRUE(done->task().effects().contact_recorded());
  EXPECT_EQ(done->task().effects().last_error(),
            "cohort: member m1 has no active entitlement to program prog1");
}

TEST_F(OutreachDomainTest, InterestedSchedulesTheFollowUpInThePolicyTimezone) {
  const v1::Task task = PlanOneTask();
  ExpectContactRecorded(task.id());
  absl::StatusOr<v1::CompleteTaskResponse> done = Complete(task.id(), v1::INTERESTED);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->task().effects().state(), v1::APPLIED);
  EXPECT_EQ(done->task().effects().follow_up_date(), "2026-11-28");  // 3 days later
  ASSERT_TRUE(domain_->CreateFollowUp(tenant_, task.id(), "2026-11-28").ok());
  absl::StatusOr<v1::Task> follow_up = store_->GetTask(tenant_, "fu-" + task.id());
  ASSERT_TRUE(follow_up.ok()) << follow_up.status();
  EXPECT_EQ(follow_up->kind(), v1::FOLLOW_UP);
  EXPECT_EQ(follow_up->date(), "2026-11-28");
  EXPECT_EQ(follow_up->follows_up_task_id(), task.id());
}

TEST_F(OutreachDomainTest, MemberChangesRefreshOrCancelTheOpenTask) {
  const v1::Task task = PlanOneTask();
  EXPECT_CALL(*membership_, GetMember(_, _, _))
      .WillOnce(Invoke(
          [](grpc::ClientContext*, const mv1::GetMemberRequest& request, mv1::Member* member) {
            member->set_id(request.member_id());
            member->set_name("Renamed");
            return grpc::Status::OK;
          }))
      .WillOnce(Invoke(
          [](grpc::ClientContext*, const mv1::GetMemberRequest& request, mv1::Member* member) {
            member->set_id(request.member_id());
            member->mutable_preference()->set_do_not_contact(true);
            return grpc::Status::OK;
          }));
  ASSERT_TRUE(domain_->OnMemberChanged(tenant_, "m1", false).ok());
  absl::StatusOr<v1::Task> stored = store_->GetTask(tenant_, task.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->contact().name(), "Renamed");
  EXPECT_EQ(stored->status(), v1::OPEN);

  ASSERT_TRUE(domain_->OnMemberChanged(tenant_, "m1", false).ok());
  stored = store_->GetTask(tenant_, task.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status(), v1::CANCELLED);
}

TEST_F(OutreachDomainTest, MemberChangesWithoutAnOpenTaskAskNobody) {
  const v1::Task task = PlanOneTask();
  EXPECT_CALL(*membership_, GetMember(_, _, _)).Times(0);
  ASSERT_TRUE(domain_->OnMemberChanged(tenant_, "someone-else", false).ok());
  absl::StatusOr<v1::Task> stored = store_->GetTask(tenant_, task.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status(), v1::OPEN);
}

TEST_F(OutreachDomainTest, CohortOpenedCreatesOneInvitationCampaign) {
  EXPECT_CALL(*cohort_, GetProgram(_, _, _)).WillOnce(Return(grpc::Status::OK));
  v1::SetPolicyRequest policy;
  policy.mutable_policy()->set_target_program_id("prog1");
  policy.mutable_policy()->set_auto_campaign_on_new_cohort(true);
  policy.mutable_policy()->set_auto_campaign_pace(3);
  ASSERT_TRUE(domain_->SetPolicy(tenant_, policy).ok());

  EXPECT_CALL(*cohort_, GetCohort(_, _, _))
      .Times(2)
      .WillRepeatedly(Invoke(
          [](grpc::ClientContext*, const cv1::GetCohortRequest& request, cv1::Cohort* cohort) {
            EXPECT_EQ(request.cohort_id(), "prog1.3");
            cohort->set_id("prog1.3");
            cohort->set_name("Deep Work 3");
            *cohort->mutable_opened_at() = api::TimestampFromMillis(absl::ToUnixMillis(kWednesday));
            return grpc::Status::OK;
          }));
  ASSERT_TRUE(domain_->OnCohortOpened(tenant_, "prog1", 3).ok());
  ASSERT_TRUE(domain_->OnCohortOpened(tenant_, "prog1", 3).ok());  // redelivered
  ASSERT_TRUE(domain_->OnCohortOpened(tenant_, "other", 1).ok());  // not the target: ignored

  absl::StatusOr<v1::ListCampaignsResponse> campaigns = domain_->ListCampaigns(tenant_, {});
  ASSERT_TRUE(campaigns.ok()) << campaigns.status();
  ASSERT_EQ(campaigns->campaigns_size(), 1);
  const v1::Campaign& campaign = campaigns->campaigns(0);
  EXPECT_EQ(campaign.name(), "Deep Work 3");
  EXPECT_EQ(campaign.origin(), v1::NEW_COHORT);
  EXPECT_EQ(campaign.target_program_id(), "prog1");
  EXPECT_EQ(campaign.target_cohort_id(), "prog1.3");
  EXPECT_EQ(campaign.daily_pace(), 3);
  EXPECT_EQ(campaign.start_date(), "2026-11-25");
  EXPECT_EQ(campaign.state(), v1::ACTIVE);
}

TEST_F(OutreachDomainTest, SetPolicyChecksTheTargetProgrammeInCohort) {
  EXPECT_CALL(*cohort_, GetProgram(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::NOT_FOUND, "program nope")))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(Unavailable()));
  v1::SetPolicyRequest request;
  request.mutable_policy()->set_target_program_id("nope");
  absl::StatusOr<v1::Policy> set = domain_->SetPolicy(tenant_, request);
  EXPECT_EQ(set.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(set.status().message(), "policy.target_program_id: program nope not found");
  EXPECT_EQ(domain_->SetPolicy(tenant_, request).status().code(), absl::StatusCode::kUnavailable);

  absl::StatusOr<v1::Policy> policy = domain_->GetPolicy(tenant_, {});
  ASSERT_TRUE(policy.ok());
  EXPECT_TRUE(policy->is_default());
  EXPECT_EQ(policy->tenant(), tenant_);
  EXPECT_EQ(policy->daily_quota(), 5);

  request.mutable_policy()->clear_target_program_id();
  request.mutable_policy()->set_timezone("Mars/Base");
  set = domain_->SetPolicy(tenant_, request);
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(OutreachDomainTest, FunnelCountsEveryDayOfTheRange) {
  const v1::Task task = PlanOneTask();
  ExpectContactRecorded(task.id());
  ASSERT_TRUE(Complete(task.id(), v1::INTERESTED).ok());
  v1::GetFunnelRequest request;
  request.set_from_date("2026-11-23");
  absl::StatusOr<v1::Funnel> funnel = domain_->GetFunnel(tenant_, request);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_EQ(funnel->from_date(), "2026-11-23");
  EXPECT_EQ(funnel->to_date(), "2026-11-25");
  ASSERT_EQ(funnel->days_size(), 3);
  EXPECT_EQ(funnel->days(2).counts().interested(), 1);
  EXPECT_EQ(funnel->totals().contacted(), 1);
  EXPECT_DOUBLE_EQ(funnel->reply_rate(), 1.0);
  EXPECT_DOUBLE_EQ(funnel->interest_rate(), 1.0);
  EXPECT_DOUBLE_EQ(funnel->enrol_rate(), 0.0);

  request.set_from_date("2025-11-23");
  EXPECT_EQ(domain_->GetFunnel(tenant_, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_from_date("");
  request.set_campaign_id("c");
  request.set_cohort_id("p.1");
  EXPECT_EQ(domain_->GetFunnel(tenant_, request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dunbar::outreach
