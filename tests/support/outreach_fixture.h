// The outreach service in-process for integration tests, with the two services it calls: membership
// (MembershipFixture), cohort and outreach, each on its own redis-server (unix socket, AOF on),
// each behind a ServerRunner on 127.0.0.1 (port 0 the first time, the same port after a restart),
// and real loopback gRPC between them. Outreach presents the service token to membership and
// cohort; its worker consumes cohort's and membership's event streams from their own Redis servers.
//
// One set of tokens is valid on all three services (Caller::kAcme / kGlobex operator tokens, the
// kService token), so Context(caller) works with every stub.
//
// Time: all three services read the fixture's clock (real time plus an atomic offset), so tests can
// move days forward: AdvanceDays(1) is "tomorrow" for plans, cooldowns, warmth and follow-ups.
//
//   auto f = OutreachFixture::Start();                          // StatusOr<unique_ptr<...>>
//   (*f)->SetNow(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone()));
//   auto members = MakeMembers(**f, 20);                        // warmest first
//   ov1::Policy policy = MustSetPolicy(**f, PolicySpec(5));     // quota 5, Mon..Fri, UTC
//   ov1::DailyPlan plan;
//   grpc::Status s = GetDailyPlan(**f, "", &plan);              // today's plan
//   (*f)->StopCohort();                                         // generating -> UNAVAILABLE
//   (*f)->AdvanceDays(1);
//   (*f)->RestartOutreach();                                    // a crash: same Redis, new server
//
// Suites derive from OutreachIntegrationTest: one fixture per suite; every test starts with three
// empty Redis servers, the clock back at its start time and all services running. A suite that
// needs other options defines its own SetUpTestSuite calling StartSuiteFixture(options).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "dunbar/outreach/v1/outreach.grpc.pb.h"
#include "services/cohort/cohort_server.h"
#include "services/outreach/outreach_server.h"
#include "tests/support/cohort_fixture.h"
#include "tests/support/membership_fixture.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::server {
class ServerRunner;
}

namespace dunbar::testing {

namespace ov1 = ::dunbar::outreach::v1;

// Outreach options suited to tests: one worker thread (consumer "fixture-1") polling every 20 ms,
// reclaiming entries idle for 300 ms (6x under TSan), re-reading the tenant list every 100 ms,
// dead-lettering after the default 5 attempts; cross-service timeouts stretched 6x under TSan.
outreach::OutreachOptions TestOutreachOptions();

struct OutreachFixtureOptions {
  // service_token and the clocks (domain and worker) are filled in by the fixture. run_worker
  // (default true) runs the worker threads inside the outreach server.
  outreach::OutreachOptions outreach = TestOutreachOptions();
  // membership_token and clock are filled in by the fixture.
  cohort::CohortOptions cohort;
  // clock is filled in by the fixture.
  MembershipFixtureOptions membership;
  // Appended to the redis-server command lines, e.g. {"--appendfsync", "always"}.
  std::vector<std::string> cohort_redis_args;
  std::vector<std::string> outreach_redis_args;
  // Where the fixture clock starts (and returns to at Reset): InfiniteFuture = real time.
  absl::Time start_time = absl::InfiniteFuture();
  absl::Duration redis_command_timeout = absl::Seconds(2);
  absl::Duration health_probe_interval = absl::Milliseconds(100);
};

class OutreachFixture {
 public:
  static absl::StatusOr<std::unique_ptr<OutreachFixture>> Start(
      OutreachFixtureOptions options = {});
  ~OutreachFixture();
  OutreachFixture(const OutreachFixture&) = delete;
  OutreachFixture& operator=(const OutreachFixture&) = delete;

  // ---- Stubs (valid across restarts: the ports never change) ----
  ov1::OutreachService::Stub& stub() { return *outreach_stub_; }
  cv1::CohortService::Stub& cohort_stub() { return *cohort_stub_; }
  mv1::MembershipService::Stub& membership_stub() { return membership_->stub(); }

  // A call context with a deadline (stretched under TSan) and the caller's token; the same tokens
  // work on all three services.
  std::unique_ptr<grpc::ClientContext> Context(Caller caller = Caller::kAcme,
                                               absl::Duration timeout = absl::Seconds(10)) const;
  const std::string& token(Caller caller) const { return membership_->token(caller); }

  // ---- The parts ----
  MembershipFixture& membership() { return *membership_; }
  // Only while running (see StopCohort / RestartOutreach).
  cohort::CohortServer& cohort() { return *cohort_; }
  outreach::OutreachServer& outreach() { return *outreach_; }
  // The domain of the running outreach server (tests may call worker handlers directly).
  outreach::OutreachDomain& domain() { return outreach_->domain(); }
  // Each service's own Redis.
  redis::RedisClient& outreach_redis() { return *outreach_redis_; }
  redis::RedisClient& cohort_redis() { return *cohort_redis_; }
  redis::RedisClient& membership_redis() { return membership_->redis(); }
  const std::shared_ptr<redis::RedisClient>& outreach_redis_client() const {
    return outreach_redis_;
  }
  const std::shared_ptr<redis::RedisClient>& cohort_redis_client() const { return cohort_redis_; }
  RedisServerProcess& outreach_redis_process() { return *outreach_redis_process_; }
  RedisServerProcess& cohort_redis_process() { return *cohort_redis_process_; }
  // What the worker reads: its store and the three Redis clients (for OutreachWorker::ReadStatus,
  // or an extra OutreachWorker a test drives by hand with RunOnce).
  outreach::WorkerDeps worker_deps();
  const OutreachFixtureOptions& options() const { return options_; }
  int outreach_port() const { return outreach_port_; }
  int cohort_port() const { return cohort_port_; }

  // ---- The clock (all three services) ----
  absl::Time Now() const;
  // From now on Now() is `t` plus the real time elapsed since this call.
  void SetNow(absl::Time t);
  void Advance(absl::Duration d);
  void AdvanceDays(int days) { Advance(absl::Hours(24 * days)); }
  // The local date "YYYY-MM-DD" of Now() in `timezone` (IANA name).
  std::string Today(const std::string& timezone = "UTC") const;
  // The clock function the services read (thread-safe; valid as long as the fixture).
  std::function<absl::Time()> clock() const;

  // ---- Outages and restarts ----
  // Cohort goes away (drain, as on SIGTERM) and comes back on the same port (its Redis keeps the
  // data).
  void StopCohort();
  absl::Status StartCohort();
  bool cohort_running() const { return cohort_runner_ != nullptr; }
  void StopMembership() { membership_->StopMembership(); }
  absl::Status StartMembership() { return membership_->StartMembership(); }
  // The outreach server (API and worker threads) is destroyed and a new one starts on the same
  // Redis and port: a crash or a pod restart. Its worker consumers get new names
  // ("<consumer>-r<generation>-<n>"), as a new pod's would, so the old consumer's pending entries
  // are left for reclaiming. `options` (if given) replace the outreach options from now on
  // (service token and clocks still filled in).
  absl::Status RestartOutreach(std::optional<outreach::OutreachOptions> options = std::nullopt);
  // Only the outreach server goes away (its Redis stays up); StartOutreach brings it back.
  void StopOutreach();
  absl::Status StartOutreach();
  bool outreach_running() const { return outreach_runner_ != nullptr; }

  // ---- Between tests ----
  // Empties the three Redis servers (scripts stay cached).
  absl::Status FlushAll();
  // Everything running again (membership, cohort, outreach with the options given at Start), the
  // clock back at its start, the three Redis servers empty.
  absl::Status Reset();

 private:
  OutreachFixture() = default;
  outreach::OutreachOptions CompleteOutreachOptions(outreach::OutreachOptions options) const;

  OutreachFixtureOptions options_;
  outreach::OutreachOptions outreach_options_;  // the ones in force (RestartOutreach may replace)
  int outreach_generation_ = 0;
  // Nanoseconds added to absl::Now(); shared with the clock functions the services hold.
  std::shared_ptr<std::atomic<int64_t>> clock_offset_ns_ =
      std::make_shared<std::atomic<int64_t>>(0);
  std::shared_ptr<auth::TokenStore> tokens_;

  std::unique_ptr<MembershipFixture> membership_;

  std::unique_ptr<RedisServerProcess> cohort_redis_process_;
  redis::RedisOptions cohort_redis_options_;
  std::shared_ptr<redis::RedisClient> cohort_redis_;
  std::unique_ptr<cohort::CohortServer> cohort_;
  std::unique_ptr<server::ServerRunner> cohort_runner_;
  int cohort_port_ = 0;
  std::shared_ptr<grpc::Channel> cohort_channel_;
  std::unique_ptr<cv1::CohortService::Stub> cohort_stub_;

  std::unique_ptr<RedisServerProcess> outreach_redis_process_;
  redis::RedisOptions outreach_redis_options_;
  std::shared_ptr<redis::RedisClient> outreach_redis_;
  // Outreach's own client for membership's Redis (where membership's event streams live).
  std::shared_ptr<redis::RedisClient> membership_events_redis_;
  // A store on outreach's Redis for worker_deps() (the server's own is not exposed).
  std::shared_ptr<outreach::OutreachStore> worker_store_;
  std::unique_ptr<outreach::OutreachServer> outreach_;
  std::unique_ptr<server::ServerRunner> outreach_runner_;
  int outreach_port_ = 0;
  std::shared_ptr<grpc::Channel> outreach_channel_;
  std::unique_ptr<ov1::OutreachService::Stub> outreach_stub_;
};

class OutreachIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartSuiteFixture({}); }
  static void TearDownTestSuite();
  // Reset(): empty Redis servers, clock at its start, everything running.
  void SetUp() override;

  static void StartSuiteFixture(OutreachFixtureOptions options);
  static OutreachFixture& fixture() { return *shared_fixture_; }
  static ov1::OutreachService::Stub& stub() { return shared_fixture_->stub(); }
  static std::unique_ptr<grpc::ClientContext> Ctx(Caller caller = Caller::kAcme,
                                                  absl::Duration timeout = absl::Seconds(10)) {
    return shared_fixture_->Context(caller, timeout);
  }

 private:
  static std::unique_ptr<OutreachFixture> shared_fixture_;
};

// ---- Waiting ----

// Polls `condition` every 10 ms until it is true; DEADLINE_EXCEEDED naming `what` after `timeout`
// (stretched 6x under TSan).
absl::Status WaitFor(const std::function<bool()>& condition, const std::string& what,
                     absl::Duration timeout = absl::Seconds(10));

// ---- Membership side (as `caller`, acme by default) ----

struct MemberSpec {
  // Each member gets `interactions` interactions of `kind`. Member i's interactions are `spacing`
  // older than member i-1's, so the members rank strictly warmest first in the order returned.
  int interactions = 1;
  mv1::InteractionKind kind = mv1::COMMENTED;
  absl::Duration spacing = absl::Minutes(10);
  std::vector<std::string> tags;
  // Every member gets this connection point description ("" = none).
  std::string connection_point;
};
// `n` new members (one import) with interactions ending at the fixture's Now(); ids warmest first.
absl::StatusOr<std::vector<std::string>> MakeMembers(OutreachFixture& f, int n,
                                                     const MemberSpec& spec = {},
                                                     Caller caller = Caller::kAcme);
absl::StatusOr<mv1::Member> GetMember(OutreachFixture& f, const std::string& member_id,
                                      Caller caller = Caller::kAcme);
// The member's interactions, newest first (all pages).
absl::StatusOr<std::vector<mv1::Interaction>> ListInteractions(OutreachFixture& f,
                                                               const std::string& member_id,
                                                               Caller caller = Caller::kAcme);
// An interaction at the fixture's Now() (or `at`).
grpc::Status RecordInteraction(OutreachFixture& f, const std::string& member_id,
                               mv1::InteractionKind kind,
                               std::optional<absl::Time> at = std::nullopt,
                               Caller caller = Caller::kAcme);
grpc::Status SetDoNotContact(OutreachFixture& f, const std::string& member_id, bool value,
                             Caller caller = Caller::kAcme);

// ---- Cohort side ----

// A programme (see ProgramSpec in cohort_fixture.h for the shape) with this capacity and policy.
grpc::Status CreateProgram(OutreachFixture& f, int capacity, cv1::RolloverPolicy policy,
                           cv1::Program* out, Caller caller = Caller::kAcme,
                           const std::string& name = "");
// Creates it or fails the current test.
cv1::Program MustCreateProgram(OutreachFixture& f, int capacity,
                               cv1::RolloverPolicy policy = cv1::AUTO_OPEN_NEXT,
                               Caller caller = Caller::kAcme, const std::string& name = "");
grpc::Status EnrollInCohort(OutreachFixture& f, const std::string& program_id,
                            const std::string& member_id, cv1::EnrollResponse* out = nullptr,
                            Caller caller = Caller::kAcme);
grpc::Status OpenNextCohort(OutreachFixture& f, const std::string& program_id,
                            cv1::OpenNextCohortResponse* out = nullptr,
                            Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<cv1::Enrollment>> ListMemberEnrollments(OutreachFixture& f,
                                                                   const std::string& member_id,
                                                                   Caller caller = Caller::kAcme);
absl::StatusOr<cv1::Program> GetProgram(OutreachFixture& f, const std::string& program_id,
                                        Caller caller = Caller::kAcme);

// ---- Outreach side (a service caller names tenant "acme") ----

// A policy with this quota; the rest as given (defaults otherwise).
ov1::Policy PolicySpec(int daily_quota, const std::string& timezone = "UTC",
                       const std::string& target_program_id = "",
                       std::vector<ov1::Weekday> weekdays = {});
grpc::Status SetPolicy(OutreachFixture& f, const ov1::Policy& policy, ov1::Policy* out = nullptr,
                       Caller caller = Caller::kAcme);
ov1::Policy MustSetPolicy(OutreachFixture& f, const ov1::Policy& policy,
                          Caller caller = Caller::kAcme);
grpc::Status GetPolicy(OutreachFixture& f, ov1::Policy* out, Caller caller = Caller::kAcme);
// `date` "" = today in the policy's timezone.
grpc::Status GetDailyPlan(OutreachFixture& f, const std::string& date, ov1::DailyPlan* out,
                          Caller caller = Caller::kAcme);
ov1::DailyPlan MustGetDailyPlan(OutreachFixture& f, const std::string& date = "",
                                Caller caller = Caller::kAcme);
grpc::Status GetTask(OutreachFixture& f, const std::string& task_id, ov1::Task* out,
                     Caller caller = Caller::kAcme);
// Without `request_id` a fresh one is made.
grpc::Status CompleteTask(OutreachFixture& f, const std::string& task_id, ov1::Outcome outcome,
                          ov1::CompleteTaskResponse* out = nullptr, Caller caller = Caller::kAcme,
                          const std::optional<std::string>& request_id = std::nullopt,
                          const std::string& note = "");
grpc::Status SnoozeTask(OutreachFixture& f, const std::string& task_id,
                        const std::string& until_date, ov1::Task* out = nullptr,
                        Caller caller = Caller::kAcme);
// Every task matching the filters (all pages).
absl::StatusOr<std::vector<ov1::Task>> ListAllTasks(OutreachFixture& f,
                                                    ov1::ListTasksRequest request,
                                                    int page_size = 500,
                                                    Caller caller = Caller::kAcme);
// A campaign for `program_id` at `daily_pace` (segment: any contact; start today, open-ended).
ov1::Campaign CampaignSpec(const std::string& name, const std::string& program_id,
                           int daily_pace = 2);
grpc::Status CreateCampaign(OutreachFixture& f, const ov1::Campaign& campaign, ov1::Campaign* out,
                            Caller caller = Caller::kAcme,
                            const std::optional<std::string>& request_id = std::nullopt);
ov1::Campaign MustCreateCampaign(OutreachFixture& f, const ov1::Campaign& campaign,
                                 Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<ov1::Campaign>> ListAllCampaigns(OutreachFixture& f, int page_size = 500,
                                                            Caller caller = Caller::kAcme);
grpc::Status GetFunnel(OutreachFixture& f, const ov1::GetFunnelRequest& request, ov1::Funnel* out,
                       Caller caller = Caller::kAcme);
grpc::Status GetWorkerStatus(OutreachFixture& f, ov1::WorkerStatus* out,
                             Caller caller = Caller::kAcme);
absl::StatusOr<std::vector<ov1::DeadLetter>> ListAllDeadLetters(OutreachFixture& f,
                                                                int page_size = 500,
                                                                Caller caller = Caller::kAcme);
// Waits until the task's effects are APPLIED (or FAILED); answers the task as last read.
absl::StatusOr<ov1::Task> WaitForEffects(OutreachFixture& f, const std::string& task_id,
                                         absl::Duration timeout = absl::Seconds(10),
                                         Caller caller = Caller::kAcme);

}  // namespace dunbar::testing
