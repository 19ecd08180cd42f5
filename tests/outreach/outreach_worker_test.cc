// The outreach worker against real redis-servers and the real OutreachStore, with recording
// handlers: delivery to the right handler, reclaim from a dead consumer, dead letters, replay,
// delayed jobs, several consumers sharing the work, counters and ReadStatus.
#include "services/outreach/outreach_worker.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/json_log.h"
#include "common/queue/stream_consumer.h"
#include "gtest/gtest.h"
#include "services/outreach/outreach_store.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::outreach {
namespace {

using ::dunbar::testing::RedisServerProcess;
using Clock = std::chrono::steady_clock;

constexpr char kTenant[] = "acme";
const std::string kCohortEvents = "dunbar:cohort:{acme}:events";
const std::string kMembershipEvents = "dunbar:membership:{acme}:events";

// Records every call as "<kind> <tenant> <args...>"; a call can be told to fail N times (or
// forever, N < 0) before it succeeds.
class RecordingHandlers : public WorkerHandlers {
 public:
  absl::Status OnCohortOpened(const std::string& tenant, const std::string& program_id,
                              int32_t cohort_number) override {
    return Record(absl::StrCat("opened ", tenant, " ", program_id, " ", cohort_number));
  }
  absl::Status OnMemberChanged(const std::string& tenant, const std::string& member_id,
                               bool deleted) override {
    return Record(absl::StrCat("member ", tenant, " ", member_id, deleted ? " deleted" : ""));
  }
  absl::Status ApplyTaskEffects(const std::string& tenant, const std::string& task_id) override {
    return Record(absl::StrCat("effects ", tenant, " ", task_id));
  }
  absl::Status CreateFollowUp(const std::string& tenant, const std::string& source_task_id,
                              const std::string& date) override {
    return Record(absl::StrCat("follow_up ", tenant, " ", source_task_id, " ", date));
  }

  void FailNext(const std::string& call, int times) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_[call] = times;
  }
  // Successful calls per call text.
  std::map<std::string, int> succeeded() const {
    std::lock_guard<std::mutex> lock(mu_);
    return succeeded_;
  }
  int attempts(const std::string& call) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = attempts_.find(call);
    return it == attempts_.end() ? 0 : it->second;
  }
  int total_succeeded() const {
    std::lock_guard<std::mutex> lock(mu_);
    int total = 0;
    for (const auto& [call, n] : succeeded_) total += n;
    return total;
  }

 private:
  absl::Status Record(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    ++attempts_[call];
    auto failing = failures_.find(call);
    if (failing != failures_.end() && failing->second != 0) {
      if (failing->second > 0) --failing->second;
      return absl::UnavailableError(absl::StrCat("handler down for ", call));
    }
    ++succeeded_[call];
    return absl::OkStatus();
  }

  mutable std::mutex mu_;
  std::map<std::string, int> failures_;
  std::map<std::string, int> attempts_;
  std::map<std::string, int> succeeded_;
};

// A settable clock shared by workers and tests.
class TestClock {
 public:
  absl::Time Now() const { return absl::FromUnixMillis(ms_.load()); }
  void Set(absl::Time t) { ms_.store(absl::ToUnixMillis(t)); }
  std::function<absl::Time()> AsFunction() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<int64_t> ms_{absl::ToUnixMillis(absl::Now())};
};

std::shared_ptr<redis::RedisClient> Connect(const RedisServerProcess& server) {
  redis::RedisOptions options;
  options.url = server.url();
  options.pool_size = 16;
  absl::StatusOr<std::shared_ptr<redis::RedisClient>> client = redis::RedisClient::Connect(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *client : nullptr;
}

class OutreachWorkerTest : public ::testing::Test {
 protected:
  // Outreach's keyspace on one server; cohort's and membership's event streams on another, so a
  // worker reading the wrong server fails the tests.
  static void SetUpTestSuite() {
    outreach_server_ = new RedisServerProcess();
    events_server_ = new RedisServerProcess();
    ASSERT_TRUE(outreach_server_->Start().ok());
    ASSERT_TRUE(events_server_->Start().ok());
  }
  static void TearDownTestSuite() {
    delete outreach_server_;
    delete events_server_;
  }

  void SetUp() override {
    log::SetEnabled(false);  // failure and lag lines are expected here
    outreach_redis_ = Connect(*outreach_server_);
    events_redis_ = Connect(*events_server_);
    ASSERT_NE(outreach_redis_, nullptr);
    ASSERT_NE(events_redis_, nullptr);
    ASSERT_TRUE(outreach_redis_->Command({"FLUSHALL"}).ok());
    ASSERT_TRUE(events_redis_->Command({"FLUSHALL"}).ok());
    store_ = std::make_shared<OutreachStore>(outreach_redis_, OutreachStore::Options());
    ASSERT_TRUE(store_->LoadScripts().ok());
    ASSERT_TRUE(store_->RegisterTenant(kTenant).ok());
    deps_ = {store_, outreach_redis_, events_redis_, events_redis_};
    handlers_ = std::make_shared<RecordingHandlers>();
  }
  void TearDown() override { log::SetEnabled(true); }

  WorkerOptions Options(const std::string& consumer) {
    WorkerOptions options;
    options.consumer = consumer;
    options.poll_interval = absl::Milliseconds(10);
    options.min_idle_for_reclaim = absl::Milliseconds(200);
    options.max_attempts = 3;
    options.tenant_refresh = absl::Milliseconds(100);
    options.clock = clock_.AsFunction();
    return options;
  }

  std::unique_ptr<OutreachWorker> Worker(const std::string& consumer) {
    return std::make_unique<OutreachWorker>(deps_, handlers_, Options(consumer));
  }

  std::string Add(redis::RedisClient& client, const std::string& key,
                  const std::vector<std::string>& fields) {
    std::vector<std::string> command = {"XADD", key, "*"};
    command.insert(command.end(), fields.begin(), fields.end());
    absl::StatusOr<redis::RedisReply> reply = client.Command(command);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->str() : "";
  }
  std::string AddCohortEvent(const std::vector<std::string>& fields) {
    return Add(*events_redis_, kCohortEvents, fields);
  }
  std::string AddMembershipEvent(const std::vector<std::string>& fields) {
    return Add(*events_redis_, kMembershipEvents, fields);
  }
  std::string AddJob(const std::vector<std::string>& fields) {
    return Add(*outreach_redis_, OutreachStore::JobStreamKey(kTenant), fields);
  }

  int RunOnce(OutreachWorker& worker) {
    absl::StatusOr<int> work = worker.RunOnce();
    EXPECT_TRUE(work.ok()) << work.status();
    return work.ok() ? *work : -1;
  }

  // Runs rounds until `done` holds, up to 20 s (TSan-tolerant).
  bool RunUntil(OutreachWorker& worker, const std::function<bool()>& done) {
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      if (RunOnce(worker) < 0) return false;
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  static bool WaitFor(const std::function<bool()>& done) {
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  v1::WorkerStatus Status() {
    absl::StatusOr<v1::WorkerStatus> status =
        OutreachWorker::ReadStatus(deps_, kTenant, clock_.Now());
    EXPECT_TRUE(status.ok()) << status.status();
    return status.ok() ? *status : v1::WorkerStatus();
  }

  std::vector<v1::DeadLetter> DeadLetters() {
    absl::StatusOr<DeadLetterPage> page = store_->ListDeadLetters(kTenant, "", 100);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->dead_letters : std::vector<v1::DeadLetter>();
  }

  static RedisServerProcess* outreach_server_;
  static RedisServerProcess* events_server_;
  std::shared_ptr<redis::RedisClient> outreach_redis_;
  std::shared_ptr<redis::RedisClient> events_redis_;
  std::shared_ptr<OutreachStore> store_;
  WorkerDeps deps_;
  std::shared_ptr<RecordingHandlers> handlers_;
  TestClock clock_;
};

RedisServerProcess* OutreachWorkerTest::outreach_server_ = nullptr;
RedisServerProcess* OutreachWorkerTest::events_server_ = nullptr;

void ExpectStream(const v1::StreamStatus& s, const std::string& source, const std::string& key,
                  const std::string& group, int64_t lag, int64_t pending, int32_t consumers) {
  EXPECT_EQ(s.source(), source);
  EXPECT_EQ(s.stream(), key);
  EXPECT_EQ(s.group(), group);
  EXPECT_EQ(s.lag(), lag) << source;
  EXPECT_EQ(s.pending(), pending) << source;
  EXPECT_EQ(s.consumers(), consumers) << source;
}

TEST_F(OutreachWorkerTest, CohortOpenedReachesHandlerOnce) {
  std::unique_ptr<OutreachWorker> worker = Worker("w1");
  EXPECT_EQ(RunOnce(*worker), 0);  // creates the groups: events from now on

  AddCohortEvent({"type", "cohort.opened", "program_id", "p1", "cohort_number", "3"});
  AddCohortEvent({"type", "cohort.full", "program_id", "p1", "cohort_number", "3"});
  EXPECT_EQ(RunOnce(*worker), 2);
  EXPECT_EQ(RunOnce(*worker), 0);

  EXPECT_EQ(handlers_->succeeded(), (std::map<std::string, int>{{"opened acme p1 3", 1}}));
  const WorkerCounters c = worker->counters();
  EXPECT_EQ(c.handled, 1);
  EXPECT_EQ(c.ignored, 1);
  EXPECT_EQ(c.failed, 0);
  EXPECT_EQ(c.reclaimed, 0);
  EXPECT_EQ(c.dead_lettered, 0);

  v1::WorkerStatus status = Status();
  ASSERT_EQ(status.streams_size(), 3);
  ExpectStream(status.streams(0), "cohort-events", kCohortEvents, "outreach", 0, 0, 1);
  ExpectStream(status.streams(1), "membership-events", kMembershipEvents, "outreach", 0, 0, 1);
  ExpectStream(status.streams(2), "jobs", OutreachStore::JobStreamKey(kTenant), "outreach-worker",
               0, 0, 1);
  EXPECT_EQ(status.delayed_jobs(), 0);
  EXPECT_EQ(status.delayed_jobs_due(), 0);
  EXPECT_EQ(status.dead_letters(), 0);
}

TEST_F(OutreachWorkerTest, MembershipEventsReachOnMemberChanged) {
  std::unique_ptr<OutreachWorker> worker = Worker("w1");
  EXPECT_EQ(RunOnce(*worker), 0);
  AddMembershipEvent({"type", "member.deleted", "member_id", "m1"});
  AddMembershipEvent({"type", "member.updated", "member_id", "m2", "change", "preference"});
  AddMembershipEvent({"type", "interaction.recorded", "member_id", "m2", "kind", "LIKED"});
  EXPECT_EQ(RunOnce(*worker), 3);
  EXPECT_EQ(handlers_->succeeded(),
            (std::map<std::string, int>{{"member acme m1 deleted", 1}, {"member acme m2", 1}}));
  EXPECT_EQ(worker->counters().handled, 2);
  EXPECT_EQ(worker->counters().ignored, 1);
}

TEST_F(OutreachWorkerTest, JobsWrittenBeforeTheFirstRoundAreNotLost) {
  AddJob({"type", "task.effects", "task_id", "t1"});
  std::unique_ptr<OutreachWorker> worker = Worker("w1");
  EXPECT_EQ(RunOnce(*worker), 1);
  EXPECT_EQ(handlers_->succeeded(), (std::map<std::string, int>{{"effects acme t1", 1}}));
}

TEST_F(OutreachWorkerTest, EntriesOfADeadConsumerAreReclaimedAndFinishedOnce) {
  WorkerOptions options = Options("worker-b");
  options.min_idle_for_reclaim = absl::Milliseconds(500);  // room for the "not yet" check (TSan)
  auto b = std::make_unique<OutreachWorker>(deps_, handlers_, options);
  EXPECT_EQ(RunOnce(*b), 0);
  for (int i = 1; i <= 3; ++i) {
    AddMembershipEvent({"type", "member.updated", "member_id", absl::StrCat("m", i)});
  }
  {
    // Consumer A reads the entries and dies before acknowledging any.
    queue::StreamConsumer a(events_redis_, kMembershipEvents,
                            {.group = "outreach", .consumer = "worker-a"});
    absl::StatusOr<std::vector<queue::StreamEntry>> held = a.ReadNew(10);
    ASSERT_TRUE(held.ok()) << held.status();
    ASSERT_EQ(held->size(), 3u);
  }
  EXPECT_EQ(RunOnce(*b), 0);  // not idle long enough: still A's
  EXPECT_EQ(Status().streams(1).pending(), 3);

  ASSERT_TRUE(RunUntil(*b, [&] { return b->counters().handled == 3; }));
  EXPECT_EQ(handlers_->succeeded(),
            (std::map<std::string, int>{
                {"member acme m1", 1}, {"member acme m2", 1}, {"member acme m3", 1}}));
  const WorkerCounters c = b->counters();
  EXPECT_EQ(c.reclaimed, 3);
  EXPECT_EQ(c.failed, 0);
  // Nothing left for anyone, however long we wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(RunOnce(*b), 0);
  EXPECT_EQ(handlers_->total_succeeded(), 3);
  ExpectStream(Status().streams(1), "membership-events", kMembershipEvents, "outreach", 0, 0, 2);
}

TEST_F(OutreachWorkerTest, FailedEntryIsRetriedUntilItSucceeds) {
  WorkerOptions options = Options("w1");
  options.min_idle_for_reclaim = absl::ZeroDuration();  // retry on the next round
  OutreachWorker worker(deps_, handlers_, options);
  EXPECT_EQ(RunOnce(worker), 0);
  handlers_->FailNext("effects acme t1", 2);
  AddJob({"type", "task.effects", "task_id", "t1"});

  EXPECT_EQ(RunOnce(worker), 0);  // delivery 1 fails
  EXPECT_EQ(RunOnce(worker), 0);  // delivery 2 fails
  EXPECT_EQ(Status().streams(2).pending(), 1);
  EXPECT_EQ(RunOnce(worker), 1);  // delivery 3 succeeds (max_attempts 3 is not exceeded)
  EXPECT_EQ(handlers_->attempts("effects acme t1"), 3);
  EXPECT_EQ(handlers_->succeeded(), (std::map<std::string, int>{{"effects acme t1", 1}}));
  const WorkerCounters c = worker.counters();
  EXPECT_EQ(c.failed, 2);
  EXPECT_EQ(c.reclaimed, 2);
  EXPECT_EQ(c.handled, 1);
  EXPECT_EQ(c.dead_lettered, 0);
  EXPECT_EQ(Status().streams(2).pending(), 0);
  EXPECT_TRUE(DeadLetters().empty());
}

TEST_F(OutreachWorkerTest, PoisonEntryIsDeadLetteredThenReplayed) {
  WorkerOptions options = Options("w1");
  options.min_idle_for_reclaim = absl::ZeroDuration();
  OutreachWorker worker(deps_, handlers_, options);
  EXPECT_EQ(RunOnce(worker), 0);
  handlers_->FailNext("opened acme p9 2", -1);
  const std::string entry_id =
      AddCohortEvent({"type", "cohort.opened", "program_id", "p9", "cohort_number", "2"});

  EXPECT_EQ(RunOnce(worker), 0);
  EXPECT_EQ(RunOnce(worker), 0);
  EXPECT_EQ(RunOnce(worker), 1);  // third failure: dead-lettered and acknowledged
  EXPECT_EQ(RunOnce(worker), 0);
  EXPECT_EQ(handlers_->attempts("opened acme p9 2"), 3);

  std::vector<v1::DeadLetter> letters = DeadLetters();
  ASSERT_EQ(letters.size(), 1u);
  const v1::DeadLetter& letter = letters[0];
  EXPECT_EQ(letter.source(), "cohort-events");
  EXPECT_EQ(letter.source_entry_id(), entry_id);
  EXPECT_EQ(letter.type(), "cohort.opened");
  EXPECT_EQ(letter.fields().at("program_id"), "p9");
  EXPECT_EQ(letter.fields().at("cohort_number"), "2");
  EXPECT_EQ(letter.error(), "UNAVAILABLE: handler down for opened acme p9 2");
  EXPECT_EQ(letter.attempts(), 3);

  WorkerCounters c = worker.counters();
  EXPECT_EQ(c.failed, 3);
  EXPECT_EQ(c.dead_lettered, 1);
  EXPECT_EQ(c.handled, 0);
  v1::WorkerStatus status = Status();
  ExpectStream(status.streams(0), "cohort-events", kCohortEvents, "outreach", 0, 0, 1);
  EXPECT_EQ(status.dead_letters(), 1);

  // The operator fixed the cause and replays the letter: the handler runs again, and succeeds.
  handlers_->FailNext("opened acme p9 2", 0);
  absl::StatusOr<std::string> job =
      store_->ReplayDeadLetter({kTenant, "replay-1", "fp-1", clock_.Now()}, letter.id());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(Status().dead_letters(), 0);
  EXPECT_EQ(RunOnce(worker), 1);
  EXPECT_EQ(handlers_->succeeded(), (std::map<std::string, int>{{"opened acme p9 2", 1}}));
  c = worker.counters();
  EXPECT_EQ(c.handled, 1);
  EXPECT_EQ(c.dead_lettered, 1);
  status = Status();
  ExpectStream(status.streams(2), "jobs", OutreachStore::JobStreamKey(kTenant), "outreach-worker",
               0, 0, 1);
  EXPECT_EQ(status.dead_letters(), 0);
}

TEST_F(OutreachWorkerTest, ReplayThatFailsAgainIsDeadLetteredUnderItsOriginalEntry) {
  WorkerOptions options = Options("w1");
  options.min_idle_for_reclaim = absl::ZeroDuration();
  options.max_attempts = 1;
  OutreachWorker worker(deps_, handlers_, options);
  EXPECT_EQ(RunOnce(worker), 0);
  handlers_->FailNext("member acme m5 deleted", -1);
  const std::string entry_id = AddMembershipEvent({"type", "member.deleted", "member_id", "m5"});
  EXPECT_EQ(RunOnce(worker), 1);
  std::vector<v1::DeadLetter> first = DeadLetters();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].attempts(), 1);

  ASSERT_TRUE(
      store_->ReplayDeadLetter({kTenant, "replay-2", "fp-2", clock_.Now()}, first[0].id()).ok());
  EXPECT_EQ(RunOnce(worker), 1);
  std::vector<v1::DeadLetter> second = DeadLetters();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].id(), first[0].id());
  EXPECT_EQ(second[0].source(), "membership-events");
  EXPECT_EQ(second[0].source_entry_id(), entry_id);
  EXPECT_EQ(second[0].type(), "member.deleted");
  EXPECT_EQ(second[0].fields().at("member_id"), "m5");
  EXPECT_EQ(second[0].error(), "UNAVAILABLE: handler down for member acme m5 deleted");
  EXPECT_EQ(handlers_->attempts("member acme m5 deleted"), 2);
  EXPECT_EQ(Status().streams(2).pending(), 0);
}

TEST_F(OutreachWorkerTest, MalformedEntryIsDeadLetteredAtOnce) {
  std::unique_ptr<OutreachWorker> worker = Worker("w1");
  EXPECT_EQ(RunOnce(*worker), 0);
  AddCohortEvent({"type", "cohort.opened", "program_id", "p1", "cohort_number", "x"});
  EXPECT_EQ(RunOnce(*worker), 1);
  std::vector<v1::DeadLetter> letters = DeadLetters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].attempts(), 1);
  EXPECT_EQ(letters[0].error().rfind("INVALID_ARGUMENT: ", 0), 0u) << letters[0].error();
  EXPECT_NE(letters[0].error().find("cohort_number"), std::string::npos) << letters[0].error();
  EXPECT_TRUE(handlers_->succeeded().empty());
  EXPECT_EQ(worker->counters().dead_lettered, 1);
  EXPECT_EQ(worker->counters().failed, 0);
  EXPECT_EQ(Status().streams(0).pending(), 0);
}

TEST_F(OutreachWorkerTest, EntryDeliveredTooOftenIsDeadLetteredWhenReclaimed) {
  std::unique_ptr<OutreachWorker> worker = Worker("w1");  // max_attempts 3
  EXPECT_EQ(RunOnce(*worker), 0);
  const std::string id = AddJob({"type", "task.effects", "task_id", "t7"});
  // Three consumers took it and died mid-handler (delivery count 3 after two take-overs).
  queue::StreamConsumer dead(outreach_redis_, OutreachStore::JobStreamKey(kTenant),
                             {.group = "outreach-worker",
                              .consumer = "dead",
                              .min_idle_for_reclaim = absl::ZeroDuration()});
  ASSERT_TRUE(dead.ReadNew(1).ok());
  ASSERT_TRUE(dead.Reclaim(1).ok());
  ASSERT_TRUE(dead.Reclaim(1).ok());
  ASSERT_TRUE(store_->RecordHandlerError(kTenant, "jobs", id, "DEADLINE_EXCEEDED: slow").ok());

  ASSERT_TRUE(RunUntil(*worker, [&] { return worker->counters().dead_lettered == 1; }));
  EXPECT_EQ(handlers_->attempts("effects acme t7"), 0);  // not run a fourth time
  std::vector<v1::DeadLetter> letters = DeadLetters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].source(), "jobs");
  EXPECT_EQ(letters[0].source_entry_id(), id);
  EXPECT_EQ(letters[0].attempts(), 3);
  EXPECT_EQ(letters[0].error(), "DEADLINE_EXCEEDED: slow");
  EXPECT_EQ(worker->counters().reclaimed, 1);
}

TEST_F(OutreachWorkerTest, DueDelayedJobCreatesTheFollowUp) {
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone());
  clock_.Set(start);
  ASSERT_TRUE(outreach_redis_
                  ->Command({"ZADD", OutreachStore::DelayedKey(kTenant),
                             absl::StrCat(absl::ToUnixMillis(start + absl::Hours(24))),
                             R"(["type","task.follow_up","task_id","t1","date","2026-03-03"])"})
                  .ok());
  std::unique_ptr<OutreachWorker> worker = Worker("w1");
  EXPECT_EQ(RunOnce(*worker), 0);
  v1::WorkerStatus status = Status();
  EXPECT_EQ(status.delayed_jobs(), 1);
  EXPECT_EQ(status.delayed_jobs_due(), 0);
  EXPECT_TRUE(handlers_->succeeded().empty());

  clock_.Set(start + absl::Hours(25));
  status = Status();
  EXPECT_EQ(status.delayed_jobs(), 0);
  EXPECT_EQ(status.delayed_jobs_due(), 1);
  EXPECT_EQ(RunOnce(*worker), 1);
  EXPECT_EQ(handlers_->succeeded(),
            (std::map<std::string, int>{{"follow_up acme t1 2026-03-03", 1}}));
  EXPECT_EQ(worker->counters().jobs_promoted, 1);
  status = Status();
  EXPECT_EQ(status.delayed_jobs(), 0);
  EXPECT_EQ(status.delayed_jobs_due(), 0);
  ExpectStream(status.streams(2), "jobs", OutreachStore::JobStreamKey(kTenant), "outreach-worker",
               0, 0, 1);
}

TEST_F(OutreachWorkerTest, NewTenantPickedUpAfterRefresh) {
  std::unique_ptr<OutreachWorker> worker = Worker("w1");
  EXPECT_EQ(RunOnce(*worker), 0);
  ASSERT_TRUE(store_->RegisterTenant("globex").ok());
  Add(*outreach_redis_, OutreachStore::JobStreamKey("globex"),
      {"type", "task.effects", "task_id", "g1"});
  EXPECT_EQ(RunOnce(*worker), 0);  // the tenant list is re-read every 100 ms (worker clock)
  clock_.Set(clock_.Now() + absl::Milliseconds(150));
  EXPECT_EQ(RunOnce(*worker), 1);
  EXPECT_EQ(handlers_->succeeded(), (std::map<std::string, int>{{"effects globex g1", 1}}));
}

TEST_F(OutreachWorkerTest, FourConsumersHandleEachEntryExactlyOnce) {
  constexpr int kConsumers = 4;
  std::vector<std::unique_ptr<OutreachWorker>> workers;
  for (int i = 0; i < kConsumers; ++i) {
    WorkerOptions options = Options(absl::StrCat("w", i));
    options.min_idle_for_reclaim = absl::Seconds(60);  // no take-overs: exactly once
    options.batch = 16;
    workers.push_back(std::make_unique<OutreachWorker>(deps_, handlers_, options));
  }
  for (auto& worker : workers) worker->Start();
  // Every consumer has joined every group (XREADGROUP registers it) before entries arrive.
  ASSERT_TRUE(WaitFor([&] {
    v1::WorkerStatus status = Status();
    for (const v1::StreamStatus& s : status.streams()) {
      if (s.consumers() != kConsumers) return false;
    }
    return status.streams_size() == 3;
  }));

  constexpr int kPerStream[] = {300, 400, 300};
  for (int i = 0; i < kPerStream[0]; ++i) {
    AddCohortEvent(
        {"type", "cohort.opened", "program_id", absl::StrCat("p", i), "cohort_number", "1"});
  }
  for (int i = 0; i < kPerStream[1]; ++i) {
    AddMembershipEvent({"type", "member.updated", "member_id", absl::StrCat("m", i)});
  }
  for (int i = 0; i < kPerStream[2]; ++i) {
    AddJob({"type", "task.effects", "task_id", absl::StrCat("t", i)});
  }
  constexpr int kTotal = 1000;
  ASSERT_TRUE(WaitFor([&] { return handlers_->total_succeeded() >= kTotal; }));
  for (auto& worker : workers) worker->Stop();

  const std::map<std::string, int> succeeded = handlers_->succeeded();
  EXPECT_EQ(succeeded.size(), static_cast<size_t>(kTotal));
  for (const auto& [call, n] : succeeded) EXPECT_EQ(n, 1) << call;
  WorkerCounters sum;
  int busy_workers = 0;
  for (auto& worker : workers) {
    const WorkerCounters c = worker->counters();
    sum.handled += c.handled;
    sum.failed += c.failed;
    sum.reclaimed += c.reclaimed;
    sum.dead_lettered += c.dead_lettered;
    if (c.handled > 0) ++busy_workers;
  }
  EXPECT_EQ(sum.handled, kTotal);
  EXPECT_EQ(sum.failed, 0);
  EXPECT_EQ(sum.reclaimed, 0);
  EXPECT_EQ(sum.dead_lettered, 0);
  EXPECT_GE(busy_workers, 1);

  v1::WorkerStatus status = Status();
  ASSERT_EQ(status.streams_size(), 3);
  for (const v1::StreamStatus& s : status.streams()) {
    EXPECT_EQ(s.lag(), 0) << s.source();
    EXPECT_EQ(s.pending(), 0) << s.source();
    EXPECT_EQ(s.consumers(), kConsumers) << s.source();
  }
}

TEST_F(OutreachWorkerTest, StopIsPromptWhileIdle) {
  WorkerOptions options = Options("w1");
  options.poll_interval = absl::Seconds(30);
  OutreachWorker worker(deps_, handlers_, options);
  worker.Start();
  worker.Start();  // already running: no second thread
  ASSERT_TRUE(WaitFor([&] { return Status().streams(0).consumers() == 1; }));
  const Clock::time_point before = Clock::now();
  worker.Stop();
  worker.Stop();  // twice is fine
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(5));

  // Stopped: nothing is consumed in the background, but a round by hand still runs.
  AddJob({"type", "task.effects", "task_id", "t1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(handlers_->succeeded().empty());
  EXPECT_EQ(RunOnce(worker), 1);
}

// The lines "outreach_worker_lag" a round writes to stdout (JSON, one per stream).
std::vector<nlohmann::json> LagLines(const std::string& output) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_discarded() && parsed.value("event", "") == "outreach_worker_lag") {
      lines.push_back(std::move(parsed));
    }
  }
  return lines;
}

TEST_F(OutreachWorkerTest, LagIsLoggedEveryInterval) {
  WorkerOptions options = Options("w1");
  options.lag_log_interval = absl::Minutes(1);
  OutreachWorker worker(deps_, handlers_, options);
  log::SetEnabled(true);
  log::SetMinLevel(log::Level::kInfo);  // other suites in this binary raise it
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunOnce(worker), 0);  // the first round logs
  std::vector<nlohmann::json> first = LagLines(::testing::internal::GetCapturedStdout());
  AddJob({"type", "task.effects", "task_id", "t1"});
  AddJob({"type", "task.effects", "task_id", "t2"});
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(Status().streams(2).lag(), 2);
  handlers_->FailNext("effects acme t1", -1);
  EXPECT_EQ(RunOnce(worker), 1);  // within the interval: no lag lines
  std::vector<nlohmann::json> quiet = LagLines(::testing::internal::GetCapturedStdout());
  clock_.Set(clock_.Now() + absl::Seconds(61));
  ::testing::internal::CaptureStdout();
  RunOnce(worker);
  std::vector<nlohmann::json> later = LagLines(::testing::internal::GetCapturedStdout());
  log::SetEnabled(false);

  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0]["tenant"], "acme");
  EXPECT_EQ(first[0]["source"], "cohort-events");
  EXPECT_EQ(first[2]["source"], "jobs");
  EXPECT_EQ(first[2]["lag"], 0);
  EXPECT_EQ(first[2]["consumers"], 1);
  EXPECT_TRUE(quiet.empty());
  ASSERT_EQ(later.size(), 3u);
  EXPECT_EQ(later[2]["source"], "jobs");
  EXPECT_EQ(later[2]["lag"], 0);
  EXPECT_EQ(later[2]["pending"], 1);  // t1 keeps failing
}

TEST_F(OutreachWorkerTest, StatusOfATenantTheWorkerNeverSaw) {
  AddJob({"type", "task.effects", "task_id", "t1"});
  AddJob({"type", "task.effects", "task_id", "t2"});
  AddCohortEvent({"type", "cohort.opened", "program_id", "p1", "cohort_number", "1"});
  v1::WorkerStatus status = Status();
  ASSERT_EQ(status.streams_size(), 3);
  // The job group will start at the stream's beginning, the event groups at its end.
  ExpectStream(status.streams(0), "cohort-events", kCohortEvents, "outreach", 0, 0, 0);
  ExpectStream(status.streams(1), "membership-events", kMembershipEvents, "outreach", 0, 0, 0);
  ExpectStream(status.streams(2), "jobs", OutreachStore::JobStreamKey(kTenant), "outreach-worker",
               2, 0, 0);
}

}  // namespace
}  // namespace dunbar::outreach
