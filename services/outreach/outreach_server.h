// Assembles the outreach service from its parts (store -> domain -> gRPC adapter, plus the worker)
// so that main.cc, in-process integration tests and benchmarks build it the same way.
//
//   auto redis = redis::RedisClient::Connect(redis_options);
//   auto tokens = auth::TokenStore::FromFile(path);
//   auto outreach = OutreachServer::Create({.redis = redis, .cohort_events = cohort_redis,
//                                           .membership_events = membership_redis},
//                                          tokens, membership_channel, cohort_channel, options);
//   runner.AddService((*outreach)->service());
//   runner.SetHealthProbe([o = outreach->get()] { return o->Probe(); });
//
// With options.run_worker the server also runs `worker_threads` worker consumers in background
// threads (one process serving both roles: the demo and small deployments); the destructor stops
// them. `outreach --mode=worker` runs consumers without serving the API.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/token_store.h"
#include "common/redis/redis_client.h"
#include "services/outreach/outreach_domain.h"
#include "services/outreach/outreach_worker.h"

namespace dunbar::outreach {

struct OutreachRedis {
  std::shared_ptr<redis::RedisClient> redis;              // outreach's own keyspace
  std::shared_ptr<redis::RedisClient> cohort_events;      // null -> `redis`
  std::shared_ptr<redis::RedisClient> membership_events;  // null -> `redis`
};

struct OutreachOptions {
  OutreachDomainOptions domain;  // service_token required
  OutreachStore::Options store;
  bool run_worker = true;
  int worker_threads = 1;
  WorkerOptions worker;  // consumer names get "-<n>" appended per thread
  // Optional Prometheus registry (ServerRunner::metrics_registry()): the first worker thread then
  // reports stream consumer lag and pending (common/metrics/stream_metrics.h). Must outlive the
  // server.
  std::shared_ptr<prometheus::Registry> metrics;
};

class OutreachServer {
 public:
  // Loads the Lua scripts (Redis may be down: they are then loaded on first use) and starts the
  // worker threads; never fails because Redis, membership or cohort is unreachable.
  // INVALID_ARGUMENT for bad options (empty service token, non-positive durations, ...).
  static absl::StatusOr<std::unique_ptr<OutreachServer>> Create(
      OutreachRedis redis, std::shared_ptr<auth::TokenStore> tokens,
      std::shared_ptr<grpc::ChannelInterface> membership_channel,
      std::shared_ptr<grpc::ChannelInterface> cohort_channel, OutreachOptions options);
  virtual ~OutreachServer() = default;

  virtual grpc::Service* service() = 0;
  // For the health service: a real script call against Redis.
  virtual absl::Status Probe() = 0;
  // The domain, for in-process tests that drive the worker handlers directly.
  virtual OutreachDomain& domain() = 0;
  // Stops the worker threads (the drain hook calls this before the server shuts down).
  virtual void StopWorkers() = 0;
  // Sum of the worker threads' counters.
  virtual WorkerCounters worker_counters() const = 0;
};

}  // namespace dunbar::outreach
