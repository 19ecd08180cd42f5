// Enroll, Withdraw, Transfer, the waitlist, ListMemberEnrollments and GetProgramStats: happy paths,
// bad inputs (exact codes, messages naming the field) and idempotent retries.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class EnrollmentTest : public CohortIntegrationTest {
 protected:
  void SetUp() override {
    CohortIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    auto members = MakeMembers(fixture(), 6);
    ASSERT_TRUE(members.ok()) << members.status();
    m_ = *members;
  }

  std::vector<std::string> m_;
};

TEST_F(EnrollmentTest, EnrolTakesSeatOneOfCohortOne) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 3));
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], &r, Caller::kAcme, std::nullopt, "cli"));
  EXPECT_EQ(r.result(), cv1::ENROLLED);
  EXPECT_EQ(r.seat().cohort_id(), CohortId(p.id(), 1));
  EXPECT_EQ(r.seat().cohort_number(), 1);
  EXPECT_EQ(r.seat().cohort_name(), "Deep Work 1");
  EXPECT_EQ(r.seat().seat_number(), 1);
  EXPECT_FALSE(r.cohort_filled());
  EXPECT_FALSE(r.has_opened_cohort());
  cv1::Cohort cohort;
  ASSERT_GRPC_OK(GetCohort(fixture(), CohortId(p.id(), 1), &cohort));
  EXPECT_EQ(cohort.seats_taken(), 1);
  EXPECT_EQ(cohort.state(), cv1::OPEN);
}

TEST_F(EnrollmentTest, FillingTheLastSeatMarksFullAndOpensTheNextCohort) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 2));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], nullptr));
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[1], &r));
  EXPECT_EQ(r.seat().seat_number(), 2);
  EXPECT_TRUE(r.cohort_filled());
  ASSERT_TRUE(r.has_opened_cohort());
  EXPECT_EQ(r.opened_cohort().id(), CohortId(p.id(), 2));
  EXPECT_EQ(r.opened_cohort().name(), "Deep Work 2");
  EXPECT_EQ(r.opened_cohort().capacity(), 2);
  EXPECT_EQ(r.opened_cohort().state(), cv1::OPEN);
  cv1::Cohort first;
  ASSERT_GRPC_OK(GetCohort(fixture(), CohortId(p.id(), 1), &first));
  EXPECT_EQ(first.state(), cv1::FULL);
  EXPECT_TRUE(first.has_full_at());
  cv1::EnrollResponse third;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[2], &third));
  EXPECT_EQ(third.seat().cohort_number(), 2);
  EXPECT_EQ(third.seat().seat_number(), 1);
}

TEST_F(EnrollmentTest, EnrollingTwiceAnswersAlreadyEnrolledWithTheSameSeat) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 5));
  cv1::EnrollResponse first, second;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], &first));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], &second));
  EXPECT_EQ(second.result(), cv1::ALREADY_ENROLLED);
  EXPECT_THAT(second.seat(), EqualsProto(first.seat()));
  cv1::Cohort cohort;
  ASSERT_GRPC_OK(GetCohort(fixture(), CohortId(p.id(), 1), &cohort));
  EXPECT_EQ(cohort.seats_taken(), 1);
}

TEST_F(EnrollmentTest, SameRequestIdSameAnswerDifferentRequestAlreadyExists) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 5));
  cv1::EnrollResponse first, replay;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], &first, Caller::kAcme, "enroll-1"));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], &replay, Caller::kAcme, "enroll-1"));
  EXPECT_THAT(replay, EqualsProto(first));
  EXPECT_EQ(replay.result(), cv1::ENROLLED);  // the recorded answer, not ALREADY_ENROLLED
  // The same id for another member, another source, or another method.
  EXPECT_THAT(Enroll(fixture(), p.id(), m_[1], nullptr, Caller::kAcme, "enroll-1"),
              HasCodeAndMessage(Code::ALREADY_EXISTS, "request_id"));
  EXPECT_THAT(Enroll(fixture(), p.id(), m_[0], nullptr, Caller::kAcme, "enroll-1", "other"),
              HasCodeAndMessage(Code::ALREADY_EXISTS, "request_id"));
  EXPECT_THAT(Withdraw(fixture(), p.id(), m_[0], nullptr, Caller::kAcme, "enroll-1"),
              HasCodeAndMessage(Code::ALREADY_EXISTS, "request_id"));
  // The rejected calls changed nothing: m_[1] has no seat, m_[0] still has its own.
  auto snapshot = Snapshot(fixture(), p.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->seat_of.size(), 1u);
  EXPECT_EQ(snapshot->seat_of.count(m_[0]), 1u);
  // After a withdrawal the replay of the original enrolment still answers what it answered.
  ASSERT_GRPC_OK(Withdraw(fixture(), p.id(), m_[0], nullptr));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], &replay, Caller::kAcme, "enroll-1"));
  EXPECT_THAT(replay, EqualsProto(first));
  auto after = Snapshot(fixture(), p.id());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->seat_of.empty()) << "a replay re-applied the enrolment";
}

TEST_F(EnrollmentTest, RequestIdsAreScopedToTheTenant) {
  const cv1::Program acme = MustCreateProgram(fixture(), ProgramSpec("Acme", 5));
  const cv1::Program globex =
      MustCreateProgram(fixture(), ProgramSpec("Globex", 5), Caller::kGlobex);
  auto globex_members = MakeMembers(fixture(), 1, Caller::kGlobex);
  ASSERT_TRUE(globex_members.ok()) << globex_members.status();
  ASSERT_GRPC_OK(Enroll(fixture(), acme.id(), m_[0], nullptr, Caller::kAcme, "shared-id"));
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(
      Enroll(fixture(), globex.id(), (*globex_members)[0], &r, Caller::kGlobex, "shared-id"));
  EXPECT_EQ(r.result(), cv1::ENROLLED);
}

TEST_F(EnrollmentTest, EnrolRejectsBadInput) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 5));
  struct Case {
    std::string label, program, member, request_id, source, field;
  };
  const std::vector<Case> cases = {
      {"no request id", p.id(), m_[0], "", "", "request_id"},
      {"request id too long", p.id(), m_[0], std::string(129, 'r'), "", "request_id"},
      {"request id not printable", p.id(), m_[0], "req\x01", "", "request_id"},
      {"no program", "", m_[0], "r-1", "", "program_id"},
      {"malformed program", "bad id!", m_[0], "r-2", "", "program_id"},
      {"no member", p.id(), "", "r-3", "", "member_id"},
      {"malformed member", p.id(), "a/b", "r-4", "", "member_id"},
      {"source too long", p.id(), m_[0], "r-5", std::string(65, 's'), "source"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        Enroll(fixture(), c.program, c.member, nullptr, Caller::kAcme, c.request_id, c.source),
        HasCodeAndMessage(Code::INVALID_ARGUMENT, c.field))
        << c.label;
  }
  // Invalid UTF-8 in a string field fails protobuf parsing before validation: INVALID_ARGUMENT
  // without the field's name.
  EXPECT_THAT(Enroll(fixture(), p.id(), m_[0], nullptr, Caller::kAcme, "r-6", "\xff\xfe"),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(Enroll(fixture(), UnknownIdLike(p.id()), m_[0], nullptr),
              HasCodeAndMessage(Code::NOT_FOUND, "program"));
  EXPECT_THAT(Enroll(fixture(), p.id(), UnknownIdLike(m_[0]), nullptr),
              HasCodeAndMessage(Code::NOT_FOUND, "member"));
  auto snapshot = Snapshot(fixture(), p.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_TRUE(snapshot->seat_of.empty());
}

TEST_F(EnrollmentTest, ArchivedProgrammeTakesNoEnrolmentButKeepsItsRoster) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 5));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], nullptr));
  cv1::ArchiveProgramRequest archive;
  archive.set_program_id(p.id());
  cv1::Program archived;
  ASSERT_GRPC_OK(stub().ArchiveProgram(Ctx().get(), archive, &archived));
  EXPECT_THAT(Enroll(fixture(), p.id(), m_[1], nullptr),
              HasCodeAndMessage(Code::FAILED_PRECONDITION, "archived"));
  auto roster = ListAllRoster(fixture(), CohortId(p.id(), 1));
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_THAT(*roster, SizeIs(1));
  EXPECT_EQ((*roster)[0].member_id(), m_[0]);
}

TEST_F(EnrollmentTest, WithdrawFreesTheSeatAndItIsReused) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 2));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[0], nullptr));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[1], nullptr));  // cohort 1 FULL, cohort 2 opens
  cv1::WithdrawResponse w;
  ASSERT_GRPC_OK(Withdraw(fixture(), p.id(), m_[0], &w, Caller::kAcme, std::nullopt, "moved"));
  EXPECT_EQ(w.enrollment().status(), cv1::WITHDRAWN);
  EXPECT_EQ(w.enrollment().member_id(), m_[0]);
  EXPECT_TRUE(w.promoted_member_id().empty());
  EXPECT_FALSE(w.left_waitlist());
  ASSERT_FALSE(w.enrollment().history().empty());
  const cv1::HistoryEntry& last = *w.enrollment().history().rbegin();
  EXPECT_EQ(last.kind(), cv1::HISTORY_WITHDRAWN);
  EXPECT_EQ(last.from_cohort_id(), CohortId(p.id(), 1));
  EXPECT_EQ(last.reason(), "moved");
  cv1::Cohort first;
  ASSERT_GRPC_OK(GetCohort(fixture(), CohortId(p.id(), 1), &first));
  EXPECT_EQ(first.state(), cv1::OPEN) << "FULL returns to OPEN when a seat frees";
  EXPECT_EQ(first.seats_taken(), 1);
  // The next enrolment takes the freed seat 1 of cohort 1, not cohort 2.
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[2], &r));
  EXPECT_EQ(r.seat().cohort_number(), 1);
  EXPECT_EQ(r.seat().seat_number(), 1);
  // Withdrawing someone who holds nothing.
  EXPECT_THAT(Withdraw(fixture(), p.id(), m_[0], nullptr),
              HasCodeAndMessage(Code::NOT_FOUND, m_[0]));
  EXPECT_THAT(Withdraw(fixture(), p.id(), m_[5], nullptr), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(Withdraw(fixture(), UnknownIdLike(p.id()), m_[2], nullptr),
              HasCodeAndMessage(Code::NOT_FOUND, "program"));
  EXPECT_THAT(Withdraw(fixture(), p.id(), m_[2], nullptr, Caller::kAcme, std::nullopt,
                       std::string(501, 'x')),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "reason"));
  EXPECT_THAT(Withdraw(fixture(), p.id(), "", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
}

TEST_F(EnrollmentTest, WithdrawPromotesTheWaitlistHeadIntoTheSameSeat) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Queue", 2, cv1::WAITLIST));
  for (int i = 0; i < 5; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  // Seats: m0 -> 1, m1 -> 2; waiting: m2, m3, m4.
  cv1::WithdrawResponse w;
  ASSERT_GRPC_OK(Withdraw(fixture(), p.id(), m_[0], &w));
  EXPECT_EQ(w.promoted_member_id(), m_[2]);
  auto snapshot = Snapshot(fixture(), p.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->cohorts[0].state(), cv1::FULL) << "FULL stays FULL";
  EXPECT_EQ(snapshot->seat_of[m_[2]], std::make_pair(1, 1)) << "the freed seat number";
  ASSERT_THAT(snapshot->waitlist, SizeIs(2));
  EXPECT_EQ(snapshot->waitlist[0].member_id(), m_[3]);
  EXPECT_EQ(snapshot->waitlist[0].position(), 1);
  // The promoted member's enrolment says so.
  cv1::ListMemberEnrollmentsRequest request;
  request.set_member_id(m_[2]);
  cv1::ListMemberEnrollmentsResponse listed;
  ASSERT_GRPC_OK(stub().ListMemberEnrollments(Ctx().get(), request, &listed));
  ASSERT_THAT(listed.enrollments(), SizeIs(1));
  const cv1::Enrollment& e = listed.enrollments(0);
  EXPECT_EQ(e.status(), cv1::ACTIVE);
  EXPECT_EQ(e.seat().seat_number(), 1);
  ASSERT_THAT(e.history(), SizeIs(2));
  EXPECT_EQ(e.history(0).kind(), cv1::HISTORY_WAITLISTED);
  EXPECT_EQ(e.history(1).kind(), cv1::HISTORY_PROMOTED);
  EXPECT_EQ(e.history(1).cohort_id(), CohortId(p.id(), 1));

  // Leaving the waitlist is a withdrawal too; positions close up.
  cv1::WithdrawResponse left;
  ASSERT_GRPC_OK(Withdraw(fixture(), p.id(), m_[3], &left));
  EXPECT_TRUE(left.left_waitlist());
  EXPECT_TRUE(left.promoted_member_id().empty());
  auto waitlist = GetAllWaitlist(fixture(), p.id());
  ASSERT_TRUE(waitlist.ok()) << waitlist.status();
  ASSERT_THAT(*waitlist, SizeIs(1));
  EXPECT_EQ((*waitlist)[0].member_id(), m_[4]);
  EXPECT_EQ((*waitlist)[0].position(), 1);
  // Enrolling while waiting answers the position.
  cv1::EnrollResponse again;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[4], &again));
  EXPECT_EQ(again.result(), cv1::WAITLISTED);
  EXPECT_EQ(again.waitlist_position(), 1);
}

TEST_F(EnrollmentTest, StartedCohortFreesSeatsInsteadOfPromoting) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Queue", 2, cv1::WAITLIST));
  for (int i = 0; i < 3; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  cv1::Cohort started;
  ASSERT_GRPC_OK(StartCohort(fixture(), CohortId(p.id(), 1), false, &started));
  EXPECT_EQ(started.state(), cv1::RUNNING);
  cv1::WithdrawResponse w;
  ASSERT_GRPC_OK(Withdraw(fixture(), p.id(), m_[0], &w));
  EXPECT_TRUE(w.promoted_member_id().empty());
  auto snapshot = Snapshot(fixture(), p.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->cohorts[0].seats_taken(), 1);
  EXPECT_EQ(snapshot->cohorts[0].state(), cv1::RUNNING);
  ASSERT_THAT(snapshot->waitlist, SizeIs(1));
  EXPECT_EQ(snapshot->waitlist[0].member_id(), m_[2]);
}

TEST_F(EnrollmentTest, TransferMovesTheSeatAndRecordsIt) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Move", 2));
  for (int i = 0; i < 3; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  // Cohort 1: m0 (1), m1 (2) FULL; cohort 2: m2 (1).
  const std::string c1 = CohortId(p.id(), 1), c2 = CohortId(p.id(), 2);
  cv1::Enrollment moved;
  ASSERT_GRPC_OK(Transfer(fixture(), m_[0], c1, c2, &moved, Caller::kAcme, "move-1"));
  EXPECT_EQ(moved.status(), cv1::ACTIVE);
  EXPECT_EQ(moved.seat().cohort_id(), c2);
  EXPECT_EQ(moved.seat().seat_number(), 2);
  ASSERT_FALSE(moved.history().empty());
  const cv1::HistoryEntry& last = *moved.history().rbegin();
  EXPECT_EQ(last.kind(), cv1::HISTORY_TRANSFERRED);
  EXPECT_EQ(last.from_cohort_id(), c1);
  EXPECT_EQ(last.cohort_id(), c2);
  // Replay: same answer; the state did not move twice.
  cv1::Enrollment replay;
  ASSERT_GRPC_OK(Transfer(fixture(), m_[0], c1, c2, &replay, Caller::kAcme, "move-1"));
  EXPECT_THAT(replay, EqualsProto(moved));
  auto snapshot = Snapshot(fixture(), p.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->cohorts[0].seats_taken(), 1);
  EXPECT_EQ(snapshot->cohorts[0].state(), cv1::OPEN);
  EXPECT_EQ(snapshot->cohorts[1].seats_taken(), 2);

  // Into a full cohort: RESOURCE_EXHAUSTED naming it; nothing moves.
  EXPECT_THAT(Transfer(fixture(), m_[1], c1, c2, nullptr),
              HasCodeAndMessage(Code::RESOURCE_EXHAUSTED, c2));
  // Not seated there; unknown target; other programme; malformed ids.
  EXPECT_THAT(Transfer(fixture(), m_[2], c1, c2, nullptr), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(Transfer(fixture(), m_[1], c1, CohortId(p.id(), 9), nullptr),
              HasCodeAndMessage(Code::NOT_FOUND, CohortId(p.id(), 9)));
  const cv1::Program other = MustCreateProgram(fixture(), ProgramSpec("Other", 2));
  EXPECT_THAT(Transfer(fixture(), m_[1], c1, CohortId(other.id(), 1), nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "to_cohort_id"));
  EXPECT_THAT(Transfer(fixture(), m_[1], "nonsense", c2, nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "from_cohort_id"));
  EXPECT_THAT(Transfer(fixture(), m_[1], c1, c1 + ".x", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "to_cohort_id"));
  EXPECT_THAT(Transfer(fixture(), "", c1, c2, nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  // A closed target.
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), nullptr));
  ASSERT_GRPC_OK(CloseCohort(fixture(), CohortId(p.id(), 3), nullptr));
  EXPECT_THAT(Transfer(fixture(), m_[1], c1, CohortId(p.id(), 3), nullptr),
              HasCode(Code::FAILED_PRECONDITION));
}

TEST_F(EnrollmentTest, ListMemberEnrollmentsKeepsTheWholeHistory) {
  const cv1::Program a = MustCreateProgram(fixture(), ProgramSpec("A", 5));
  const cv1::Program b = MustCreateProgram(fixture(), ProgramSpec("B", 5));
  ASSERT_GRPC_OK(Enroll(fixture(), a.id(), m_[0], nullptr, Caller::kAcme, std::nullopt, "cli"));
  ASSERT_GRPC_OK(Withdraw(fixture(), a.id(), m_[0], nullptr, Caller::kAcme, std::nullopt, "busy"));
  ASSERT_GRPC_OK(Enroll(fixture(), b.id(), m_[0], nullptr));
  ASSERT_GRPC_OK(Enroll(fixture(), a.id(), m_[0], nullptr));

  cv1::ListMemberEnrollmentsRequest request;
  request.set_member_id(m_[0]);
  cv1::ListMemberEnrollmentsResponse listed;
  ASSERT_GRPC_OK(stub().ListMemberEnrollments(Ctx().get(), request, &listed));
  ASSERT_THAT(listed.enrollments(), SizeIs(2));
  // Oldest first enrolment first: A, then B.
  const cv1::Enrollment& in_a = listed.enrollments(0);
  const cv1::Enrollment& in_b = listed.enrollments(1);
  EXPECT_EQ(in_a.program_id(), a.id());
  EXPECT_EQ(in_b.program_id(), b.id());
  EXPECT_EQ(in_a.status(), cv1::ACTIVE);
  EXPECT_EQ(in_a.member_id(), m_[0]);
  std::vector<cv1::HistoryKind> kinds;
  for (const auto& h : in_a.history()) kinds.push_back(h.kind());
  EXPECT_THAT(kinds,
              ElementsAre(cv1::HISTORY_ENROLLED, cv1::HISTORY_WITHDRAWN, cv1::HISTORY_ENROLLED));
  EXPECT_EQ(in_a.history(1).reason(), "busy");
  EXPECT_LE(FromProto(in_a.enrolled_at()), FromProto(in_a.history(2).at()));
  EXPECT_EQ(FromProto(in_a.enrolled_at()), FromProto(in_a.history(0).at()))
      << "enrolled_at is the first entry into the programme";
  EXPECT_EQ(in_b.status(), cv1::ACTIVE);

  // Someone never enrolled: an empty list; malformed id: INVALID_ARGUMENT.
  request.set_member_id(m_[5]);
  ASSERT_GRPC_OK(stub().ListMemberEnrollments(Ctx().get(), request, &listed));
  EXPECT_THAT(listed.enrollments(), IsEmpty());
  request.set_member_id("");
  EXPECT_THAT(stub().ListMemberEnrollments(Ctx().get(), request, &listed),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
}

TEST_F(EnrollmentTest, ProgramStatsCountSeatsStatesAndDays) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Stats", 2));
  for (int i = 0; i < 3; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  cv1::GetProgramStatsRequest request;
  request.set_program_id(p.id());
  request.set_days(7);
  cv1::ProgramStats stats;
  ASSERT_GRPC_OK(stub().GetProgramStats(Ctx().get(), request, &stats));
  EXPECT_EQ(stats.program().id(), p.id());
  EXPECT_EQ(stats.total_enrolled(), 3);
  EXPECT_EQ(stats.waitlist_length(), 0);
  ASSERT_THAT(stats.cohorts(), SizeIs(2));
  EXPECT_EQ(stats.cohorts(0).cohort().state(), cv1::FULL);
  EXPECT_DOUBLE_EQ(stats.cohorts(0).fill_ratio(), 1.0);
  EXPECT_GE(stats.cohorts(0).time_to_fill_seconds(), 0);
  EXPECT_LE(stats.cohorts(0).time_to_fill_seconds(), 60);
  EXPECT_EQ(stats.cohorts(0).time_to_fill_seconds(),
            stats.cohorts(0).cohort().full_at().seconds() -
                stats.cohorts(0).cohort().opened_at().seconds());
  EXPECT_DOUBLE_EQ(stats.cohorts(1).fill_ratio(), 0.5);
  ASSERT_THAT(stats.enrollments_per_day(), SizeIs(7));
  const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone());
  EXPECT_EQ(stats.enrollments_per_day(6).date(), today);
  EXPECT_EQ(stats.enrollments_per_day(6).enrollments(), 3);
  EXPECT_EQ(stats.enrollments_per_day(0).enrollments(), 0);
  EXPECT_EQ(stats.enrollments_per_day(0).date(),
            absl::FormatTime("%Y-%m-%d", absl::Now() - absl::Hours(24 * 6), absl::UTCTimeZone()));

  request.set_days(0);
  ASSERT_GRPC_OK(stub().GetProgramStats(Ctx().get(), request, &stats));
  EXPECT_THAT(stats.enrollments_per_day(), SizeIs(30));
  request.set_days(367);
  EXPECT_THAT(stub().GetProgramStats(Ctx().get(), request, &stats),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "days"));
  request.set_days(-1);
  EXPECT_THAT(stub().GetProgramStats(Ctx().get(), request, &stats),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "days"));
  request.set_days(1);
  request.set_program_id(UnknownIdLike(p.id()));
  EXPECT_THAT(stub().GetProgramStats(Ctx().get(), request, &stats),
              HasCodeAndMessage(Code::NOT_FOUND, "program"));
}

TEST_F(EnrollmentTest, StatsOfAWaitlistProgrammeCountTheQueue) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Queue", 2, cv1::WAITLIST));
  for (int i = 0; i < 5; ++i) ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m_[i], nullptr));
  cv1::GetProgramStatsRequest request;
  request.set_program_id(p.id());
  request.set_days(1);
  cv1::ProgramStats stats;
  ASSERT_GRPC_OK(stub().GetProgramStats(Ctx().get(), request, &stats));
  EXPECT_EQ(stats.total_enrolled(), 2);
  EXPECT_EQ(stats.waitlist_length(), 3);
  EXPECT_EQ(stats.program().waitlist_length(), 3);
  ASSERT_THAT(stats.enrollments_per_day(), SizeIs(1));
  // Enrolments per day count seats taken; joining the waitlist is not an enrolment.
  EXPECT_EQ(stats.enrollments_per_day(0).enrollments(), 2);
}

}  // namespace
}  // namespace dunbar::testing
