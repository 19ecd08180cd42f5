// The invariants of issue 3 under real concurrency: many client threads over real gRPC against a
// real Redis. No cohort above capacity, seats unique within 1..capacity, a member at most once per
// programme, every ENROLLED answer backed by the roster, retries never double-apply.
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;

struct Answer {
  grpc::Status status;
  cv1::EnrollResponse response;
};

class EnrollRaceTest : public CohortIntegrationTest {
 protected:
  std::vector<std::string> Members(int n) {
    auto members = MakeMembers(fixture(), n);
    EXPECT_TRUE(members.ok()) << members.status();
    return members.ok() ? *members : std::vector<std::string>{};
  }

  // Every member enrolled once, from `threads` threads; answers by member index.
  std::vector<Answer> EnrollAll(const std::string& program_id,
                                const std::vector<std::string>& members, int threads) {
    std::vector<Answer> answers(members.size());
    RunConcurrently(threads, static_cast<int>(members.size()), [&](int i) {
      answers[i].status = Enroll(fixture(), program_id, members[i], &answers[i].response,
                                 Caller::kAcme, absl::StrCat("enroll-", members[i]));
    });
    return answers;
  }

  // Each ENROLLED / ALREADY_ENROLLED answer names the seat the roster shows.
  static void ExpectAnswersBackedByRosters(const ProgramSnapshot& snapshot,
                                           const std::vector<std::string>& members,
                                           const std::vector<Answer>& answers) {
    for (size_t i = 0; i < members.size(); ++i) {
      const cv1::EnrollResponse& r = answers[i].response;
      if (!answers[i].status.ok() || r.result() == cv1::WAITLISTED) continue;
      const auto seat = snapshot.seat_of.find(members[i]);
      ASSERT_NE(seat, snapshot.seat_of.end()) << members[i] << " was told " << r.ShortDebugString();
      EXPECT_EQ(r.seat().cohort_number(), seat->second.first) << members[i];
      EXPECT_EQ(r.seat().seat_number(), seat->second.second) << members[i];
      EXPECT_EQ(r.seat().cohort_id(), CohortId(snapshot.program.id(), seat->second.first));
    }
  }
};

TEST_F(EnrollRaceTest, ThousandMembersFromSixtyFourThreadsFillSevenCohortsExactly) {
  constexpr int kMembers = 1000;
  constexpr int kCapacity = 150;
  const std::vector<std::string> members = Members(kMembers);
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Race", kCapacity));
  ASSERT_FALSE(program.id().empty());

  const std::vector<Answer> answers = EnrollAll(program.id(), members, 64);

  int filled = 0;
  std::set<int> opened;
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_GRPC_OK(answers[i].status) << members[i];
    const cv1::EnrollResponse& r = answers[i].response;
    EXPECT_EQ(r.result(), cv1::ENROLLED) << members[i];
    EXPECT_EQ(r.seat().cohort_name(), absl::StrCat("Race ", r.seat().cohort_number()));
    if (r.cohort_filled()) ++filled;
    if (r.has_opened_cohort()) {
      EXPECT_TRUE(r.cohort_filled()) << "a cohort opened without one filling";
      EXPECT_TRUE(opened.insert(r.opened_cohort().number()).second) << "opened twice";
      EXPECT_EQ(r.opened_cohort().number(), r.seat().cohort_number() + 1);
      EXPECT_EQ(r.opened_cohort().state(), cv1::OPEN);
      EXPECT_EQ(r.opened_cohort().seats_taken(), 0);
    }
  }
  EXPECT_EQ(filled, 6);
  EXPECT_EQ(opened, (std::set<int>{2, 3, 4, 5, 6, 7}));

  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  ASSERT_EQ(snapshot->cohorts.size(), 7u);
  const std::vector<int> expected_sizes = {150, 150, 150, 150, 150, 150, 100};
  for (size_t c = 0; c < 7; ++c) {
    const cv1::Cohort& cohort = snapshot->cohorts[c];
    EXPECT_EQ(cohort.number(), static_cast<int>(c) + 1);
    EXPECT_EQ(cohort.capacity(), kCapacity);
    EXPECT_EQ(cohort.seats_taken(), expected_sizes[c]) << cohort.id();
    EXPECT_EQ(cohort.state(), c < 6 ? cv1::FULL : cv1::OPEN) << cohort.id();
  }
  EXPECT_EQ(snapshot->seat_of.size(), static_cast<size_t>(kMembers));
  for (const std::string& member : members) EXPECT_EQ(snapshot->seat_of.count(member), 1u);
  EXPECT_TRUE(snapshot->waitlist.empty());
  ExpectAnswersBackedByRosters(*snapshot, members, answers);
}

TEST_F(EnrollRaceTest, WaitlistModeSeatsOneCohortAndQueuesTheRestInOrder) {
  constexpr int kMembers = 1000;
  const std::vector<std::string> members = Members(kMembers);
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));
  const cv1::Program program =
      MustCreateProgram(fixture(), ProgramSpec("Queue", 150, cv1::WAITLIST));

  const std::vector<Answer> answers = EnrollAll(program.id(), members, 64);

  int enrolled = 0;
  std::map<int, std::string> by_position;
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_GRPC_OK(answers[i].status) << members[i];
    const cv1::EnrollResponse& r = answers[i].response;
    EXPECT_FALSE(r.has_opened_cohort()) << "WAITLIST programmes never open cohorts by themselves";
    if (r.result() == cv1::ENROLLED) {
      ++enrolled;
      EXPECT_EQ(r.seat().cohort_number(), 1);
    } else {
      ASSERT_EQ(r.result(), cv1::WAITLISTED) << r.ShortDebugString();
      EXPECT_TRUE(by_position.emplace(r.waitlist_position(), members[i]).second)
          << "position " << r.waitlist_position() << " given twice";
    }
  }
  EXPECT_EQ(enrolled, 150);
  ASSERT_EQ(by_position.size(), 850u);
  EXPECT_EQ(by_position.begin()->first, 1);
  EXPECT_EQ(by_position.rbegin()->first, 850);

  auto snapshot = Snapshot(fixture(), program.id(), 200);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  ASSERT_EQ(snapshot->cohorts.size(), 1u);
  EXPECT_EQ(snapshot->cohorts[0].seats_taken(), 150);
  EXPECT_EQ(snapshot->cohorts[0].state(), cv1::FULL);
  ASSERT_EQ(snapshot->waitlist.size(), 850u);
  // The queue is in the order the answers promised.
  for (const cv1::WaitlistEntry& entry : snapshot->waitlist) {
    EXPECT_EQ(by_position[entry.position()], entry.member_id()) << "position " << entry.position();
  }
  ExpectAnswersBackedByRosters(*snapshot, members, answers);
}

TEST_F(EnrollRaceTest, RetriedRequestsRacingTheirOriginalsGetTheSameAnswerAndNoExtraSeat) {
  const int kMembers = UnderThreadSanitizer() ? 160 : 400;
  const std::vector<std::string> members = Members(kMembers);
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Retry", 150));

  // Item 2i and 2i+1 are the same request (same id): a client retrying while the first is in
  // flight.
  std::vector<Answer> answers(2 * members.size());
  RunConcurrently(64, static_cast<int>(answers.size()), [&](int item) {
    const std::string& member = members[item / 2];
    answers[item].status = Enroll(fixture(), program.id(), member, &answers[item].response,
                                  Caller::kAcme, absl::StrCat("retry-", member));
  });
  std::vector<Answer> first(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    ASSERT_GRPC_OK(answers[2 * i].status) << members[i];
    ASSERT_GRPC_OK(answers[2 * i + 1].status) << members[i];
    EXPECT_THAT(answers[2 * i + 1].response, EqualsProto(answers[2 * i].response)) << members[i];
    EXPECT_EQ(answers[2 * i].response.result(), cv1::ENROLLED) << members[i];
    first[i] = answers[2 * i];
  }

  // A third, sequential retry long after: still the same answer, although the state moved on.
  for (size_t i = 0; i < members.size(); i += 37) {
    cv1::EnrollResponse again;
    ASSERT_GRPC_OK(Enroll(fixture(), program.id(), members[i], &again, Caller::kAcme,
                          absl::StrCat("retry-", members[i])));
    EXPECT_THAT(again, EqualsProto(first[i].response));
  }

  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->seat_of.size(), members.size());
  int seats = 0;
  for (const cv1::Cohort& cohort : snapshot->cohorts) seats += cohort.seats_taken();
  EXPECT_EQ(seats, kMembers) << "a retry took a second seat";
  ExpectAnswersBackedByRosters(*snapshot, members, first);
}

TEST_F(EnrollRaceTest, NewRequestIdsForSeatedMembersAnswerAlreadyEnrolledWithTheirSeat) {
  const int kMembers = 120;
  const std::vector<std::string> members = Members(kMembers);
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Twice", 50));
  // Two different requests per member race each other: exactly one seat each.
  std::vector<Answer> answers(2 * members.size());
  RunConcurrently(32, static_cast<int>(answers.size()), [&](int item) {
    answers[item].status =
        Enroll(fixture(), program.id(), members[item / 2], &answers[item].response);
  });
  for (size_t i = 0; i < members.size(); ++i) {
    const Answer& a = answers[2 * i];
    const Answer& b = answers[2 * i + 1];
    ASSERT_GRPC_OK(a.status);
    ASSERT_GRPC_OK(b.status);
    std::multiset<cv1::EnrollResult> results = {a.response.result(), b.response.result()};
    EXPECT_EQ(results, (std::multiset<cv1::EnrollResult>{cv1::ENROLLED, cv1::ALREADY_ENROLLED}))
        << members[i];
    EXPECT_THAT(a.response.seat(), EqualsProto(b.response.seat())) << members[i];
  }
  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->seat_of.size(), members.size());
  ASSERT_EQ(snapshot->cohorts.size(), 3u);  // 50 + 50 + 20
  EXPECT_EQ(snapshot->cohorts[2].seats_taken(), 20);
}

// Enrolments of new members race withdrawals of seated ones; each member gets one operation, so
// the end state is known exactly.
void RaceEnrolmentsAndWithdrawals(CohortFixture& f, cv1::RolloverPolicy policy) {
  constexpr int kSeated = 60;
  constexpr int kNewcomers = 90;
  constexpr int kWithdrawn = 45;
  auto made = MakeMembers(f, kSeated + kNewcomers);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::vector<std::string>& members = *made;
  const cv1::Program program = MustCreateProgram(f, ProgramSpec("Churn", 20, policy));
  for (int i = 0; i < kSeated; ++i) {
    ASSERT_GRPC_OK(Enroll(f, program.id(), members[i], nullptr));
  }

  std::vector<grpc::Status> statuses(members.size());
  std::vector<cv1::WithdrawResponse> withdrawals(members.size());
  // Interleaved so the two kinds really overlap: w, n, n, w, n, n, ...
  std::vector<std::pair<bool, int>> ops;  // (withdraw?, member index)
  for (int w = 0, n = 0; w < kWithdrawn || n < kNewcomers;) {
    if (w < kWithdrawn) ops.push_back({true, w++});
    if (n < kNewcomers) ops.push_back({false, kSeated + n++});
    if (n < kNewcomers) ops.push_back({false, kSeated + n++});
  }
  RunConcurrently(32, static_cast<int>(ops.size()), [&](int item) {
    const auto [withdraw, index] = ops[item];
    statuses[index] = withdraw ? Withdraw(f, program.id(), members[index], &withdrawals[index])
                               : Enroll(f, program.id(), members[index], nullptr);
  });

  std::set<std::string> expected;
  for (int i = kWithdrawn; i < kSeated + kNewcomers; ++i) expected.insert(members[i]);
  for (const auto& [withdraw, index] : ops) {
    EXPECT_THAT(statuses[index], HasCode(Code::OK))
        << (withdraw ? "withdraw " : "enrol ") << members[index];
    if (withdraw) {
      EXPECT_EQ(withdrawals[index].enrollment().status(), cv1::WITHDRAWN);
    }
  }

  auto snapshot = Snapshot(f, program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  std::set<std::string> placed;
  for (const auto& [member, seat] : snapshot->seat_of) placed.insert(member);
  for (const auto& entry : snapshot->waitlist) placed.insert(entry.member_id());
  EXPECT_EQ(placed, expected);
  if (policy == cv1::WAITLIST) {
    ASSERT_EQ(snapshot->cohorts.size(), 1u);
    // A freed seat in a cohort that has not started never stays empty while someone waits.
    EXPECT_EQ(snapshot->cohorts[0].seats_taken(), 20);
    EXPECT_EQ(snapshot->waitlist.size(), expected.size() - 20);
  } else {
    EXPECT_TRUE(snapshot->waitlist.empty());
    EXPECT_EQ(snapshot->seat_of.size(), expected.size());
  }
}

TEST_F(EnrollRaceTest, WithdrawalsRacingEnrolmentsKeepTheInvariantsWithAWaitlist) {
  RaceEnrolmentsAndWithdrawals(fixture(), cv1::WAITLIST);
}

TEST_F(EnrollRaceTest, WithdrawalsRacingEnrolmentsKeepTheInvariantsWithAutoOpen) {
  RaceEnrolmentsAndWithdrawals(fixture(), cv1::AUTO_OPEN_NEXT);
}

// Random enrol / withdraw / retry traffic on a small crowd: whatever the interleaving, the
// invariants hold and every member's last acknowledged operation decides where it is.
TEST_F(EnrollRaceTest, RandomChurnOnASmallCrowdKeepsTheInvariants) {
  constexpr int kMembers = 24;
  const int kOps = UnderThreadSanitizer() ? 300 : 800;
  const std::vector<std::string> members = Members(kMembers);
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));
  for (cv1::RolloverPolicy policy : {cv1::WAITLIST, cv1::AUTO_OPEN_NEXT}) {
    SCOPED_TRACE(cv1::RolloverPolicy_Name(policy));
    const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Chaos", 3, policy));
    // Each member is driven by one thread at a time (member = item % kMembers, serialized by a
    // per-member mutex) so its final state is known; different members race freely.
    std::vector<std::mutex> locks(kMembers);
    std::vector<char> inside(kMembers, 0);  // not vector<bool>: threads write neighbours
    std::vector<int> unexpected(kMembers, 0);
    RunConcurrently(16, kOps, [&](int item) {
      const int m = item % kMembers;
      std::lock_guard<std::mutex> lock(locks[m]);
      std::mt19937 random(item);
      if (random() % 2 == 0) {
        cv1::EnrollResponse r;
        grpc::Status s = Enroll(fixture(), program.id(), members[m], &r);
        if (!s.ok()) ++unexpected[m];
        const cv1::EnrollResult want = inside[m] ? cv1::ALREADY_ENROLLED : cv1::ENROLLED;
        if (s.ok() && r.result() != cv1::WAITLISTED && r.result() != want) ++unexpected[m];
        if (s.ok()) inside[m] = true;
      } else {
        grpc::Status s = Withdraw(fixture(), program.id(), members[m], nullptr);
        const Code want = inside[m] ? Code::OK : Code::NOT_FOUND;
        if (s.error_code() != want) ++unexpected[m];
        inside[m] = false;
      }
    });
    for (int m = 0; m < kMembers; ++m) EXPECT_EQ(unexpected[m], 0) << members[m];
    auto snapshot = Snapshot(fixture(), program.id());
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    ExpectInvariants(*snapshot);
    std::set<std::string> placed;
    for (const auto& [member, seat] : snapshot->seat_of) placed.insert(member);
    for (const auto& entry : snapshot->waitlist) placed.insert(entry.member_id());
    std::set<std::string> expected;
    for (int m = 0; m < kMembers; ++m) {
      if (inside[m]) expected.insert(members[m]);
    }
    EXPECT_EQ(placed, expected);
    if (policy == cv1::WAITLIST && !snapshot->waitlist.empty()) {
      for (const cv1::Cohort& cohort : snapshot->cohorts) {
        if (cohort.state() == cv1::OPEN)
          ADD_FAILURE() << cohort.id() << " has room while members wait";
      }
    }
  }
}

TEST_F(EnrollRaceTest, CapacityOneOpensACohortPerMember) {
  const std::vector<std::string> members = Members(12);
  ASSERT_EQ(members.size(), 12u);
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Solo", 1));
  const std::vector<Answer> answers = EnrollAll(program.id(), members, 12);
  for (const Answer& a : answers) {
    ASSERT_GRPC_OK(a.status);
    EXPECT_EQ(a.response.result(), cv1::ENROLLED);
    EXPECT_EQ(a.response.seat().seat_number(), 1);
    EXPECT_TRUE(a.response.cohort_filled());
    EXPECT_EQ(a.response.opened_cohort().number(), a.response.seat().cohort_number() + 1);
  }
  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  // 12 full cohorts of one, and the 13th opened by the last enrolment, empty.
  ASSERT_EQ(snapshot->cohorts.size(), 13u);
  for (int c = 0; c < 12; ++c) {
    EXPECT_EQ(snapshot->cohorts[c].seats_taken(), 1);
    EXPECT_EQ(snapshot->cohorts[c].state(), cv1::FULL);
  }
  EXPECT_EQ(snapshot->cohorts[12].seats_taken(), 0);
  EXPECT_EQ(snapshot->cohorts[12].state(), cv1::OPEN);
}

TEST_F(EnrollRaceTest, CapacityTwoFillsInPairs) {
  const std::vector<std::string> members = Members(9);
  ASSERT_EQ(members.size(), 9u);
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Pairs", 2));
  const std::vector<Answer> answers = EnrollAll(program.id(), members, 9);
  for (const Answer& a : answers) ASSERT_GRPC_OK(a.status);
  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  ASSERT_EQ(snapshot->cohorts.size(), 5u);
  for (int c = 0; c < 4; ++c) EXPECT_EQ(snapshot->cohorts[c].seats_taken(), 2);
  EXPECT_EQ(snapshot->cohorts[4].seats_taken(), 1);
  EXPECT_EQ(snapshot->cohorts[4].state(), cv1::OPEN);
  ExpectAnswersBackedByRosters(*snapshot, members, answers);
}

TEST_F(EnrollRaceTest, CapacityOneWaitlistPromotesOneAtATime) {
  const std::vector<std::string> members = Members(6);
  ASSERT_EQ(members.size(), 6u);
  const cv1::Program program =
      MustCreateProgram(fixture(), ProgramSpec("Single", 1, cv1::WAITLIST));
  const std::vector<Answer> answers = EnrollAll(program.id(), members, 6);
  std::string seated;
  std::map<int, std::string> queue;
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_GRPC_OK(answers[i].status);
    if (answers[i].response.result() == cv1::ENROLLED) {
      EXPECT_TRUE(seated.empty()) << "two members in a cohort of one";
      seated = members[i];
    } else {
      queue[answers[i].response.waitlist_position()] = members[i];
    }
  }
  ASSERT_FALSE(seated.empty());
  ASSERT_EQ(queue.size(), 5u);
  // Withdrawing the seated member promotes the head into seat 1; the cohort stays FULL.
  cv1::WithdrawResponse withdrawn;
  ASSERT_GRPC_OK(Withdraw(fixture(), program.id(), seated, &withdrawn));
  EXPECT_EQ(withdrawn.promoted_member_id(), queue[1]);
  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  ASSERT_EQ(snapshot->rosters[1].size(), 1u);
  EXPECT_EQ(snapshot->rosters[1][0].member_id(), queue[1]);
  EXPECT_EQ(snapshot->rosters[1][0].seat_number(), 1);
  EXPECT_EQ(snapshot->cohorts[0].state(), cv1::FULL);
  ASSERT_EQ(snapshot->waitlist.size(), 4u);
  EXPECT_EQ(snapshot->waitlist[0].member_id(), queue[2]);
}

// Two transfers race for the last seat of a cohort: exactly one wins, the other is
// RESOURCE_EXHAUSTED, and the target never exceeds its capacity.
TEST_F(EnrollRaceTest, TwoTransfersIntoTheLastSeatOnlyOneWins) {
  const int kRounds = UnderThreadSanitizer() ? 5 : 15;
  const std::vector<std::string> members = Members(3);
  ASSERT_EQ(members.size(), 3u);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Move", 2));
    for (const std::string& m : members)
      ASSERT_GRPC_OK(Enroll(fixture(), program.id(), m, nullptr));
    // Cohort 1: members 0 and 1 (FULL); cohort 2: member 2, one free seat.
    const std::string from = CohortId(program.id(), 1);
    const std::string to = CohortId(program.id(), 2);
    std::vector<grpc::Status> statuses(2);
    RunConcurrently(
        2, 2, [&](int i) { statuses[i] = Transfer(fixture(), members[i], from, to, nullptr); });
    std::multiset<Code> codes = {statuses[0].error_code(), statuses[1].error_code()};
    EXPECT_EQ(codes, (std::multiset<Code>{Code::OK, Code::RESOURCE_EXHAUSTED}))
        << ::testing::PrintToString(statuses[0]) << " / " << ::testing::PrintToString(statuses[1]);
    auto snapshot = Snapshot(fixture(), program.id());
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    ExpectInvariants(*snapshot);
    EXPECT_EQ(snapshot->rosters[2].size(), 2u);
    EXPECT_EQ(snapshot->rosters[1].size(), 1u);
    EXPECT_EQ(snapshot->cohorts[0].state(), cv1::OPEN);
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace dunbar::testing
