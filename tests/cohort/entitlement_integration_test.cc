// Paid entry: Enroll asks membership's CheckEntitlement (service to service), caches the answer in
// the cohort keyspace, and forgets it when membership's entitlement feed reports a change. With
// membership down, a cached admission still enrols; an uncached member is UNAVAILABLE.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::SizeIs;

class EntitlementTest : public CohortIntegrationTest {
 protected:
  void SetUp() override {
    CohortIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    // A previous test may have left membership down.
    if (!fixture().membership().membership_running()) {
      ASSERT_TRUE(fixture().StartMembership().ok());
    }
    absl::Status live = fixture().WaitForFeedLive();
    ASSERT_TRUE(live.ok()) << live;
    auto members = MakeMembers(fixture(), 3);
    ASSERT_TRUE(members.ok()) << members.status();
    members_ = *members;
    paid_ = MustCreateProgram(fixture(), ProgramSpec("Paid", 10, cv1::AUTO_OPEN_NEXT, true));
    ASSERT_FALSE(paid_.id().empty());
  }

  void TearDown() override {
    if (!fixture().membership().membership_running()) {
      EXPECT_TRUE(fixture().StartMembership().ok());
    }
  }

  // Enrol attempts until one is refused (then OK) or `timeout` passes. A successful attempt is
  // withdrawn again so the next attempt goes through the admission check afresh.
  absl::Status WaitUntilRefused(const std::string& member, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      cv1::EnrollResponse r;
      grpc::Status s = Enroll(fixture(), paid_.id(), member, &r);
      if (s.error_code() == Code::FAILED_PRECONDITION) return absl::OkStatus();
      if (!s.ok()) return absl::InternalError(::testing::PrintToString(s));
      ++accepted_after_revoke_;
      grpc::Status w = Withdraw(fixture(), paid_.id(), member, nullptr);
      if (!w.ok()) return absl::InternalError(::testing::PrintToString(w));
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError("the revoked entitlement still admits the member");
      }
      // Backoff between attempts: the feed delivers asynchronously.
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  std::vector<std::string> members_;
  cv1::Program paid_;
  int accepted_after_revoke_ = 0;
};

TEST_F(EntitlementTest, WithoutAGrantEnrolIsFailedPrecondition) {
  cv1::EnrollResponse r;
  grpc::Status s = Enroll(fixture(), paid_.id(), members_[0], &r);
  EXPECT_THAT(s, HasCode(Code::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr(members_[0]));
  // A grant for another programme does not count.
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[0], "some-other-program", "order-other"));
  EXPECT_THAT(Enroll(fixture(), paid_.id(), members_[0], nullptr),
              HasCode(Code::FAILED_PRECONDITION));
  // Nothing was written: no seat, no enrolment record.
  auto snapshot = Snapshot(fixture(), paid_.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_TRUE(snapshot->seat_of.empty());
  EXPECT_EQ(snapshot->cohorts[0].seats_taken(), 0);
}

TEST_F(EntitlementTest, WithAGrantEnrolsAndRecordsTheOrder) {
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[0], paid_.id(), "order-1"));
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(
      Enroll(fixture(), paid_.id(), members_[0], &r, Caller::kAcme, std::nullopt, "outreach"));
  EXPECT_EQ(r.result(), cv1::ENROLLED);
  EXPECT_EQ(r.seat().seat_number(), 1);

  auto roster = ListAllRoster(fixture(), CohortId(paid_.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].member_id(), members_[0]);
  EXPECT_EQ((*roster)[0].entitlement_order_id(), "order-1");
  EXPECT_EQ((*roster)[0].source(), "outreach");

  cv1::ListMemberEnrollmentsRequest request;
  request.set_member_id(members_[0]);
  cv1::ListMemberEnrollmentsResponse listed;
  ASSERT_GRPC_OK(stub().ListMemberEnrollments(Ctx().get(), request, &listed));
  ASSERT_THAT(listed.enrollments(), SizeIs(1));
  EXPECT_EQ(listed.enrollments(0).entitlement_order_id(), "order-1");
  EXPECT_EQ(listed.enrollments(0).status(), cv1::ACTIVE);
}

TEST_F(EntitlementTest, TransferKeepsTheEntitlementLink) {
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[0], paid_.id(), "order-keep"));
  ASSERT_GRPC_OK(Enroll(fixture(), paid_.id(), members_[0], nullptr));
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), paid_.id(), nullptr));
  cv1::Enrollment moved;
  ASSERT_GRPC_OK(
      Transfer(fixture(), members_[0], CohortId(paid_.id(), 1), CohortId(paid_.id(), 2), &moved));
  EXPECT_EQ(moved.entitlement_order_id(), "order-keep");
  EXPECT_EQ(moved.seat().cohort_number(), 2);
  auto roster = ListAllRoster(fixture(), CohortId(paid_.id(), 2));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].entitlement_order_id(), "order-keep");
}

TEST_F(EntitlementTest, ARevokedGrantStopsAdmittingThroughTheFeed) {
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[0], paid_.id(), "order-refund"));
  ASSERT_GRPC_OK(Enroll(fixture(), paid_.id(), members_[0], nullptr));
  ASSERT_GRPC_OK(Withdraw(fixture(), paid_.id(), members_[0], nullptr));
  // The admission is cached now. Membership refunds the order; the feed tells the cohort service.
  ASSERT_GRPC_OK(RevokeEntitlement(fixture(), "order-refund"));
  absl::Status refused = WaitUntilRefused(members_[0], absl::Seconds(5));
  EXPECT_TRUE(refused.ok()) << refused << " (admitted " << accepted_after_revoke_
                            << " times after the revoke)";
  // The cache TTL is 10 minutes: only the feed can have made this happen.
  EXPECT_LE(accepted_after_revoke_, 5) << "the invalidation was slow to arrive";
}

TEST_F(EntitlementTest, MembershipDownCachedAdmissionStillEnrolsUncachedIsUnavailable) {
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[0], paid_.id(), "order-a"));
  ASSERT_GRPC_OK(Enroll(fixture(), paid_.id(), members_[0], nullptr));
  ASSERT_GRPC_OK(Withdraw(fixture(), paid_.id(), members_[0], nullptr));

  fixture().StopMembership();

  cv1::EnrollResponse cached;
  ASSERT_GRPC_OK(Enroll(fixture(), paid_.id(), members_[0], &cached));
  EXPECT_EQ(cached.result(), cv1::ENROLLED);
  grpc::Status uncached = Enroll(fixture(), paid_.id(), members_[1], nullptr);
  EXPECT_THAT(uncached, HasCode(Code::UNAVAILABLE));
  EXPECT_THAT(uncached.error_message(), ::testing::HasSubstr("membership"));
  // Reads and withdrawals need no membership.
  auto snapshot = Snapshot(fixture(), paid_.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->seat_of.size(), 1u);
  EXPECT_EQ(snapshot->seat_of.count(members_[0]), 1u);

  // Back up: the uncached member gets in once membership answers again.
  ASSERT_TRUE(fixture().WaitForFeedDown().ok());
  ASSERT_TRUE(fixture().StartMembership().ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status s;
  do {
    s = GrantEntitlement(fixture(), members_[1], paid_.id(), "order-b");
    if (s.error_code() != Code::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(50));  // the fixture's channel reconnects with backoff
  } while (absl::Now() < deadline);
  ASSERT_GRPC_OK(s);
  do {
    s = Enroll(fixture(), paid_.id(), members_[1], nullptr);
    if (s.error_code() != Code::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(50));  // the channel reconnects with backoff
  } while (absl::Now() < deadline);
  EXPECT_GRPC_OK(s);
  absl::Status live = fixture().WaitForFeedLive();
  EXPECT_TRUE(live.ok()) << live;
}

// A member who has just paid enrols without a membership hop: the feed reports the grant and the
// cohort service caches the admission before the member even tries. Proven by taking membership
// down after the grant: the enrolment still succeeds, which only a cached admission allows.
TEST_F(EntitlementTest, AGrantReportedByTheFeedIsCachedBeforeTheEnrolment) {
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[2], paid_.id(), "order-pushed"));
  const std::string admission_key =
      absl::StrCat("dunbar:cohort:{acme}:adm:", paid_.id(), ":", members_[2]);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  bool cached = false;
  while (!cached && absl::Now() < deadline) {
    auto exists = fixture().redis().Command({"EXISTS", admission_key});
    ASSERT_TRUE(exists.ok()) << exists.status();
    cached = exists->AsInteger().value_or(0) == 1;
    if (!cached) absl::SleepFor(absl::Milliseconds(10));  // the feed delivers asynchronously
  }
  ASSERT_TRUE(cached) << "the feed did not cache the grant within 5 s";

  fixture().StopMembership();
  cv1::EnrollResponse enrolled;
  ASSERT_GRPC_OK(Enroll(fixture(), paid_.id(), members_[2], &enrolled));
  EXPECT_EQ(enrolled.result(), cv1::ENROLLED);
  auto roster = ListAllRoster(fixture(), CohortId(paid_.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].entitlement_order_id(), "order-pushed");
}

// Membership's feed does not replay: a refund made while the feed was down is never delivered, so
// the cohort service must distrust every admission it cached before its latest re-subscription.
// Deterministic check: cache, let the feed reconnect, take membership down again; the old cached
// admission must not be used (UNAVAILABLE, not ENROLLED).
TEST_F(EntitlementTest, AdmissionsCachedBeforeTheFeedReconnectedAreNotTrusted) {
  ASSERT_GRPC_OK(GrantEntitlement(fixture(), members_[0], paid_.id(), "order-gap"));
  ASSERT_GRPC_OK(Enroll(fixture(), paid_.id(), members_[0], nullptr));
  ASSERT_GRPC_OK(Withdraw(fixture(), paid_.id(), members_[0], nullptr));
  fixture().StopMembership();
  absl::Status down = fixture().WaitForFeedDown();
  ASSERT_TRUE(down.ok()) << down;
  ASSERT_TRUE(fixture().StartMembership().ok());
  absl::Status live = fixture().WaitForFeedLive();
  ASSERT_TRUE(live.ok()) << live;
  fixture().StopMembership();
  EXPECT_THAT(Enroll(fixture(), paid_.id(), members_[0], nullptr), HasCode(Code::UNAVAILABLE));
}

TEST_F(EntitlementTest, FreeProgrammeUnknownMemberIsNotFound) {
  const cv1::Program free = MustCreateProgram(fixture(), ProgramSpec("Free", 10));
  grpc::Status s = Enroll(fixture(), free.id(), UnknownIdLike(members_[0]), nullptr);
  EXPECT_THAT(s, HasCodeAndMessage(Code::NOT_FOUND, "member"));
  // And a member of another tenant is unknown in acme.
  auto globex = MakeMembers(fixture(), 1, Caller::kGlobex);
  ASSERT_TRUE(globex.ok()) << globex.status();
  EXPECT_THAT(Enroll(fixture(), free.id(), (*globex)[0], nullptr), HasCode(Code::NOT_FOUND));
}

}  // namespace
}  // namespace dunbar::testing
