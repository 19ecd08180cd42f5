// CohortDomain over the real store (a redis-server of its own) with membership replaced by the
// generated gMock stub: the admission protocol of Enroll (ask membership only when nothing usable
// is cached, one round trip when it is), what the domain rejects before the store, and its page
// tokens. The gRPC-level behaviour is in the *_integration_test.cc files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "common/redis/redis_client.h"
#include "dunbar/membership/v1/membership_mock.grpc.pb.h"
#include "services/cohort/cohort_domain.h"
#include "tests/support/shared_redis_test.h"

namespace dunbar::cohort {
namespace {

namespace mv1 = ::dunbar::membership::v1;
using ::testing::_;
using ::testing::DoAll;
using ::testing::Return;
using ::testing::SetArgPointee;

constexpr char kTenant[] = "acme";

grpc::Status Entitled(const std::string& order_id, mv1::CheckEntitlementResponse* response) {
  response->set_entitled(!order_id.empty());
  response->set_order_id(order_id);
  return grpc::Status::OK;
}

class CohortDomainTest : public ::dunbar::testing::SharedRedisTest<2> {
 protected:
  void SetUp() override {
    SharedRedisTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_shared<CohortStore>(*client_, CohortStore::Options{});
    ASSERT_TRUE(store_->LoadScripts().ok());
    stub_ = std::make_shared<mv1::MockMembershipServiceStub>();
    AdmissionGateOptions gate_options;
    gate_options.membership_token = "svc";
    gate_options.clock = [this] { return now_; };
    gate_ = std::make_shared<AdmissionGate>(
        stub_,
        [store = store_](const ::dunbar::membership::v1::EntitlementChange& change) {
          return store->InvalidateAdmission(change.tenant(), change.program_id(),
                                            change.member_id());
        },
        gate_options);
    domain_ = std::make_unique<CohortDomain>(store_, gate_,
                                             CohortDomainOptions{[this] { return Tick(); }});
  }

  // Every mutation sees a later "now" (the gate was created at the first one).
  absl::Time Tick() {
    now_ += absl::Milliseconds(10);
    return now_;
  }

  v1::Program CreateProgram(bool requires_entitlement, int capacity = 10) {
    v1::CreateProgramRequest request;
    request.set_request_id("create-" + std::to_string(++request_counter_));
    request.mutable_program()->set_name("Deep Work");
    request.mutable_program()->set_cohort_capacity(capacity);
    request.mutable_program()->set_requires_entitlement(requires_entitlement);
    absl::StatusOr<v1::Program> program = domain_->CreateProgram(kTenant, request);
    EXPECT_TRUE(program.ok()) << program.status();
    return program.ok() ? *program : v1::Program();
  }

  absl::StatusOr<v1::EnrollResponse> Enroll(const std::string& program_id,
                                            const std::string& member_id) {
    v1::EnrollRequest request;
    request.set_request_id("enroll-" + std::to_string(++request_counter_));
    request.set_program_id(program_id);
    request.set_member_id(member_id);
    return domain_->Enroll(kTenant, request);
  }

  absl::Status Withdraw(const std::string& program_id, const std::string& member_id) {
    v1::WithdrawRequest request;
    request.set_request_id("withdraw-" + std::to_string(++request_counter_));
    request.set_program_id(program_id);
    request.set_member_id(member_id);
    return domain_->Withdraw(kTenant, request).status();
  }

  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  int request_counter_ = 0;
  std::shared_ptr<CohortStore> store_;
  std::shared_ptr<mv1::MockMembershipServiceStub> stub_;
  std::shared_ptr<AdmissionGate> gate_;
  std::unique_ptr<CohortDomain> domain_;
};

TEST_F(CohortDomainTest, CreateProgramAssignsAnIdAndDefaults) {
  v1::Program program = CreateProgram(false, 0);
  EXPECT_EQ(program.id().size(), 26u);
  EXPECT_EQ(program.tenant(), kTenant);
  EXPECT_EQ(program.cohort_capacity(), 50);
  EXPECT_EQ(program.rollover_policy(), v1::AUTO_OPEN_NEXT);
  EXPECT_EQ(program.latest_cohort_number(), 1);
}

TEST_F(CohortDomainTest, OverDunbarProgrammeCarriesTheWarning) {
  v1::CreateProgramRequest request;
  request.set_request_id("big");
  request.mutable_program()->set_name("Big");
  request.mutable_program()->set_cohort_capacity(200);
  request.mutable_program()->set_allow_over_dunbar(true);
  absl::StatusOr<v1::Program> program = domain_->CreateProgram(kTenant, request);
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_EQ(program->warnings_size(), 1);
  EXPECT_EQ(program->warnings(0),
            "cohort_capacity 200 is above Dunbar's number (150): groups this size lose their "
            "warmth");
}

TEST_F(CohortDomainTest, FirstEnrolAsksMembershipOnceThenTheCachedAnswerIsUsed) {
  const v1::Program program = CreateProgram(true);
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce([](grpc::ClientContext*, const mv1::CheckEntitlementRequest& request,
                   mv1::CheckEntitlementResponse* response) {
        EXPECT_EQ(request.member_id(), "m1");
        return Entitled("order-1", response);
      });
  absl::StatusOr<v1::EnrollResponse> first = Enroll(program.id(), "m1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->result(), v1::ENROLLED);
  EXPECT_EQ(first->seat().seat_number(), 1);
  // Withdraw and come back: the cached admission is used, membership is not asked again.
  ASSERT_TRUE(Withdraw(program.id(), "m1").ok());
  absl::StatusOr<v1::EnrollResponse> again = Enroll(program.id(), "m1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->result(), v1::ENROLLED);
}

TEST_F(CohortDomainTest, InvalidatedAdmissionIsAskedForAgain) {
  const v1::Program program = CreateProgram(true);
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce([](grpc::ClientContext*, const mv1::CheckEntitlementRequest&,
                   mv1::CheckEntitlementResponse* response) { return Entitled("o1", response); })
      .WillOnce([](grpc::ClientContext*, const mv1::CheckEntitlementRequest&,
                   mv1::CheckEntitlementResponse* response) { return Entitled("", response); });
  ASSERT_TRUE(Enroll(program.id(), "m1").ok());
  ASSERT_TRUE(Withdraw(program.id(), "m1").ok());
  ASSERT_TRUE(store_->InvalidateAdmission(kTenant, program.id(), "m1").ok());
  absl::StatusOr<v1::EnrollResponse> again = Enroll(program.id(), "m1");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(),
            "member m1 has no active entitlement to program " + program.id());
}

TEST_F(CohortDomainTest, MembershipDownWithNothingCachedIsUnavailableAndWritesNothing) {
  const v1::Program program = CreateProgram(true);
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused")));
  absl::StatusOr<v1::EnrollResponse> enrolled = Enroll(program.id(), "m1");
  EXPECT_EQ(enrolled.status().code(), absl::StatusCode::kUnavailable);
  v1::ListRosterRequest roster;
  roster.set_cohort_id(program.id() + ".1");
  absl::StatusOr<v1::ListRosterResponse> listed = domain_->ListRoster(kTenant, roster);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->entries_size(), 0);
  EXPECT_EQ(listed->cohort().seats_taken(), 0);
}

TEST_F(CohortDomainTest, UnknownMemberOfAFreeProgrammeIsNotFound) {
  const v1::Program program = CreateProgram(false);
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::NOT_FOUND, "member ghost")));
  absl::StatusOr<v1::EnrollResponse> enrolled = Enroll(program.id(), "ghost");
  EXPECT_EQ(enrolled.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(enrolled.status().message(), "member ghost");
}

TEST_F(CohortDomainTest, AnswersCachedBeforeTheFeedResubscribedAreNotTrusted) {
  const v1::Program program = CreateProgram(true);
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .Times(2)
      .WillRepeatedly(
          [](grpc::ClientContext*, const mv1::CheckEntitlementRequest&,
             mv1::CheckEntitlementResponse* response) { return Entitled("o1", response); });
  ASSERT_TRUE(Enroll(program.id(), "m1").ok());
  ASSERT_TRUE(Withdraw(program.id(), "m1").ok());
  // A new gate (a restarted process) trusts nothing cached before it was created.
  AdmissionGateOptions gate_options;
  gate_options.membership_token = "svc";
  gate_options.clock = [this] { return Tick(); };
  auto fresh_gate = std::make_shared<AdmissionGate>(
      stub_, [](const ::dunbar::membership::v1::EntitlementChange&) { return absl::OkStatus(); },
      gate_options);
  CohortDomain restarted(store_, fresh_gate, CohortDomainOptions{[this] { return Tick(); }});
  v1::EnrollRequest request;
  request.set_request_id("after-restart");
  request.set_program_id(program.id());
  request.set_member_id("m1");
  absl::StatusOr<v1::EnrollResponse> again = restarted.Enroll(kTenant, request);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->result(), v1::ENROLLED);
}

TEST_F(CohortDomainTest, SameRequestIdReplaysWithoutAskingMembershipAgain) {
  const v1::Program program = CreateProgram(true);
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce([](grpc::ClientContext*, const mv1::CheckEntitlementRequest&,
                   mv1::CheckEntitlementResponse* response) { return Entitled("o1", response); });
  v1::EnrollRequest request;
  request.set_request_id("once");
  request.set_program_id(program.id());
  request.set_member_id("m1");
  absl::StatusOr<v1::EnrollResponse> first = domain_->Enroll(kTenant, request);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::EnrollResponse> retry = domain_->Enroll(kTenant, request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  request.set_member_id("m2");
  EXPECT_EQ(domain_->Enroll(kTenant, request).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(CohortDomainTest, RejectsBadRequestsBeforeTheStore) {
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _)).Times(0);
  v1::EnrollRequest enroll;
  enroll.set_program_id("p");
  enroll.set_member_id("m");
  absl::Status status = domain_->Enroll(kTenant, enroll).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "request_id:")) << status.message();
  enroll.set_request_id("r");
  enroll.set_member_id("bad id");
  status = domain_->Enroll(kTenant, enroll).status();
  EXPECT_TRUE(absl::StartsWith(status.message(), "member_id:")) << status.message();
  enroll.set_member_id("m");
  enroll.set_source(std::string(65, 's'));
  status = domain_->Enroll(kTenant, enroll).status();
  EXPECT_TRUE(absl::StartsWith(status.message(), "source:")) << status.message();

  v1::TransferRequest transfer;
  transfer.set_request_id("t");
  transfer.set_member_id("m");
  transfer.set_from_cohort_id("pa.1");
  transfer.set_to_cohort_id("pb.2");
  status = domain_->Transfer(kTenant, transfer).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "to_cohort_id: ")) << status.message();
  transfer.set_from_cohort_id("pa");
  status = domain_->Transfer(kTenant, transfer).status();
  EXPECT_TRUE(absl::StartsWith(status.message(), "from_cohort_id: ")) << status.message();

  v1::UpdateProgramRequest update;
  update.set_request_id("u");
  update.mutable_program()->set_id("p");
  update.mutable_update_mask()->add_paths("latest_cohort_number");
  status = domain_->UpdateProgram(kTenant, update).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "update_mask: ")) << status.message();

  v1::GetProgramStatsRequest stats;
  stats.set_program_id("p");
  stats.set_days(367);
  status = domain_->GetProgramStats(kTenant, stats).status();
  EXPECT_TRUE(absl::StartsWith(status.message(), "days: ")) << status.message();

  v1::OpenNextCohortRequest open;
  open.set_request_id("o");
  open.set_program_id("p");
  open.set_start_date("2025-02-30");
  status = domain_->OpenNextCohort(kTenant, open).status();
  EXPECT_TRUE(absl::StartsWith(status.message(), "start_date: ")) << status.message();

  v1::ListCohortsRequest list;
  list.set_program_id("p");
  list.set_page_size(501);
  status = domain_->ListCohorts(kTenant, list).status();
  EXPECT_TRUE(absl::StartsWith(status.message(), "page_size")) << status.message();
}

TEST_F(CohortDomainTest, PageTokensPageThroughAndBelongToTheirList) {
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillRepeatedly(
          [](grpc::ClientContext*, const mv1::CheckEntitlementRequest&,
             mv1::CheckEntitlementResponse* response) { return Entitled("", response); });
  const v1::Program program = CreateProgram(false, 1);  // one seat per cohort
  for (const char* member : {"m1", "m2", "m3"}) ASSERT_TRUE(Enroll(program.id(), member).ok());

  v1::ListCohortsRequest list;
  list.set_program_id(program.id());
  list.set_page_size(2);
  absl::StatusOr<v1::ListCohortsResponse> page1 = domain_->ListCohorts(kTenant, list);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->cohorts_size(), 2);
  EXPECT_EQ(page1->cohorts(0).number(), 1);
  ASSERT_FALSE(page1->next_page_token().empty());
  list.set_page_token(page1->next_page_token());
  absl::StatusOr<v1::ListCohortsResponse> page2 = domain_->ListCohorts(kTenant, list);
  ASSERT_TRUE(page2.ok()) << page2.status();
  // Three members filled cohorts 1..3 and opened cohort 4.
  ASSERT_EQ(page2->cohorts_size(), 2);
  EXPECT_EQ(page2->cohorts(0).number(), 3);
  EXPECT_EQ(page2->cohorts(1).number(), 4);
  EXPECT_EQ(page2->next_page_token(), "");

  // The same token for another programme, or for another kind of list, is rejected.
  const v1::Program other = CreateProgram(false);
  list.set_program_id(other.id());
  absl::Status status = domain_->ListCohorts(kTenant, list).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "page_token: ")) << status.message();
  v1::GetWaitlistRequest waitlist;
  waitlist.set_program_id(program.id());
  waitlist.set_page_token(page1->next_page_token());
  status = domain_->GetWaitlist(kTenant, waitlist).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "page_token")) << status.message();
}

TEST_F(CohortDomainTest, StatsCoverTheLastDaysInUtcOldestFirst) {
  const v1::Program program = CreateProgram(false);
  v1::GetProgramStatsRequest request;
  request.set_program_id(program.id());
  absl::StatusOr<v1::ProgramStats> stats = domain_->GetProgramStats(kTenant, request);
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->enrollments_per_day_size(), 30);
  // now_ is 2023-11-14T22:13:20Z (plus a few ticks).
  EXPECT_EQ(stats->enrollments_per_day(29).date(), "2023-11-14");
  EXPECT_EQ(stats->enrollments_per_day(0).date(), "2023-10-16");
  request.set_days(1);
  stats = domain_->GetProgramStats(kTenant, request);
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->enrollments_per_day_size(), 1);
}

}  // namespace
}  // namespace dunbar::cohort
