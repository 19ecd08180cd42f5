#include "services/cohort/cohort_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/timestamps.h"
#include "common/log/json_log.h"
#include "common/status/status_macros.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/cohort/admission_gate.h"
#include "services/cohort/cohort_domain.h"
#include "services/cohort/cohort_grpc_service.h"
#include "services/cohort/cohort_store.h"
#include "services/cohort/seat_metrics.h"

namespace dunbar::cohort {
namespace {

class CohortServerImpl final : public CohortServer {
 public:
  CohortServerImpl(std::shared_ptr<CohortStore> store, std::shared_ptr<AdmissionGate> gate,
                   std::shared_ptr<SeatMetrics> seat_metrics,
                   std::unique_ptr<CohortGrpcService> service)
      : store_(std::move(store)),
        gate_(std::move(gate)),
        seat_metrics_(std::move(seat_metrics)),
        service_(std::move(service)) {}

  grpc::Service* service() override { return service_.get(); }
  absl::Status Probe() override { return store_->Probe(); }
  bool EntitlementFeedLive() const override { return gate_->feed_live(); }

 private:
  std::shared_ptr<CohortStore> store_;
  // Declared after the store: destroyed first, so the feed stops before the store goes.
  std::shared_ptr<AdmissionGate> gate_;
  std::shared_ptr<SeatMetrics> seat_metrics_;  // Null without a metrics registry.
  std::unique_ptr<CohortGrpcService> service_;
};

absl::Status RequirePositive(const char* field, absl::Duration value) {
  if (value > absl::ZeroDuration()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": must be positive"));
}

absl::Status ValidateOptions(const CohortOptions& options) {
  if (options.membership_token.empty()) {
    return absl::InvalidArgumentError("membership_token: is required (a service token)");
  }
  DUNBAR_RETURN_IF_ERROR(RequirePositive("membership_timeout", options.membership_timeout));
  if (options.admission_cache_ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError("admission_cache_ttl: must be at least a second");
  }
  DUNBAR_RETURN_IF_ERROR(RequirePositive("feed_initial_backoff", options.feed_initial_backoff));
  if (options.feed_max_backoff < options.feed_initial_backoff) {
    return absl::InvalidArgumentError("feed_max_backoff: must be at least feed_initial_backoff");
  }
  if (options.event_stream_max_len < 1) {
    return absl::InvalidArgumentError("event_stream_max_len: must be positive");
  }
  if (options.request_id_ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError("request_id_ttl: must be at least a second");
  }
  if (!options.clock) return absl::InvalidArgumentError("clock: must be set");
  return absl::OkStatus();
}

// One change from membership's feed into the admission cache. A grant without a time (an older
// membership) is not cached: without it, it cannot be ordered against a revoke.
absl::Status ApplyEntitlementChange(CohortStore& store,
                                    const ::dunbar::membership::v1::EntitlementChange& change,
                                    absl::Time now) {
  const int64_t changed_ms =
      change.has_changed_at() ? api::TimestampToMillis(change.changed_at()) : 0;
  const absl::Time changed_at =
      changed_ms > 0 ? absl::FromUnixMillis(changed_ms) : absl::InfinitePast();
  if (change.revoked()) {
    return store.InvalidateAdmission(change.tenant(), change.program_id(), change.member_id(),
                                     changed_at);
  }
  if (changed_at == absl::InfinitePast()) return absl::OkStatus();
  return store
      .CacheGrantedAdmission(change.tenant(), change.program_id(), change.member_id(),
                             change.order_id(), changed_at, now)
      .status();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CohortServer>> CohortServer::Create(
    std::shared_ptr<redis::RedisClient> redis, std::shared_ptr<auth::TokenStore> tokens,
    std::shared_ptr<grpc::ChannelInterface> membership_channel, CohortOptions options) {
  if (!redis || !tokens || !membership_channel) {
    return absl::InvalidArgumentError("redis, tokens and membership_channel are required");
  }
  DUNBAR_RETURN_IF_ERROR(ValidateOptions(options));

  CohortStore::Options store_options;
  store_options.event_stream_max_len = options.event_stream_max_len;
  store_options.request_id_ttl = options.request_id_ttl;
  store_options.admission_cache_ttl = options.admission_cache_ttl;
  auto store = std::make_shared<CohortStore>(std::move(redis), store_options);
  if (absl::Status loaded = store->LoadScripts(); !loaded.ok()) {
    // Redis may be down at start: the service reports NOT_SERVING and reloads scripts on demand.
    log::Warn("cohort.scripts_not_loaded", {{"code", absl::StatusCodeToString(loaded.code())}});
  }

  AdmissionGateOptions gate_options;
  gate_options.membership_token = options.membership_token;
  gate_options.membership_timeout = options.membership_timeout;
  gate_options.feed_initial_backoff = options.feed_initial_backoff;
  gate_options.feed_max_backoff = options.feed_max_backoff;
  gate_options.clock = options.clock;
  std::shared_ptr<AdmissionGate::MembershipStub> stub =
      ::dunbar::membership::v1::MembershipService::NewStub(std::move(membership_channel));
  auto gate = std::make_shared<AdmissionGate>(
      std::move(stub),
      [store, clock = options.clock](const ::dunbar::membership::v1::EntitlementChange& change) {
        return ApplyEntitlementChange(*store, change, clock());
      },
      std::move(gate_options));
  gate->StartFeed();

  CohortDomainOptions domain_options;
  domain_options.clock = options.clock;
  std::shared_ptr<SeatMetrics> seat_metrics;
  if (options.metrics != nullptr) {
    seat_metrics = std::make_shared<SeatMetrics>(store, *options.metrics);
    // A weak reference: the domain (held by the service) must not keep the thread alive.
    domain_options.seats_changed = [weak = std::weak_ptr<SeatMetrics>(seat_metrics)](
                                       const std::string& tenant, const std::string& program_id) {
      if (auto metrics = weak.lock()) metrics->ProgramChanged(tenant, program_id);
    };
  }
  auto domain = std::make_shared<CohortDomain>(store, gate, std::move(domain_options));
  auto service = std::make_unique<CohortGrpcService>(std::move(domain), std::move(tokens));
  return std::unique_ptr<CohortServer>(new CohortServerImpl(
      std::move(store), std::move(gate), std::move(seat_metrics), std::move(service)));
}

}  // namespace dunbar::cohort
