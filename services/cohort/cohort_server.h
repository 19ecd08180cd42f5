// Assembles the cohort service from its parts (store -> domain -> gRPC adapter, plus the admission
// gate that talks to membership) so that main.cc, in-process integration tests and benchmarks
// build it the same way.
//
//   auto redis = redis::RedisClient::Connect(redis_options);
//   auto tokens = auth::TokenStore::FromFile(path);
//   auto membership = client::MakeChannel("dns:///membership:50051");
//   auto cohort = CohortServer::Create(*redis, *tokens, membership, CohortOptions{...});
//   runner.AddService((*cohort)->service());
//   runner.SetHealthProbe([c = cohort->get()] { return c->Probe(); });
//
// The server starts the entitlement feed (membership's WatchEntitlementChanges) on a background
// thread at Create and stops it in the destructor.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/token_store.h"
#include "common/redis/redis_client.h"

namespace prometheus {
class Registry;
}

namespace dunbar::cohort {

struct CohortOptions {
  // The service token this service presents to membership (role "service").
  std::string membership_token;
  // Deadline of each CheckEntitlement call (shortened to the caller's remaining deadline).
  absl::Duration membership_timeout = absl::Seconds(1);
  // How long a membership answer is cached in the cohort keyspace.
  absl::Duration admission_cache_ttl = absl::Minutes(10);
  // Reconnect backoff of the entitlement feed (doubles up to the max, with jitter).
  absl::Duration feed_initial_backoff = absl::Milliseconds(100);
  absl::Duration feed_max_backoff = absl::Seconds(5);
  // Entries kept in the event stream (XADD MAXLEN ~).
  int event_stream_max_len = 100000;
  // How long an idempotency record (request id -> answer) is kept.
  absl::Duration request_id_ttl = absl::Hours(24);
  // The service's notion of "now" (passed to every script, so tests can pin it). Thread-safe.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Optional Prometheus registry (ServerRunner::metrics_registry()): with it the server keeps the
  // seats-taken gauges of seat_metrics.h up to date. Must outlive the server.
  std::shared_ptr<prometheus::Registry> metrics;
};

class CohortServer {
 public:
  // Loads the Lua scripts (Redis may be down: they are then loaded on first use) and starts the
  // entitlement feed; never fails because Redis or membership is unreachable. INVALID_ARGUMENT for
  // bad options (empty membership_token, non-positive durations, ...).
  static absl::StatusOr<std::unique_ptr<CohortServer>> Create(
      std::shared_ptr<redis::RedisClient> redis, std::shared_ptr<auth::TokenStore> tokens,
      std::shared_ptr<grpc::ChannelInterface> membership_channel, CohortOptions options);
  virtual ~CohortServer() = default;

  virtual grpc::Service* service() = 0;
  // For the health service: a real script call against Redis (not just PING). Membership being
  // down does not make the cohort service unhealthy (free programmes and cached admissions work).
  virtual absl::Status Probe() = 0;
  // True while the entitlement feed is subscribed (tests wait for it before relying on it).
  virtual bool EntitlementFeedLive() const = 0;
};

}  // namespace dunbar::cohort
