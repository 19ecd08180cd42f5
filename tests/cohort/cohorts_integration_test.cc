// Cohorts: get, list by number (paged), OpenNextCohort (FIFO promotion from the waitlist), start
// (no new seats unless late enrolment is allowed) and close.
#include <string>
#include <vector>

#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::SizeIs;

class CohortsTest : public CohortIntegrationTest {
 protected:
  void SetUp() override {
    CohortIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    auto members = MakeMembers(fixture(), 7);
    ASSERT_TRUE(members.ok()) << members.status();
    m_ = *members;
  }
  std::vector<std::string> m_;
};

TEST_F(CohortsTest, OpenNextCohortPromotesTheWaitlistInFifoOrder) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Queue", 2, cv1::WAITLIST));
  for (int i = 0; i < 7; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  // Seated: m0, m1. Waiting: m2..m6 in that order.
  cv1::OpenNextCohortResponse opened;
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), &opened, Caller::kAcme, "open-2"));
  EXPECT_EQ(opened.cohort().number(), 2);
  EXPECT_EQ(opened.cohort().seats_taken(), 2);
  EXPECT_EQ(opened.cohort().state(), cv1::FULL);
  EXPECT_THAT(opened.promoted_member_ids(), ElementsAre(m_[2], m_[3]));
  cv1::OpenNextCohortResponse replay;
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), &replay, Caller::kAcme, "open-2"));
  EXPECT_THAT(replay, EqualsProto(opened));

  auto snapshot = Snapshot(fixture(), p.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  ASSERT_THAT(snapshot->cohorts, SizeIs(2)) << "the replay opened another cohort";
  EXPECT_EQ(snapshot->seat_of[m_[2]], std::make_pair(2, 1));
  EXPECT_EQ(snapshot->seat_of[m_[3]], std::make_pair(2, 2));
  ASSERT_THAT(snapshot->waitlist, SizeIs(3));
  EXPECT_EQ(snapshot->waitlist[0].member_id(), m_[4]);

  // A larger cohort takes everyone left and stays OPEN.
  cv1::UpdateProgramRequest update;
  update.set_request_id(NewRequestId());
  update.mutable_program()->set_id(p.id());
  update.mutable_program()->set_cohort_capacity(10);
  update.mutable_update_mask()->add_paths("cohort_capacity");
  cv1::Program updated;
  ASSERT_GRPC_OK(stub().UpdateProgram(Ctx().get(), update, &updated));
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), &opened));
  EXPECT_THAT(opened.promoted_member_ids(), ElementsAre(m_[4], m_[5], m_[6]));
  EXPECT_EQ(opened.cohort().state(), cv1::OPEN);
  EXPECT_EQ(opened.cohort().capacity(), 10);
  auto after = Snapshot(fixture(), p.id());
  ASSERT_TRUE(after.ok()) << after.status();
  ExpectInvariants(*after);
  EXPECT_TRUE(after->waitlist.empty());

  EXPECT_THAT(OpenNextCohort(fixture(), UnknownIdLike(p.id()), nullptr),
              HasCodeAndMessage(Code::NOT_FOUND, "program"));
  EXPECT_THAT(OpenNextCohort(fixture(), "", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program_id"));
}

TEST_F(CohortsTest, StartedCohortTakesNoSeatsUnlessLateEnrolmentIsAllowed) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Run", 5));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], nullptr));
  cv1::Cohort started;
  ASSERT_GRPC_OK(StartCohort(fixture(), CohortId(p.id(), 1), false, &started));
  EXPECT_EQ(started.state(), cv1::RUNNING);
  EXPECT_TRUE(started.has_started_at());
  // The next enrolment cannot go into the running cohort: AUTO_OPEN_NEXT opens cohort 2.
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[1], &r));
  EXPECT_EQ(r.seat().cohort_number(), 2);
  // Allowing late enrolment lets cohort 1 take seats again (it is the lowest with room).
  ASSERT_GRPC_OK(StartCohort(fixture(), CohortId(p.id(), 1), true, &started));
  EXPECT_TRUE(started.allow_late_enrollment());
  EXPECT_EQ(started.state(), cv1::RUNNING);
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[2], &r));
  EXPECT_EQ(r.seat().cohort_number(), 1);
  // Close: any state -> CLOSED, idempotent; a closed cohort cannot start.
  cv1::Cohort closed;
  ASSERT_GRPC_OK(CloseCohort(fixture(), CohortId(p.id(), 1), &closed));
  EXPECT_EQ(closed.state(), cv1::CLOSED);
  ASSERT_GRPC_OK(CloseCohort(fixture(), CohortId(p.id(), 1), &closed));
  EXPECT_EQ(closed.state(), cv1::CLOSED);
  EXPECT_THAT(StartCohort(fixture(), CohortId(p.id(), 1), false, nullptr),
              HasCode(Code::FAILED_PRECONDITION));
  // Members keep their seats in the closed cohort's roster.
  auto roster = ListAllRoster(fixture(), CohortId(p.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_THAT(*roster, SizeIs(2));
}

TEST_F(CohortsTest, GetAndListCohortsRejectBadIds) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Ids", 1));
  for (int i = 0; i < 4; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  // Cohorts 1..5 (the fifth opened by the fourth enrolment), listed two per page.
  auto cohorts = ListAllCohorts(fixture(), p.id(), 2);
  ASSERT_TRUE(cohorts.ok()) << cohorts.status();
  std::vector<int> numbers;
  for (const auto& c : *cohorts) numbers.push_back(c.number());
  EXPECT_THAT(numbers, ElementsAre(1, 2, 3, 4, 5));
  auto roster = ListAllRoster(fixture(), CohortId(p.id(), 3), 1);
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].member_id(), m_[2]);

  cv1::Cohort out;
  EXPECT_THAT(GetCohort(fixture(), CohortId(p.id(), 9), &out),
              HasCodeAndMessage(Code::NOT_FOUND, CohortId(p.id(), 9)));
  for (const std::string& bad :
       {std::string(""), p.id(), p.id() + ".0", p.id() + ".-1", p.id() + ".01", p.id() + ".x"}) {
    EXPECT_THAT(GetCohort(fixture(), bad, &out),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, "cohort_id"))
        << bad;
  }
  auto unknown = ListAllCohorts(fixture(), UnknownIdLike(p.id()));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound) << unknown.status();
  // A roster page token does not work for another cohort.
  cv1::ListRosterResponse page, first_page;
  cv1::ListRosterRequest big;
  big.set_cohort_id(CohortId(p.id(), 5));
  const cv1::Program wide = MustCreateProgram(fixture(), ProgramSpec("Wide", 5));
  for (int i = 0; i < 3; ++i) ASSERT_GRPC_OK(Enroll(fixture(), wide.id(), m_[i], nullptr));
  cv1::ListRosterRequest paged;
  paged.set_cohort_id(CohortId(wide.id(), 1));
  paged.set_page_size(1);
  ASSERT_GRPC_OK(stub().ListRoster(Ctx().get(), paged, &first_page));
  ASSERT_FALSE(first_page.next_page_token().empty());
  big.set_page_token(first_page.next_page_token());
  EXPECT_THAT(stub().ListRoster(Ctx().get(), big, &page),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_token"));
}

}  // namespace
}  // namespace dunbar::testing
