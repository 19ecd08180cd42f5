// AdmissionGate::CheckEntitlement against the generated gMock stub of membership: how each answer
// of membership maps to the cohort service's status, and how the call's deadline is chosen.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "absl/strings/match.h"
#include "dunbar/membership/v1/membership_mock.grpc.pb.h"
#include "services/cohort/admission_gate.h"

namespace dunbar::cohort {
namespace {

namespace mv1 = ::dunbar::membership::v1;
using ::testing::_;
using ::testing::DoAll;
using ::testing::Invoke;
using ::testing::Return;
using ::testing::SaveArg;
using ::testing::SetArgPointee;

class CheckEntitlementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = std::make_shared<mv1::MockMembershipServiceStub>();
    AdmissionGateOptions options;
    options.membership_token = "svc-token";
    options.membership_timeout = absl::Seconds(1);
    gate_ = std::make_unique<AdmissionGate>(
        stub_, [](const ::dunbar::membership::v1::EntitlementChange&) { return absl::OkStatus(); },
        options);
  }

  absl::StatusOr<std::string> Check(bool requires_entitlement,
                                    absl::Time deadline = absl::InfiniteFuture()) {
    return gate_->CheckEntitlement("acme", "prog1", "mem1", requires_entitlement, deadline);
  }

  static mv1::CheckEntitlementResponse Answer(bool entitled, const std::string& order_id) {
    mv1::CheckEntitlementResponse response;
    response.set_entitled(entitled);
    response.set_order_id(order_id);
    return response;
  }

  std::shared_ptr<mv1::MockMembershipServiceStub> stub_;
  std::unique_ptr<AdmissionGate> gate_;
};

TEST_F(CheckEntitlementTest, EntitledReturnsTheOrderAndAsksForTheRightMemberAndProgram) {
  mv1::CheckEntitlementRequest sent;
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&sent), SetArgPointee<2>(Answer(true, "order-7")),
                      Return(grpc::Status::OK)));
  absl::StatusOr<std::string> order = Check(true);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(*order, "order-7");
  EXPECT_EQ(sent.tenant(), "acme");
  EXPECT_EQ(sent.member_id(), "mem1");
  EXPECT_EQ(sent.program_id(), "prog1");
}

TEST_F(CheckEntitlementTest, NotEntitledIsFailedPreconditionWhenTheProgramRequiresIt) {
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(Answer(false, "")), Return(grpc::Status::OK)));
  absl::StatusOr<std::string> order = Check(true);
  EXPECT_EQ(order.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(order.status().message(), "member mem1 has no active entitlement to program prog1");
}

TEST_F(CheckEntitlementTest, FreeProgramOnlyNeedsTheMemberToExist) {
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(Answer(false, "")), Return(grpc::Status::OK)))
      .WillOnce(DoAll(SetArgPointee<2>(Answer(true, "order-9")), Return(grpc::Status::OK)));
  absl::StatusOr<std::string> not_entitled = Check(false);
  ASSERT_TRUE(not_entitled.ok()) << not_entitled.status();
  EXPECT_EQ(*not_entitled, "");
  // Even an entitled member enters a free programme without an order link.
  absl::StatusOr<std::string> entitled = Check(false);
  ASSERT_TRUE(entitled.ok()) << entitled.status();
  EXPECT_EQ(*entitled, "");
}

TEST_F(CheckEntitlementTest, UnknownMemberIsNotFound) {
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::NOT_FOUND, "member mem1")));
  absl::StatusOr<std::string> order = Check(false);
  EXPECT_EQ(order.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(order.status().message(), "member mem1");
}

TEST_F(CheckEntitlementTest, UnreachableOrSlowMembershipIsUnavailable) {
  for (grpc::StatusCode code :
       {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED}) {
    EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
        .WillOnce(Return(grpc::Status(code, "failed to connect to all addresses; 10.0.0.7")));
    absl::StatusOr<std::string> order = Check(true);
    EXPECT_EQ(order.status().code(), absl::StatusCode::kUnavailable) << code;
    EXPECT_TRUE(absl::StartsWith(order.status().message(), "membership: "))
        << order.status().message();
    EXPECT_FALSE(absl::StrContains(order.status().message(), "10.0.0.7"));
  }
}

TEST_F(CheckEntitlementTest, AnythingElseIsInternalWithoutTheDetail) {
  for (grpc::StatusCode code :
       {grpc::StatusCode::PERMISSION_DENIED, grpc::StatusCode::UNAUTHENTICATED,
        grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::INTERNAL,
        grpc::StatusCode::RESOURCE_EXHAUSTED}) {
    EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
        .WillOnce(Return(grpc::Status(code, "secret detail")));
    absl::StatusOr<std::string> order = Check(true);
    EXPECT_EQ(order.status().code(), absl::StatusCode::kInternal) << code;
    EXPECT_FALSE(absl::StrContains(order.status().message(), "secret detail"));
  }
}

// The deadline the stub saw, relative to when the check started.
absl::Duration DeadlineSeen(grpc::ClientContext* context, absl::Time started) {
  return absl::FromChrono(context->deadline()) - started;
}

TEST_F(CheckEntitlementTest, DeadlineIsTheMembershipTimeoutWhenTheCallerHasNone) {
  absl::Duration seen;
  const absl::Time started = absl::Now();
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(Invoke([&](grpc::ClientContext* context, const mv1::CheckEntitlementRequest&,
                           mv1::CheckEntitlementResponse* response) {
        seen = DeadlineSeen(context, started);
        *response = Answer(true, "o");
        return grpc::Status::OK;
      }));
  ASSERT_TRUE(Check(true).ok());
  EXPECT_GE(seen, absl::Milliseconds(900));
  EXPECT_LE(seen, absl::Milliseconds(1100));
}

TEST_F(CheckEntitlementTest, DeadlineIsShortenedToTheCallersRemainingTime) {
  absl::Duration seen;
  const absl::Time started = absl::Now();
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(Invoke([&](grpc::ClientContext* context, const mv1::CheckEntitlementRequest&,
                           mv1::CheckEntitlementResponse* response) {
        seen = DeadlineSeen(context, started);
        *response = Answer(true, "o");
        return grpc::Status::OK;
      }));
  ASSERT_TRUE(Check(true, started + absl::Milliseconds(200)).ok());
  EXPECT_GT(seen, absl::ZeroDuration());
  EXPECT_LE(seen, absl::Milliseconds(201));
}

TEST_F(CheckEntitlementTest, LongerCallerDeadlineKeepsTheMembershipTimeout) {
  absl::Duration seen;
  const absl::Time started = absl::Now();
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _))
      .WillOnce(Invoke([&](grpc::ClientContext* context, const mv1::CheckEntitlementRequest&,
                           mv1::CheckEntitlementResponse* response) {
        seen = DeadlineSeen(context, started);
        *response = Answer(true, "o");
        return grpc::Status::OK;
      }));
  ASSERT_TRUE(Check(true, started + absl::Seconds(30)).ok());
  EXPECT_GE(seen, absl::Milliseconds(900));
  EXPECT_LE(seen, absl::Milliseconds(1100));
}

TEST_F(CheckEntitlementTest, PassedCallerDeadlineDoesNotCallMembership) {
  EXPECT_CALL(*stub_, CheckEntitlement(_, _, _)).Times(0);
  absl::StatusOr<std::string> order = Check(true, absl::Now() - absl::Milliseconds(1));
  EXPECT_EQ(order.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(AdmissionGateTest, CachedAnswersAreDistrustedUntilTheFeedSubscribes) {
  auto stub = std::make_shared<mv1::MockMembershipServiceStub>();
  const absl::Time created = absl::FromUnixSeconds(1700000000);
  AdmissionGateOptions options;
  options.membership_token = "svc-token";
  options.clock = [created] { return created; };
  AdmissionGate gate(
      stub, [](const ::dunbar::membership::v1::EntitlementChange&) { return absl::OkStatus(); },
      options);
  // Never started: no feed, not live, and nothing older than the gate is trusted.
  EXPECT_FALSE(gate.feed_live());
  EXPECT_EQ(gate.feed_subscriptions(), 0);
  EXPECT_EQ(gate.admission_valid_since(), created);
}

}  // namespace
}  // namespace dunbar::cohort
