// Prometheus metrics for a pooled Redis client (a redis::RedisObserver):
//
//   dunbar_redis_command_seconds{pool,command}   histogram of one round trip (command name
//                                                 upper-case from a fixed list, "PIPELINE", or
//                                                 "OTHER": the label set never grows at run time)
//   dunbar_redis_errors_total{pool,kind}          kind: "connection" (I/O error, refused, no
//                                                 connection to be had), "timeout", "reply" (Redis
//                                                 answered an error that is not a domain answer:
//                                                 LOADING, BUSY, NOAUTH, WRONGTYPE, OOM, ...),
//                                                 "noscript" (script cache lost: Redis restarted)
//   dunbar_redis_pool_connections{pool,state}     state: "in_use" | "idle"
//
// Domain errors that scripts return on purpose (NOT_FOUND member x, ALREADY_EXISTS, ...) are
// answers, not Redis errors, and are not counted. `pool` names the client in processes that have
// several (outreach: "main", "cohort_events", "membership_events").
//
//   auto client = redis::RedisClient::Connect(options, MakeRedisMetrics(*registry, "main"));
//
// The hot path is allocation-free and takes no lock of ours: a round trip costs a short scan of
// the command list, one atomic load and prometheus-cpp's histogram update (its own mutex).
#pragma once

#include <memory>
#include <string>

#include "common/redis/redis_observer.h"

namespace prometheus {
class Registry;
}

namespace dunbar::metrics {

// `registry` must outlive the returned observer.
std::shared_ptr<redis::RedisObserver> MakeRedisMetrics(prometheus::Registry& registry,
                                                       const std::string& pool);

// Same, or null when `registry` is null (metrics off): the client then has no observer at all.
std::shared_ptr<redis::RedisObserver> MakeRedisMetricsIfEnabled(prometheus::Registry* registry,
                                                                const std::string& pool);

}  // namespace dunbar::metrics
