#include "services/outreach/outreach_worker.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "common/queue/stream_consumer.h"
#include "common/status/status_macros.h"
#include "services/outreach/worker_dispatch.h"
#include "services/outreach/worker_streams.h"

namespace dunbar::outreach {
namespace {

// One stream of one tenant, as this worker consumes it.
struct StreamSlot {
  std::string source;
  queue::StreamConsumer consumer;
  bool group_ready = false;  // EnsureGroup succeeded once; later reads re-create a vanished group
};

v1::DeadLetter LetterFor(const WorkItem& item, const std::string& error, int64_t attempts) {
  v1::DeadLetter letter;
  letter.set_source(item.source);
  letter.set_source_entry_id(item.entry_id);
  letter.set_type(item.type);
  for (const auto& [name, value] : item.fields) (*letter.mutable_fields())[name] = value;
  letter.set_error(error);
  letter.set_attempts(static_cast<int32_t>(attempts));
  return letter;
}

}  // namespace

class OutreachWorker::Impl {
 public:
  Impl(WorkerDeps deps, std::shared_ptr<WorkerHandlers> handlers, WorkerOptions options)
      : deps_(std::move(deps)), handlers_(std::move(handlers)), options_(std::move(options)) {}

  ~Impl() { Stop(); }

  void Start() {
    std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
    if (thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      stop_requested_ = false;
    }
    thread_ = std::thread([this] { Loop(); });
  }

  void Stop() {
    std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      stop_requested_ = true;
    }
    wake_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    // Rounds driven by hand (RunOnce) after a Stop run in full again.
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_requested_ = false;
  }

  absl::StatusOr<int> RunOnce() {
    std::lock_guard<std::mutex> round(round_mu_);
    const absl::Time now = options_.clock();
    DUNBAR_RETURN_IF_ERROR(RefreshTenants(now));
    int work = 0;
    for (const std::string& tenant : tenants_) {
      if (Stopping()) break;
      PromoteDueJobs(tenant);
      for (StreamSlot& slot : slots_[tenant]) {
        if (Stopping()) break;
        work += ConsumeStream(tenant, slot);
      }
    }
    const bool log_due = now - last_lag_log_ >= options_.lag_log_interval;
    const bool metrics_due =
        deps_.stream_metrics != nullptr && now - last_lag_metrics_ >= options_.lag_metrics_interval;
    if (log_due) last_lag_log_ = now;
    if (metrics_due) last_lag_metrics_ = now;
    if (log_due || metrics_due) ReportLag(log_due, metrics_due);
    return work;
  }

  WorkerCounters counters() const {
    std::lock_guard<std::mutex> lock(counters_mu_);
    return counters_;
  }

 private:
  bool Stopping() {
    std::lock_guard<std::mutex> lock(wake_mu_);
    return stop_requested_;
  }

  void Loop() {
    while (!Stopping()) {
      absl::StatusOr<int> work = RunOnce();
      if (!work.ok()) {
        log::Warn("outreach_worker_round_failed",
                  {{"consumer", options_.consumer}, {"error", work.status().ToString()}});
      }
      if (work.ok() && *work > 0) continue;
      std::unique_lock<std::mutex> lock(wake_mu_);
      wake_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll_interval),
                        [this] { return stop_requested_; });
    }
  }

  // Re-reads the tenants set every tenant_refresh. When it cannot be read the known tenants are
  // served on; with none known yet, the round fails.
  absl::Status RefreshTenants(absl::Time now) {
    if (tenants_read_ && now - tenants_read_at_ < options_.tenant_refresh) {
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<std::string>> tenants = deps_.store->ListTenants();
    if (!tenants.ok()) {
      log::Warn("outreach_worker_tenants_unreadable", {{"error", tenants.status().ToString()}});
      return tenants_read_ ? absl::OkStatus() : tenants.status();
    }
    std::sort(tenants->begin(), tenants->end());
    tenants_ = std::move(*tenants);
    tenants_read_ = true;
    tenants_read_at_ = now;
    std::map<std::string, std::vector<StreamSlot>> slots;
    for (const std::string& tenant : tenants_) {
      auto known = slots_.find(tenant);
      if (known != slots_.end()) {
        slots.emplace(tenant, std::move(known->second));
        continue;
      }
      std::vector<StreamSlot>& tenant_slots = slots[tenant];
      for (const WorkerStream& stream : WorkerStreams(deps_, tenant)) {
        tenant_slots.push_back(
            {stream.source,
             queue::StreamConsumer(
                 stream.redis, stream.key,
                 stream.GroupOptions(options_.consumer, options_.min_idle_for_reclaim)),
             false});
      }
    }
    slots_ = std::move(slots);  // tenants that left the set are dropped
    return absl::OkStatus();
  }

  void PromoteDueJobs(const std::string& tenant) {
    absl::StatusOr<int> moved =
        deps_.store->PromoteDueJobs(tenant, options_.clock(), options_.batch);
    if (!moved.ok()) {
      log::Warn("outreach_worker_promote_failed",
                {{"tenant", tenant}, {"error", moved.status().ToString()}});
      return;
    }
    if (*moved > 0) Count([&](WorkerCounters& c) { c.jobs_promoted += *moved; });
  }

  // Reclaims, then reads new entries, and handles them; answers the entries finished.
  int ConsumeStream(const std::string& tenant, StreamSlot& slot) {
    if (!slot.group_ready) {
      absl::Status ensured = slot.consumer.EnsureGroup();
      if (!ensured.ok()) {
        LogStreamError("outreach_worker_group_failed", tenant, slot, ensured);
        return 0;
      }
      slot.group_ready = true;
    }
    int work = 0;
    absl::StatusOr<std::vector<queue::StreamEntry>> reclaimed =
        slot.consumer.Reclaim(options_.batch);
    if (!reclaimed.ok()) {
      LogStreamError("outreach_worker_reclaim_failed", tenant, slot, reclaimed.status());
    } else if (!reclaimed->empty()) {
      const int64_t taken = static_cast<int64_t>(reclaimed->size());
      Count([&](WorkerCounters& c) { c.reclaimed += taken; });
      for (const queue::StreamEntry& entry : *reclaimed) {
        if (Stopping()) return work;
        work += Process(tenant, slot, entry, /*reclaimed=*/true);
      }
    }
    absl::StatusOr<std::vector<queue::StreamEntry>> fresh = slot.consumer.ReadNew(options_.batch);
    if (!fresh.ok()) {
      LogStreamError("outreach_worker_read_failed", tenant, slot, fresh.status());
      return work;
    }
    for (const queue::StreamEntry& entry : *fresh) {
      // Entries read but left unprocessed stay pending: a later Reclaim picks them up.
      if (Stopping()) return work;
      work += Process(tenant, slot, entry, /*reclaimed=*/false);
    }
    return work;
  }

  // Handles one delivery; answers 1 when the entry is finished (acknowledged), else 0.
  int Process(const std::string& tenant, StreamSlot& slot, const queue::StreamEntry& entry,
              bool reclaimed) {
    absl::StatusOr<WorkItem> item = UnwrapEntry(slot.source, entry);
    if (!item.ok()) {
      WorkItem as_is{slot.source, entry.id, entry.Field("type"), entry.fields};
      return DeadLetter(tenant, slot, entry, as_is, item.status().ToString(), entry.delivery_count);
    }
    // Delivered more often than allowed without being finished (a consumer died mid-handler, or
    // dead-lettering failed): no further attempt. Its last error was recorded by the failure.
    if (reclaimed && entry.delivery_count > options_.max_attempts) {
      return DeadLetter(tenant, slot, entry, *item, "", entry.delivery_count - 1);
    }
    const Dispatched dispatched = Dispatch(*handlers_, tenant, *item);
    switch (dispatched.result) {
      case DispatchResult::kHandled:
        if (!Ack(tenant, slot, entry)) return 0;
        Count([](WorkerCounters& c) { ++c.handled; });
        return 1;
      case DispatchResult::kIgnored:
        if (!Ack(tenant, slot, entry)) return 0;
        Count([](WorkerCounters& c) { ++c.ignored; });
        return 1;
      case DispatchResult::kMalformed:
        return DeadLetter(tenant, slot, entry, *item, dispatched.status.ToString(),
                          entry.delivery_count);
      case DispatchResult::kFailed:
        break;
    }
    Count([](WorkerCounters& c) { ++c.failed; });
    const std::string error = dispatched.status.ToString();
    log::Warn("outreach_worker_handler_failed",
              {{"tenant", tenant},
               {"source", item->source},
               {"entry", item->entry_id},
               {"type", item->type},
               {"delivery", entry.delivery_count},
               {"code", absl::StatusCodeToString(dispatched.status.code())}});
    if (entry.delivery_count >= options_.max_attempts) {
      return DeadLetter(tenant, slot, entry, *item, error, entry.delivery_count);
    }
    absl::Status recorded =
        deps_.store->RecordHandlerError(tenant, item->source, item->entry_id, error);
    if (!recorded.ok()) {
      LogStreamError("outreach_worker_record_error_failed", tenant, slot, recorded);
    }
    return 0;  // left pending: reclaimed after min_idle_for_reclaim
  }

  // Stores the dead letter, then acknowledges the entry at its stream. If storing fails the entry
  // stays pending, and the next reclaim (delivery count now above max_attempts) tries again.
  int DeadLetter(const std::string& tenant, StreamSlot& slot, const queue::StreamEntry& entry,
                 const WorkItem& item, const std::string& error, int64_t attempts) {
    absl::StatusOr<std::string> letter_id =
        deps_.store->AddDeadLetter(tenant, options_.clock(), LetterFor(item, error, attempts));
    if (!letter_id.ok()) {
      LogStreamError("outreach_worker_dead_letter_failed", tenant, slot, letter_id.status());
      return 0;
    }
    log::Warn("outreach_worker_dead_lettered", {{"tenant", tenant},
                                                {"source", item.source},
                                                {"entry", item.entry_id},
                                                {"type", item.type},
                                                {"attempts", attempts},
                                                {"dead_letter", *letter_id}});
    if (!Ack(tenant, slot, entry)) return 0;
    Count([](WorkerCounters& c) { ++c.dead_lettered; });
    return 1;
  }

  bool Ack(const std::string& tenant, StreamSlot& slot, const queue::StreamEntry& entry) {
    absl::Status acked = slot.consumer.Ack(entry.id);
    if (acked.ok()) return true;
    // Still pending: redelivered later, and the handlers are idempotent.
    LogStreamError("outreach_worker_ack_failed", tenant, slot, acked);
    return false;
  }

  // Consumers of stopped worker processes stay in the group (Redis never forgets a consumer);
  // removing the ones idle for long with nothing pending keeps GetWorkerStatus' count true.
  void RemoveStaleConsumers(const std::string& tenant, StreamSlot& slot) {
    absl::StatusOr<int> removed = slot.consumer.RemoveStaleConsumers();
    if (!removed.ok()) {
      LogStreamError("outreach_worker_stale_consumers_unremoved", tenant, slot, removed.status());
    } else if (*removed > 0) {
      log::Info("outreach_worker_stale_consumers_removed",
                {{"tenant", tenant}, {"source", slot.source}, {"removed", *removed}});
    }
  }

  // One XINFO GROUPS per tenant stream: a log line per stream (`log`) and/or the metrics' sums
  // per stream kind and group (`metrics`; per tenant would be too many series).
  void ReportLag(bool log, bool metrics) {
    struct Totals {
      int64_t lag = 0;
      int64_t pending = 0;
    };
    std::map<std::pair<std::string, std::string>, Totals> totals;  // (source, group)
    for (auto& [tenant, slots] : slots_) {
      for (StreamSlot& slot : slots) {
        if (log) RemoveStaleConsumers(tenant, slot);
        absl::StatusOr<queue::GroupStatus> status = slot.consumer.Status();
        if (!status.ok()) {
          LogStreamError("outreach_worker_lag_unreadable", tenant, slot, status.status());
          continue;
        }
        Totals& sum = totals[{slot.source, slot.consumer.options().group}];
        sum.lag += status->lag;
        sum.pending += status->pending;
        if (!log) continue;
        log::Info("outreach_worker_lag", {{"consumer", options_.consumer},
                                          {"tenant", tenant},
                                          {"source", slot.source},
                                          {"lag", status->lag},
                                          {"pending", status->pending},
                                          {"consumers", status->consumers}});
      }
    }
    if (!metrics) return;
    for (const auto& [key, sum] : totals) {
      deps_.stream_metrics->Report(key.first, key.second, sum.lag, sum.pending);
    }
  }

  void LogStreamError(std::string_view event, const std::string& tenant, const StreamSlot& slot,
                      const absl::Status& status) {
    log::Warn(event, {{"consumer", options_.consumer},
                      {"tenant", tenant},
                      {"source", slot.source},
                      {"error", status.ToString()}});
  }

  template <typename Update>
  void Count(Update update) {
    std::lock_guard<std::mutex> lock(counters_mu_);
    update(counters_);
  }

  const WorkerDeps deps_;
  const std::shared_ptr<WorkerHandlers> handlers_;
  const WorkerOptions options_;

  std::mutex lifecycle_mu_;  // Start/Stop
  std::thread thread_;
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool stop_requested_ = false;  // guarded by wake_mu_

  std::mutex round_mu_;  // one round at a time; guards the round state below
  std::vector<std::string> tenants_;
  bool tenants_read_ = false;
  absl::Time tenants_read_at_ = absl::InfinitePast();
  std::map<std::string, std::vector<StreamSlot>> slots_;
  absl::Time last_lag_log_ = absl::InfinitePast();
  absl::Time last_lag_metrics_ = absl::InfinitePast();

  mutable std::mutex counters_mu_;
  WorkerCounters counters_;
};

OutreachWorker::OutreachWorker(WorkerDeps deps, std::shared_ptr<WorkerHandlers> handlers,
                               WorkerOptions options)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(handlers), std::move(options))) {}

OutreachWorker::~OutreachWorker() = default;

void OutreachWorker::Start() { impl_->Start(); }
void OutreachWorker::Stop() { impl_->Stop(); }
absl::StatusOr<int> OutreachWorker::RunOnce() { return impl_->RunOnce(); }
WorkerCounters OutreachWorker::counters() const { return impl_->counters(); }

absl::StatusOr<v1::WorkerStatus> OutreachWorker::ReadStatus(const WorkerDeps& deps,
                                                            const std::string& tenant,
                                                            absl::Time now) {
  v1::WorkerStatus status;
  for (const WorkerStream& stream : WorkerStreams(deps, tenant)) {
    // Status reads the group only; the consumer name is not used.
    queue::StreamConsumer reader(stream.redis, stream.key,
                                 stream.GroupOptions("status", absl::ZeroDuration()));
    DUNBAR_ASSIGN_OR_RETURN(queue::GroupStatus group, reader.Status());
    v1::StreamStatus* out = status.add_streams();
    out->set_source(stream.source);
    out->set_stream(stream.key);
    out->set_group(stream.group);
    out->set_lag(group.lag);
    out->set_pending(group.pending);
    out->set_consumers(group.consumers);
  }
  DUNBAR_ASSIGN_OR_RETURN(DelayedCounts delayed, deps.store->CountDelayedJobs(tenant, now));
  status.set_delayed_jobs(delayed.total - delayed.due);
  status.set_delayed_jobs_due(delayed.due);
  DUNBAR_ASSIGN_OR_RETURN(int64_t dead_letters, deps.store->CountDeadLetters(tenant));
  status.set_dead_letters(dead_letters);
  return status;
}

}  // namespace dunbar::outreach
