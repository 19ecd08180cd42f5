// An optional hook into the Redis client for metrics (common/metrics/redis_metrics.h implements it
// with Prometheus). A client built without one pays nothing: every call site checks a null pointer.
//
//   auto observer = metrics::MakeRedisMetrics(*registry, "main");
//   auto client = RedisClient::Connect(options, observer);
//
// Implementations are called on request threads, must be thread-safe and cheap, and must not call
// back into the client or pool.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace dunbar::redis {

class RedisObserver {
 public:
  virtual ~RedisObserver() = default;

  // After each round trip on a connection: one command (`command` is its name as sent, e.g.
  // "EVALSHA", any case) or one pipeline (`command` is "PIPELINE"). `status` is the command's
  // outcome: OK, an error reply mapped by redis_errors.h, or a transport error.
  virtual void OnRoundTrip(std::string_view command, double seconds,
                           const absl::Status& status) = 0;
  // A caller got no connection (Redis down, in reconnect backoff, or the pool exhausted).
  virtual void OnAcquireFailed(const absl::Status& status) = 0;
  // The pool's connection counts after a change. Called with the pool's lock held, so it must only
  // store the numbers.
  virtual void OnPoolChanged(int in_use, int idle) = 0;
};

}  // namespace dunbar::redis
