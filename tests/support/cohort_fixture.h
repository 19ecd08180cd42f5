// The cohort service in-process for integration tests, next to the membership service it calls:
// membership on its own redis-server (MembershipFixture), the cohort keyspace on a second
// redis-server (unix socket, AOF on) so tests can restart the cohort's Redis alone, a TokenStore of
// the cohort's own, the CohortServer talking to membership over real loopback gRPC with a service
// token, a ServerRunner on 127.0.0.1:0 and a CohortService stub.
//
//   auto f = CohortFixture::Start();                          // StatusOr<unique_ptr<...>>
//   cv1::Program p = MustCreateProgram(**f, ProgramSpec("Deep Work", 150));
//   auto members = MakeMembers(**f, 10);                      // real members in membership
//   cv1::EnrollResponse r;
//   grpc::Status s = Enroll(**f, p.id(), (*members)[0], &r);
//   (*f)->StopMembership();                                   // cached admissions still work
//   auto snapshot = Snapshot(**f, p.id());                    // cohorts, rosters, waitlist
//   ExpectInvariants(*snapshot);
//
// Suites derive from CohortIntegrationTest: one fixture per suite, both Redis servers emptied
// before every test. A suite that needs other options defines its own SetUpTestSuite calling
// StartSuiteFixture(options).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "services/cohort/cohort_server.h"
#include "tests/support/membership_fixture.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::testing {

namespace cv1 = ::dunbar::cohort::v1;

struct CohortFixtureOptions {
  // membership_token is filled in by the fixture (the membership fixture's service token).
  cohort::CohortOptions cohort;
  // Appended to the cohort's redis-server command line, e.g. {"--appendfsync", "always"}.
  std::vector<std::string> cohort_redis_args;
  MembershipFixtureOptions membership;
  absl::Duration redis_command_timeout = absl::Seconds(2);
  absl::Duration health_probe_interval = absl::Milliseconds(100);
};

class CohortFixture {
 public:
  static absl::StatusOr<std::unique_ptr<CohortFixture>> Start(CohortFixtureOptions options = {});
  ~CohortFixture();
  CohortFixture(const CohortFixture&) = delete;
  CohortFixture& operator=(const CohortFixture&) = delete;

  cv1::CohortService::Stub& stub() { return *stub_; }
  MembershipFixture& membership() { return *membership_; }
  cohort::CohortServer& cohort() { return *cohort_; }
  // The cohort keyspace's Redis (not membership's).
  redis::RedisClient& redis() { return *redis_; }
  RedisServerProcess& redis_process() { return *redis_process_; }
  int port() const { return port_; }

  // A call context for the cohort service with a deadline and the caller's token.
  std::unique_ptr<grpc::ClientContext> Context(Caller caller,
                                               absl::Duration timeout = absl::Seconds(10)) const;
  const std::string& token(Caller caller) const { return tokens_.token(caller); }

  // Empties both Redis servers (data only; scripts stay cached).
  absl::Status FlushAll();
  // The cohort's Redis: graceful stop, crash, and restart on the same dir (AOF replayed; returns
  // once the service's Probe passes again). Call these from the test's main thread: the
  // redis-server child dies with the thread that started it (PR_SET_PDEATHSIG).
  void StopCohortRedis();
  void KillCohortRedis();
  absl::Status RestartCohortRedis();
  // Polls CohortServer::EntitlementFeedLive; DEADLINE_EXCEEDED if it is not live in time.
  absl::Status WaitForFeedLive(absl::Duration timeout = absl::Seconds(10));
  // The opposite: waits until the service has noticed its feed ended.
  absl::Status WaitForFeedDown(absl::Duration timeout = absl::Seconds(10));
  // Membership goes away and comes back on the same port (its Redis keeps the data).
  void StopMembership() { membership_->StopMembership(); }
  absl::Status StartMembership() { return membership_->StartMembership(); }

 private:
  CohortFixture() = default;
  absl::Status WaitForFeed(bool live, absl::Duration timeout);

  CohortFixtureOptions options_;
  std::unique_ptr<MembershipFixture> membership_;
  std::unique_ptr<RedisServerProcess> redis_process_;
  std::shared_ptr<redis::RedisClient> redis_;
  TestTokens tokens_;
  std::unique_ptr<cohort::CohortServer> cohort_;
  std::unique_ptr<server::ServerRunner> runner_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cv1::CohortService::Stub> stub_;
};

class CohortIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartSuiteFixture({}); }
  static void TearDownTestSuite();
  void SetUp() override;

  static void StartSuiteFixture(CohortFixtureOptions options);
  static CohortFixture& fixture() { return *shared_fixture_; }
  static cv1::CohortService::Stub& stub() { return shared_fixture_->stub(); }
  static std::unique_ptr<grpc::ClientContext> Ctx(Caller caller = Caller::kAcme,
                                                  absl::Duration timeout = absl::Seconds(10)) {
    return shared_fixture_->Context(caller, timeout);
  }

 private:
  static std::unique_ptr<CohortFixture> shared_fixture_;
};

// ---- Calls (as acme unless told; a service caller names "acme") ----

// A programme to create: capacity, policy, and whether entry needs an entitlement.
cv1::Program ProgramSpec(const std::string& name, int capacity,
                         cv1::RolloverPolicy policy = cv1::AUTO_OPEN_NEXT,
                         bool requires_entitlement = false);
grpc::Status CreateProgram(CohortFixture& f, const cv1::Program& program, cv1::Program* out,
                           Caller caller = Caller::kAcme,
                           const std::optional<std::string>& request_id = std::nullopt);
// Creates it or fails the current test.
cv1::Program MustCreateProgram(CohortFixture& f, const cv1::Program& program,
                               Caller caller = Caller::kAcme);
grpc::Status Enroll(CohortFixture& f, const std::string& program_id, const std::string& member_id,
                    cv1::EnrollResponse* out, Caller caller = Caller::kAcme,
                    const std::optional<std::string>& request_id = std::nullopt,
                    const std::string& source = "");
grpc::Status Withdraw(CohortFixture& f, const std::string& program_id, const std::string& member_id,
                      cv1::WithdrawResponse* out, Caller caller = Caller::kAcme,
                      const std::optional<std::string>& request_id = std::nullopt,
                      const std::string& reason = "");
grpc::Status Transfer(CohortFixture& f, const std::string& member_id, const std::string& from,
                      const std::string& to, cv1::Enrollment* out, Caller caller = Caller::kAcme,
                      const std::optional<std::string>& request_id = std::nullopt);
grpc::Status GetCohort(CohortFixture& f, const std::string& cohort_id, cv1::Cohort* out,
                       Caller caller = Caller::kAcme);
grpc::Status OpenNextCohort(CohortFixture& f, const std::string& program_id,
                            cv1::OpenNextCohortResponse* out, Caller caller = Caller::kAcme,
                            const std::optional<std::string>& request_id = std::nullopt);
grpc::Status StartCohort(CohortFixture& f, const std::string& cohort_id, bool allow_late,
                         cv1::Cohort* out, Caller caller = Caller::kAcme);
grpc::Status CloseCohort(CohortFixture& f, const std::string& cohort_id, cv1::Cohort* out,
                         Caller caller = Caller::kAcme);
// "<program id>.<number>".
std::string CohortId(const std::string& program_id, int number);

// ---- Membership side ----

// `n` new members in membership (one import stream, then listed), in `caller`'s tenant; their ids.
absl::StatusOr<std::vector<std::string>> MakeMembers(CohortFixture& f, int n,
                                                     Caller caller = Caller::kAcme);
grpc::Status GrantEntitlement(CohortFixture& f, const std::string& member_id,
                              const std::string& program_id, const std::string& order_id);
grpc::Status RevokeEntitlement(CohortFixture& f, const std::string& order_id);

// ---- Whole-state reads and the invariants ----

absl::StatusOr<std::vector<cv1::Cohort>> ListAllCohorts(CohortFixture& f,
                                                        const std::string& program_id,
                                                        int page_size = 500,
                                                        Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<cv1::RosterEntry>> ListAllRoster(CohortFixture& f,
                                                            const std::string& cohort_id,
                                                            int page_size = 500,
                                                            Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<cv1::WaitlistEntry>> GetAllWaitlist(CohortFixture& f,
                                                               const std::string& program_id,
                                                               int page_size = 500,
                                                               Caller caller = Caller::kAcme);

// Everything the service says about one programme, read through the API.
struct ProgramSnapshot {
  cv1::Program program;
  std::vector<cv1::Cohort> cohorts;                      // by number
  std::map<int, std::vector<cv1::RosterEntry>> rosters;  // cohort number -> entries by seat
  std::vector<cv1::WaitlistEntry> waitlist;              // by position
  // member id -> (cohort number, seat) for seated members.
  std::map<std::string, std::pair<int, int>> seat_of;
};
absl::StatusOr<ProgramSnapshot> Snapshot(CohortFixture& f, const std::string& program_id,
                                         int page_size = 500);

// The invariants of issue 3 on one snapshot (gtest expectations): cohorts numbered 1..N, no cohort
// above capacity, seats_taken = roster size, seats unique within 1..capacity, OPEN/FULL agree
// with the counts, each member at most one seat or waitlist place, waitlist positions 1..length.
void ExpectInvariants(const ProgramSnapshot& snapshot);

// ---- Concurrency ----

// Runs `work(i)` for i in [0, items) on `threads` threads (each takes the next index).
void RunConcurrently(int threads, int items, const std::function<void(int item)>& work);

// True in a ThreadSanitizer build (5-10x slower): optional races may scale themselves down.
bool UnderThreadSanitizer();

}  // namespace dunbar::testing
