// Seats taken per batch, as Prometheus gauges:
//
//   dunbar_cohort_seats_taken{tenant,program,cohort}      seats taken in batch `cohort` (its
//   number) dunbar_cohort_seats_capacity{tenant,program,cohort}   the batch's cap (for fill ratios)
//
// Cardinality: only batches that are selling (OPEN or FULL) have series; a batch that starts
// (RUNNING) or closes drops them. That is about one or two batches per active programme, however
// many batches a programme has run. The tenant label is kept because operators alert per tenant;
// series grow with active programmes, never with members or history.
//
// Values always come from the store, never from counting in this process, so every replica
// reports the same truth: a mutation (enrol, withdraw, transfer, open/start/close a batch) marks
// its programme; a background thread re-reads marked programmes within `dirty_interval` and every
// programme it tracks every `refresh_interval` (changes made through other replicas show up
// then). A replica reports only programmes it has seen a mutation for since it started, so
// dashboards aggregate with max by (tenant, program, cohort).
//
//   SeatMetrics seats(store, *registry);
//   seats.ProgramChanged("acme", program_id);  // cheap; no Redis call on the request thread
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/cohort/cohort_store.h"

namespace prometheus {
class Gauge;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace dunbar::cohort {

struct SeatMetricsOptions {
  absl::Duration dirty_interval = absl::Seconds(1);
  absl::Duration refresh_interval = absl::Seconds(15);
};

class SeatMetrics {
 public:
  // `registry` must outlive this object. Starts the refresh thread.
  SeatMetrics(std::shared_ptr<CohortStore> store, prometheus::Registry& registry,
              SeatMetricsOptions options = {});
  // Stops and joins the refresh thread.
  ~SeatMetrics();
  SeatMetrics(const SeatMetrics&) = delete;
  SeatMetrics& operator=(const SeatMetrics&) = delete;

  // The seats or states of `program_id`'s batches may have changed. Thread-safe, no I/O.
  void ProgramChanged(const std::string& tenant, const std::string& program_id);
  // Re-reads every marked and tracked programme now, on the caller's thread (tests, shutdown).
  // The first error is returned; the other programmes are still refreshed.
  absl::Status RefreshNow();

 private:
  using ProgramKey = std::pair<std::string, std::string>;  // (tenant, program id)
  struct BatchSeries {
    prometheus::Gauge* taken;
    prometheus::Gauge* capacity;
  };

  void Loop();
  // Re-reads the programmes in `dirty` (and, with `everything`, every tracked one); the first
  // error is returned, the others are still refreshed.
  absl::Status Refresh(const std::set<ProgramKey>& dirty, bool everything);
  // Reads the programme's batches and updates their series; false when none is selling any more.
  absl::StatusOr<bool> RefreshProgram(const ProgramKey& program);

  const std::shared_ptr<CohortStore> store_;
  const SeatMetricsOptions options_;
  prometheus::Family<prometheus::Gauge>& taken_;
  prometheus::Family<prometheus::Gauge>& capacity_;

  std::mutex mu_;  // Not absl::Mutex: see common/server/server_runner.cc (TSan visibility).
  std::condition_variable wake_;
  std::set<ProgramKey> dirty_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::mutex refresh_mu_;  // One Refresh at a time (the thread or RefreshNow); guards below.
  std::set<ProgramKey> tracked_ ABSL_GUARDED_BY(refresh_mu_);
  // (tenant, program id) -> batch number -> its series.
  std::map<ProgramKey, std::map<int32_t, BatchSeries>> series_ ABSL_GUARDED_BY(refresh_mu_);

  std::thread thread_;  // Last: starts after everything above is initialized.
};

}  // namespace dunbar::cohort
