#include "common/metrics/redis_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <mutex>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/metrics/latency_buckets.h"
#include "common/redis/redis_errors.h"

namespace dunbar::metrics {
namespace {

// The commands dunbar sends (scripts do the real work, so EVALSHA dominates). Anything else is
// "OTHER": a label value must never come from data.
constexpr std::array<std::string_view, 26> kCommands = {
    "EVALSHA",  "EVAL",     "SCRIPT",   "XREADGROUP", "XAUTOCLAIM", "XACK",    "XADD",
    "XINFO",    "XPENDING", "XGROUP",   "XCLAIM",     "XRANGE",     "XLEN",    "GET",
    "SET",      "DEL",      "HGET",     "HGETALL",    "HKEYS",      "HEXISTS", "SADD",
    "SMEMBERS", "PING",     "FLUSHALL", "PIPELINE",   "OTHER"};
constexpr size_t kOther = kCommands.size() - 1;

size_t CommandIndex(std::string_view command) {
  const absl::string_view name(command.data(), command.size());
  for (size_t i = 0; i < kOther; ++i) {
    if (absl::EqualsIgnoreCase(name, absl::string_view(kCommands[i].data(), kCommands[i].size()))) {
      return i;
    }
  }
  return kOther;
}

enum ErrorKind { kConnection, kTimeout, kReply, kNoScript, kErrorKinds };
constexpr std::array<const char*, kErrorKinds> kErrorKindNames = {"connection", "timeout", "reply",
                                                                  "noscript"};

class RedisMetrics final : public redis::RedisObserver {
 public:
  RedisMetrics(prometheus::Registry& registry, const std::string& pool)
      : pool_(pool),
        seconds_(prometheus::BuildHistogram()
                     .Name("dunbar_redis_command_seconds")
                     .Help("Time of one Redis round trip (a command or a pipeline), in seconds.")
                     .Register(registry)) {
    auto& errors = prometheus::BuildCounter()
                       .Name("dunbar_redis_errors_total")
                       .Help(
                           "Redis failures: connection, timeout, reply (not a domain answer), "
                           "noscript.")
                       .Register(registry);
    for (int i = 0; i < kErrorKinds; ++i) {
      errors_[i] = &errors.Add({{"pool", pool}, {"kind", kErrorKindNames[i]}});
    }
    auto& connections = prometheus::BuildGauge()
                            .Name("dunbar_redis_pool_connections")
                            .Help("Redis connections of the pool, by state (in_use, idle).")
                            .Register(registry);
    in_use_ = &connections.Add({{"pool", pool}, {"state", "in_use"}});
    idle_ = &connections.Add({{"pool", pool}, {"state", "idle"}});
  }

  void OnRoundTrip(std::string_view command, double seconds, const absl::Status& status) override {
    LatencyOf(CommandIndex(command)).Observe(seconds);
    if (!status.ok()) CountError(status);
  }

  void OnAcquireFailed(const absl::Status& status) override { CountError(status); }

  void OnPoolChanged(int in_use, int idle) override {
    in_use_->Set(in_use);
    idle_->Set(idle);
  }

 private:
  // Series are made on first use, so a pool shows only the commands it sends (14 buckets each).
  // The hot path is one atomic load; the lock is taken once per command name.
  prometheus::Histogram& LatencyOf(size_t index) {
    prometheus::Histogram* histogram = latency_[index].load(std::memory_order_acquire);
    if (histogram != nullptr) return *histogram;
    std::lock_guard<std::mutex> lock(create_mu_);
    histogram = latency_[index].load(std::memory_order_relaxed);
    if (histogram == nullptr) {
      histogram = &seconds_.Add({{"pool", pool_}, {"command", std::string(kCommands[index])}},
                                RedisLatencyBuckets());
      latency_[index].store(histogram, std::memory_order_release);
    }
    return *histogram;
  }

  void CountError(const absl::Status& status) {
    if (redis::IsNoScriptError(status)) {
      errors_[kNoScript]->Increment();
    } else if (redis::IsConnectionError(status) ||
               status.code() == absl::StatusCode::kUnavailable) {
      // Transport errors carry a marker; UNAVAILABLE replies (LOADING, MASTERDOWN, NOAUTH) and
      // pool exhaustion mean the same to an operator: Redis cannot be reached right now.
      errors_[status.code() == absl::StatusCode::kDeadlineExceeded ? kTimeout : kConnection]
          ->Increment();
    } else if (status.code() == absl::StatusCode::kInternal ||
               status.code() == absl::StatusCode::kUnknown) {
      errors_[kReply]->Increment();
    }
    // Anything else is a domain answer from a script (NOT_FOUND, ALREADY_EXISTS, ...).
  }

  const std::string pool_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::mutex create_mu_;
  std::array<std::atomic<prometheus::Histogram*>, kCommands.size()> latency_{};
  std::array<prometheus::Counter*, kErrorKinds> errors_{};
  prometheus::Gauge* in_use_ = nullptr;
  prometheus::Gauge* idle_ = nullptr;
};

}  // namespace

std::shared_ptr<redis::RedisObserver> MakeRedisMetrics(prometheus::Registry& registry,
                                                       const std::string& pool) {
  return std::make_shared<RedisMetrics>(registry, pool);
}

std::shared_ptr<redis::RedisObserver> MakeRedisMetricsIfEnabled(prometheus::Registry* registry,
                                                                const std::string& pool) {
  if (registry == nullptr) return nullptr;
  return MakeRedisMetrics(*registry, pool);
}

}  // namespace dunbar::metrics
