// BatchGetEnrollments over real gRPC: where each candidate stands in one programme (ACTIVE with
// its seat, WAITING with its live position, WITHDRAWN), in request order, duplicates ignored,
// members without a record left out; bad input, unknown programmes and other tenants.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::IsEmpty;

class BatchEnrollmentsTest : public CohortIntegrationTest {
 protected:
  // Capacity 2, WAITLIST: m0 and m1 seated, m2 and m3 waiting, m4 joined the waitlist and left,
  // m5 never enrolled.
  void SetUp() override {
    CohortIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    auto members = MakeMembers(fixture(), 6);
    ASSERT_TRUE(members.ok()) << members.status();
    m_ = *members;
    program_ = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 2, cv1::WAITLIST));
    for (int i = 0; i < 5; ++i) ASSERT_GRPC_OK(Enroll(fixture(), program_.id(), m_[i], nullptr));
    cv1::WithdrawResponse left;
    ASSERT_GRPC_OK(Withdraw(fixture(), program_.id(), m_[4], &left));
    ASSERT_TRUE(left.left_waitlist());
  }

  grpc::Status Batch(const std::vector<std::string>& member_ids,
                     cv1::BatchGetEnrollmentsResponse* out, Caller caller = Caller::kAcme,
                     const std::string& tenant = "", const std::string& program_id = "") {
    cv1::BatchGetEnrollmentsRequest request;
    request.set_tenant(tenant);
    request.set_program_id(program_id.empty() ? program_.id() : program_id);
    for (const std::string& id : member_ids) request.add_member_ids(id);
    return stub().BatchGetEnrollments(Ctx(caller).get(), request, out);
  }

  static std::vector<std::string> MemberIds(const cv1::BatchGetEnrollmentsResponse& response) {
    std::vector<std::string> ids;
    for (const auto& enrollment : response.enrollments()) ids.push_back(enrollment.member_id());
    return ids;
  }

  std::vector<std::string> m_;
  cv1::Program program_;
};

TEST_F(BatchEnrollmentsTest, EachMemberWhereTheyStandInRequestOrder) {
  cv1::BatchGetEnrollmentsResponse out;
  ASSERT_GRPC_OK(Batch({m_[5], m_[3], m_[0], m_[4], m_[2], m_[1]}, &out));
  ASSERT_EQ(MemberIds(out), (std::vector<std::string>{m_[3], m_[0], m_[4], m_[2], m_[1]}));
  for (const auto& enrollment : out.enrollments()) {
    EXPECT_EQ(enrollment.program_id(), program_.id());
    EXPECT_THAT(enrollment.history(), IsEmpty()) << enrollment.member_id();
    EXPECT_TRUE(enrollment.has_enrolled_at()) << enrollment.member_id();
  }
  const cv1::Enrollment& waiting_second = out.enrollments(0);
  EXPECT_EQ(waiting_second.status(), cv1::WAITING);
  EXPECT_EQ(waiting_second.waitlist_position(), 2);
  EXPECT_FALSE(waiting_second.has_seat());
  const cv1::Enrollment& first_seat = out.enrollments(1);
  EXPECT_EQ(first_seat.status(), cv1::ACTIVE);
  EXPECT_EQ(first_seat.seat().cohort_id(), CohortId(program_.id(), 1));
  EXPECT_EQ(first_seat.seat().cohort_number(), 1);
  EXPECT_EQ(first_seat.seat().cohort_name(), "Deep Work 1");
  EXPECT_EQ(first_seat.seat().seat_number(), 1);
  EXPECT_EQ(first_seat.waitlist_position(), 0);
  const cv1::Enrollment& withdrawn = out.enrollments(2);
  EXPECT_EQ(withdrawn.status(), cv1::WITHDRAWN);
  EXPECT_FALSE(withdrawn.has_seat());
  EXPECT_EQ(withdrawn.waitlist_position(), 0);
  const cv1::Enrollment& waiting_first = out.enrollments(3);
  EXPECT_EQ(waiting_first.status(), cv1::WAITING);
  EXPECT_EQ(waiting_first.waitlist_position(), 1);
  const cv1::Enrollment& second_seat = out.enrollments(4);
  EXPECT_EQ(second_seat.status(), cv1::ACTIVE);
  EXPECT_EQ(second_seat.seat().seat_number(), 2);
}

TEST_F(BatchEnrollmentsTest, PositionsAndSeatsAreLive) {
  // m0 leaves: the waitlist's head (m2) takes seat 1 and m3 moves up.
  ASSERT_GRPC_OK(Withdraw(fixture(), program_.id(), m_[0], nullptr));
  cv1::BatchGetEnrollmentsResponse out;
  ASSERT_GRPC_OK(Batch({m_[0], m_[2], m_[3]}, &out));
  ASSERT_EQ(MemberIds(out), (std::vector<std::string>{m_[0], m_[2], m_[3]}));
  EXPECT_EQ(out.enrollments(0).status(), cv1::WITHDRAWN);
  EXPECT_EQ(out.enrollments(1).status(), cv1::ACTIVE);
  EXPECT_EQ(out.enrollments(1).seat().seat_number(), 1);
  EXPECT_EQ(out.enrollments(1).waitlist_position(), 0);
  EXPECT_EQ(out.enrollments(2).status(), cv1::WAITING);
  EXPECT_EQ(out.enrollments(2).waitlist_position(), 1);
}

TEST_F(BatchEnrollmentsTest, DuplicatesAreAnsweredOnceAtTheirFirstPlace) {
  cv1::BatchGetEnrollmentsResponse out;
  ASSERT_GRPC_OK(Batch({m_[1], m_[0], m_[1], m_[5], m_[0], m_[1]}, &out));
  EXPECT_EQ(MemberIds(out), (std::vector<std::string>{m_[1], m_[0]}));
}

TEST_F(BatchEnrollmentsTest, NobodyKnownIsAnEmptyAnswer) {
  cv1::BatchGetEnrollmentsResponse out;
  ASSERT_GRPC_OK(Batch({m_[5], "someone-else"}, &out));
  EXPECT_THAT(out.enrollments(), IsEmpty());
  // Another programme of the same tenant knows none of them.
  const cv1::Program other = MustCreateProgram(fixture(), ProgramSpec("Other", 5));
  ASSERT_GRPC_OK(Batch({m_[0], m_[2], m_[4]}, &out, Caller::kAcme, "", other.id()));
  EXPECT_THAT(out.enrollments(), IsEmpty());
}

TEST_F(BatchEnrollmentsTest, FiveHundredIdsAreAcceptedAndFiveHundredOneAreNot) {
  std::vector<std::string> ids;
  for (int i = 0; i < 499; ++i) ids.push_back(absl::StrCat("candidate-", i));
  ids.push_back(m_[1]);
  cv1::BatchGetEnrollmentsResponse out;
  ASSERT_GRPC_OK(Batch(ids, &out));
  EXPECT_EQ(MemberIds(out), std::vector<std::string>{m_[1]});
  ids.push_back(m_[0]);
  grpc::Status status = Batch(ids, &out);
  EXPECT_THAT(status, HasCode(Code::INVALID_ARGUMENT));
  EXPECT_EQ(status.error_message(), "member_ids: must hold between 1 and 500 ids, got 501");
}

TEST_F(BatchEnrollmentsTest, BadInputNamesTheField) {
  cv1::BatchGetEnrollmentsResponse out;
  grpc::Status none = Batch({}, &out);
  EXPECT_THAT(none, HasCode(Code::INVALID_ARGUMENT));
  EXPECT_EQ(none.error_message(), "member_ids: must hold between 1 and 500 ids, got 0");
  EXPECT_THAT(Batch({m_[0], m_[1], m_[2], "not an id!"}, &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_ids[3]"));
  EXPECT_THAT(Batch({""}, &out), HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_ids[0]"));
  EXPECT_THAT(Batch({m_[0], std::string(65, 'x')}, &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_ids[1]"));
  cv1::BatchGetEnrollmentsRequest request;  // no programme
  request.add_member_ids(m_[0]);
  EXPECT_THAT(stub().BatchGetEnrollments(Ctx().get(), request, &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program_id"));
  EXPECT_THAT(Batch({m_[0]}, &out, Caller::kAcme, "", "bad id!"),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program_id"));
}

TEST_F(BatchEnrollmentsTest, UnknownProgrammeIsNotFound) {
  cv1::BatchGetEnrollmentsResponse out;
  grpc::Status status = Batch({m_[0]}, &out, Caller::kAcme, "", "no-such-programme");
  EXPECT_THAT(status, HasCode(Code::NOT_FOUND));
  EXPECT_EQ(status.error_message(), "program no-such-programme");
}

TEST_F(BatchEnrollmentsTest, OtherTenantsSeeNothingOfAcmes) {
  cv1::BatchGetEnrollmentsResponse out;
  grpc::Status globex = Batch({m_[0], m_[2]}, &out, Caller::kGlobex);
  EXPECT_THAT(globex, HasCode(Code::NOT_FOUND));
  EXPECT_EQ(globex.error_message(), "program " + program_.id());
  EXPECT_THAT(Batch({m_[0]}, &out, Caller::kService, "globex"), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(Batch({m_[0]}, &out, Caller::kAcme, "globex"), HasCode(Code::PERMISSION_DENIED));
  EXPECT_THAT(Batch({m_[0]}, &out, Caller::kGlobex, "acme"), HasCode(Code::PERMISSION_DENIED));
  EXPECT_THAT(Batch({m_[0]}, &out, Caller::kNone), HasCode(Code::UNAUTHENTICATED));
  // The service token acting for acme sees acme's answer.
  ASSERT_GRPC_OK(Batch({m_[0]}, &out, Caller::kService, "acme"));
  ASSERT_EQ(out.enrollments_size(), 1);
  EXPECT_EQ(out.enrollments(0).status(), cv1::ACTIVE);
}

}  // namespace
}  // namespace dunbar::testing
