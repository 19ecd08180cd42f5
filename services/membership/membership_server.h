// Assembles the membership service from its parts (store -> domain -> gRPC adapter) so that
// main.cc, in-process integration tests and benchmarks build it the same way.
//
//   auto redis = redis::RedisClient::Connect(redis_options);
//   auto tokens = auth::TokenStore::FromFile(path);
//   auto membership = MembershipServer::Create(*redis, *tokens, MembershipOptions{});
//   runner.AddService((*membership)->service());
//   runner.SetHealthProbe([m = membership->get()] { return m->Probe(); });
//   runner.OnDrain([m = membership->get()] { m->BeginDrain(); });
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/token_store.h"
#include "common/redis/redis_client.h"

namespace dunbar::membership {

struct MembershipOptions {
  // Region for phone numbers written without a leading '+' (ISO 3166 alpha-2).
  std::string default_country = "CN";
  // Warmth halves every `warmth_half_life` after an interaction.
  absl::Duration warmth_half_life = absl::Hours(24 * 30);
  // Entries kept in the event stream (XADD MAXLEN ~).
  int event_stream_max_len = 100000;
  // How long an idempotency record (request id -> answer) is kept.
  absl::Duration request_id_ttl = absl::Hours(24);
  // The service's notion of "now" (passed to every script, so tests can pin it). Must be
  // thread-safe.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class MembershipServer {
 public:
  // Loads the Lua scripts (Redis may be down: they are then loaded on first use), so it never fails
  // because Redis is unreachable; INVALID_ARGUMENT for bad options (country not like "CN",
  // half-life <= 0, ...).
  static absl::StatusOr<std::unique_ptr<MembershipServer>> Create(
      std::shared_ptr<redis::RedisClient> redis, std::shared_ptr<auth::TokenStore> tokens,
      MembershipOptions options);
  virtual ~MembershipServer() = default;

  virtual grpc::Service* service() = 0;
  // For the health service: a real script call against Redis (not just PING).
  virtual absl::Status Probe() = 0;
  // Ends the open WatchEntitlementChanges streams (UNAVAILABLE, so clients reconnect elsewhere)
  // and refuses new ones; unary RPCs are unaffected. For ServerRunner::OnDrain. Never blocks.
  virtual void BeginDrain() = 0;
};

}  // namespace dunbar::membership
