// The outreach worker: for every tenant that uses outreach (OutreachStore::ListTenants) it
// consumes, through consumer groups, cohort's event stream, membership's event stream and
// outreach's own job stream, and moves due delayed jobs onto the job stream. Delivery is at least
// once; every handler is idempotent. An entry whose handler fails stays pending and is retried by
// whichever consumer reclaims it (XAUTOCLAIM) after `min_idle_for_reclaim`; one delivered
// `max_attempts` times goes to the tenant's dead-letter stream with its last error, and is
// acknowledged at its source.
//
// The other services' event streams are their published outbox (ids only); outreach reads them
// only through its own consumer group and never writes anything else to them.
//
//   Streams per tenant T (source name: key, group)
//     cohort-events:     dunbar:cohort:{T}:events       group "outreach"
//     membership-events: dunbar:membership:{T}:events   group "outreach"
//     jobs:              dunbar:outreach:{T}:jobs       group "outreach-worker"
//   Entry types handled
//     cohort.opened (program_id, cohort_number)        -> WorkerHandlers::OnCohortOpened
//     member.updated / member.deleted (member_id)      -> WorkerHandlers::OnMemberChanged
//     task.effects (task_id)                           -> WorkerHandlers::ApplyTaskEffects
//     task.follow_up (task_id, date)                   -> WorkerHandlers::CreateFollowUp
//     replay (source, source_entry_id, entry_type, fields) -> the original entry's handler
//   Anything else is acknowledged and ignored.
//
//   OutreachWorker worker(deps, handlers, {.consumer = "worker-1"});
//   worker.Start();   // background thread; Stop() (or the destructor) joins it
//   worker.RunOnce(); // or drive it by hand (tests)
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/metrics/stream_metrics.h"
#include "common/redis/redis_client.h"
#include "dunbar/outreach/v1/outreach.pb.h"
#include "services/outreach/outreach_store.h"

namespace dunbar::outreach {

// What the worker does with each kind of entry. Implemented by the domain (OutreachDomain);
// tests substitute their own. Every method must be idempotent: it may run more than once for the
// same entry, also concurrently on two consumers.
class WorkerHandlers {
 public:
  virtual ~WorkerHandlers() = default;
  virtual absl::Status OnCohortOpened(const std::string& tenant, const std::string& program_id,
                                      int32_t cohort_number) = 0;
  virtual absl::Status OnMemberChanged(const std::string& tenant, const std::string& member_id,
                                       bool deleted) = 0;
  virtual absl::Status ApplyTaskEffects(const std::string& tenant, const std::string& task_id) = 0;
  virtual absl::Status CreateFollowUp(const std::string& tenant, const std::string& source_task_id,
                                      const std::string& date) = 0;
};

struct WorkerDeps {
  std::shared_ptr<OutreachStore> store;
  std::shared_ptr<redis::RedisClient> outreach_redis;     // the job stream's server
  std::shared_ptr<redis::RedisClient> cohort_events;      // where cohort's streams live
  std::shared_ptr<redis::RedisClient> membership_events;  // where membership's streams live
  // Optional: lag and pending per stream kind and group, summed over tenants, every
  // WorkerOptions::lag_metrics_interval.
  std::shared_ptr<metrics::StreamGroupMetrics> stream_metrics = nullptr;
};

struct WorkerOptions {
  std::string consumer = "worker";  // unique per live consumer (main uses host name + pid)
  int batch = 64;                   // entries read per stream per round
  absl::Duration poll_interval = absl::Milliseconds(200);  // sleep after a round with no work
  absl::Duration min_idle_for_reclaim = absl::Seconds(30);
  int max_attempts = 5;
  absl::Duration tenant_refresh = absl::Seconds(5);  // re-read the tenants set this often
  absl::Duration lag_log_interval = absl::Seconds(60);
  absl::Duration lag_metrics_interval = absl::Seconds(15);  // with WorkerDeps::stream_metrics
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

struct WorkerCounters {
  int64_t handled = 0;    // entries acknowledged after their handler succeeded
  int64_t ignored = 0;    // entry types the worker does not handle (acknowledged)
  int64_t failed = 0;     // handler failures (left pending for a retry)
  int64_t reclaimed = 0;  // entries taken over from another consumer
  int64_t dead_lettered = 0;
  int64_t jobs_promoted = 0;  // delayed jobs moved onto the job stream
};

class OutreachWorker {
 public:
  OutreachWorker(WorkerDeps deps, std::shared_ptr<WorkerHandlers> handlers, WorkerOptions options);
  ~OutreachWorker();  // Stop()
  OutreachWorker(const OutreachWorker&) = delete;
  OutreachWorker& operator=(const OutreachWorker&) = delete;

  void Start();
  // Finishes the entry in hand, then returns; safe to call twice.
  void Stop();
  // One round over every tenant: promote due delayed jobs, reclaim, read new entries, handle them.
  // Answers how many entries were handled, dead-lettered or ignored (0: nothing to do). Redis
  // errors are logged and skipped (the next round retries).
  absl::StatusOr<int> RunOnce();
  WorkerCounters counters() const;

  // Lag, pending, consumers of the tenant's three groups, delayed and dead-letter counts (for the
  // GetWorkerStatus RPC). Needs no running worker.
  static absl::StatusOr<v1::WorkerStatus> ReadStatus(const WorkerDeps& deps,
                                                     const std::string& tenant, absl::Time now);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunbar::outreach
