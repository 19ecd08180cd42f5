// Durability: the cohort's Redis crashes (SIGKILL) and restarts on the same data dir (AOF with
// appendfsync always) in the middle of a burst of enrolments from many threads. Every enrolment
// that was acknowledged is still there with the same seat, clients retrying with the same request
// id get the same answer, and the invariants hold.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;

class RedisRestartTest : public CohortIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    CohortFixtureOptions options;
    options.cohort_redis_args = {"--appendfsync", "always"};
    options.redis_command_timeout = absl::Milliseconds(500);
    StartSuiteFixture(std::move(options));
  }

  void TearDown() override {
    if (!fixture().redis_process().running()) {
      EXPECT_TRUE(fixture().RestartCohortRedis().ok());
    }
  }
};

// Acknowledgements counted so the crash lands mid-burst, not before or after it.
class AckCounter {
 public:
  void Add() {
    std::lock_guard<std::mutex> lock(mu_);
    ++acks_;
    cv_.notify_all();
  }
  bool WaitFor(int n, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return acks_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int acks_ = 0;
};

TEST_F(RedisRestartTest, AcknowledgedEnrolmentsSurviveACrashMidBurst) {
  const int kMembers = UnderThreadSanitizer() ? 300 : 600;
  constexpr int kCapacity = 150;
  auto made = MakeMembers(fixture(), kMembers);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::vector<std::string>& members = *made;
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Durable", kCapacity));
  ASSERT_FALSE(program.id().empty());

  struct Outcome {
    std::vector<grpc::Status> failures;  // attempts refused during the outage
    bool acknowledged = false;
    cv1::EnrollResponse first_ack;
    cv1::EnrollResponse last_ack;
  };
  std::vector<Outcome> outcomes(members.size());
  AckCounter acks;

  // Each member's request is retried with the same id until it is acknowledged.
  std::thread burst([&] {
    RunConcurrently(32, kMembers, [&](int i) {
      Outcome& outcome = outcomes[i];
      const std::string request_id = absl::StrCat("durable-", members[i]);
      const absl::Time deadline = absl::Now() + absl::Seconds(30);
      while (absl::Now() < deadline) {
        cv1::EnrollResponse r;
        grpc::Status s = Enroll(fixture(), program.id(), members[i], &r, Caller::kAcme, request_id);
        if (s.ok()) {
          outcome.acknowledged = true;
          outcome.first_ack = r;
          acks.Add();
          break;
        }
        outcome.failures.push_back(s);
        absl::SleepFor(absl::Milliseconds(20));  // client retry backoff
      }
    });
  });
  // The crash, from this thread (the redis-server child dies with the thread that forked it).
  // Mid-burst: a third of the members are in.
  const bool mid_burst = acks.WaitFor(kMembers / 3, absl::Seconds(30));
  fixture().KillCohortRedis();
  // Down long enough for in-flight and new calls to fail (a fault's duration, not a sync).
  absl::SleepFor(absl::Milliseconds(300));
  absl::Status restarted = fixture().RestartCohortRedis();
  burst.join();
  ASSERT_TRUE(mid_burst);
  ASSERT_TRUE(restarted.ok()) << restarted;

  int failed_attempts = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    ASSERT_TRUE(outcomes[i].acknowledged) << members[i] << " never got in";
    for (const grpc::Status& s : outcomes[i].failures) {
      ++failed_attempts;
      // An outage is UNAVAILABLE (or a deadline); never INTERNAL, never a Redis message.
      EXPECT_TRUE(s.error_code() == Code::UNAVAILABLE || s.error_code() == Code::DEADLINE_EXCEEDED)
          << members[i] << ": " << ::testing::PrintToString(s);
      EXPECT_EQ(s.error_message().find("ERR"), std::string::npos) << s.error_message();
    }
    // The replay of an acknowledged request is the same answer.
    ASSERT_GRPC_OK(Enroll(fixture(), program.id(), members[i], &outcomes[i].last_ack, Caller::kAcme,
                          absl::StrCat("durable-", members[i])));
    EXPECT_THAT(outcomes[i].last_ack, EqualsProto(outcomes[i].first_ack)) << members[i];
  }
  EXPECT_GT(failed_attempts, 0) << "the crash did not hit the burst";

  auto snapshot = Snapshot(fixture(), program.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->seat_of.size(), members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    const auto seat = snapshot->seat_of.find(members[i]);
    ASSERT_NE(seat, snapshot->seat_of.end()) << "acknowledged enrolment lost: " << members[i];
    EXPECT_EQ(seat->second.first, outcomes[i].first_ack.seat().cohort_number()) << members[i];
    EXPECT_EQ(seat->second.second, outcomes[i].first_ack.seat().seat_number()) << members[i];
  }
  const int full_cohorts = kMembers / kCapacity;
  ASSERT_EQ(snapshot->cohorts.size(), static_cast<size_t>(full_cohorts + 1));
  for (int c = 0; c < full_cohorts; ++c) {
    EXPECT_EQ(snapshot->cohorts[c].seats_taken(), kCapacity);
    EXPECT_EQ(snapshot->cohorts[c].state(), cv1::FULL);
  }
  EXPECT_EQ(snapshot->cohorts[full_cohorts].seats_taken(), kMembers % kCapacity);
}

TEST_F(RedisRestartTest, StateWrittenBeforeAGracefulStopIsThereAfterRestart) {
  auto made = MakeMembers(fixture(), 5);
  ASSERT_TRUE(made.ok()) << made.status();
  const cv1::Program program = MustCreateProgram(fixture(), ProgramSpec("Kept", 2, cv1::WAITLIST));
  for (const std::string& m : *made) ASSERT_GRPC_OK(Enroll(fixture(), program.id(), m, nullptr));
  auto before = Snapshot(fixture(), program.id());
  ASSERT_TRUE(before.ok()) << before.status();

  fixture().StopCohortRedis();
  grpc::Status during = Enroll(fixture(), program.id(), (*made)[0], nullptr);
  EXPECT_THAT(during, HasCode(Code::UNAVAILABLE));
  ASSERT_TRUE(fixture().RestartCohortRedis().ok());

  auto after = Snapshot(fixture(), program.id());
  ASSERT_TRUE(after.ok()) << after.status();
  ExpectInvariants(*after);
  EXPECT_EQ(after->seat_of, before->seat_of);
  ASSERT_EQ(after->waitlist.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(after->waitlist[i].member_id(), before->waitlist[i].member_id());
  }
  // And the service works again (scripts reloaded after the restart).
  cv1::WithdrawResponse withdrawn;
  ASSERT_GRPC_OK(Withdraw(fixture(), program.id(), after->rosters[1][0].member_id(), &withdrawn));
  EXPECT_EQ(withdrawn.promoted_member_id(), before->waitlist[0].member_id());
}

}  // namespace
}  // namespace dunbar::testing
