#include "services/membership/membership_server.h"

#include <utility>

#include "common/log/json_log.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"
#include "services/membership/entitlement_feed.h"
#include "services/membership/member_store.h"
#include "services/membership/membership_domain.h"
#include "services/membership/membership_grpc_service.h"

namespace dunbar::membership {
namespace {

class MembershipServerImpl final : public MembershipServer {
 public:
  MembershipServerImpl(std::shared_ptr<MemberStore> store,
                       std::shared_ptr<EntitlementFeed> entitlement_feed,
                       std::unique_ptr<MembershipGrpcService> service)
      : store_(std::move(store)),
        entitlement_feed_(std::move(entitlement_feed)),
        service_(std::move(service)) {}

  grpc::Service* service() override { return service_.get(); }
  absl::Status Probe() override { return store_->Probe(); }
  void BeginDrain() override { entitlement_feed_->Stop(); }

 private:
  std::shared_ptr<MemberStore> store_;
  std::shared_ptr<EntitlementFeed> entitlement_feed_;
  std::unique_ptr<MembershipGrpcService> service_;
};

absl::Status ValidateOptions(const MembershipOptions& options) {
  DUNBAR_RETURN_IF_ERROR(
      validation::ValidateCountryCode("default_country", options.default_country).status());
  if (options.warmth_half_life <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("warmth_half_life: must be positive");
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

}  // namespace

absl::StatusOr<std::unique_ptr<MembershipServer>> MembershipServer::Create(
    std::shared_ptr<redis::RedisClient> redis, std::shared_ptr<auth::TokenStore> tokens,
    MembershipOptions options) {
  if (!redis || !tokens) return absl::InvalidArgumentError("redis and tokens are required");
  if (absl::Status valid = ValidateOptions(options); !valid.ok()) return valid;

  auto entitlement_feed = std::make_shared<EntitlementFeed>(redis->options());
  MemberStore::Options store_options;
  store_options.event_stream_max_len = options.event_stream_max_len;
  store_options.request_id_ttl = options.request_id_ttl;
  auto store = std::make_shared<MemberStore>(std::move(redis), store_options);
  if (absl::Status loaded = store->LoadScripts(); !loaded.ok()) {
    // Redis may be down at start: the service reports NOT_SERVING and reloads scripts on demand.
    log::Warn("membership.scripts_not_loaded", {{"code", absl::StatusCodeToString(loaded.code())}});
  }

  DomainOptions domain_options;
  domain_options.default_country = options.default_country;
  domain_options.warmth_half_life = options.warmth_half_life;
  domain_options.clock = options.clock;
  auto domain = std::make_shared<MembershipDomain>(store, std::move(domain_options));
  auto service = std::make_unique<MembershipGrpcService>(std::move(domain), std::move(tokens),
                                                         entitlement_feed);
  return std::unique_ptr<MembershipServer>(
      new MembershipServerImpl(std::move(store), std::move(entitlement_feed), std::move(service)));
}

}  // namespace dunbar::membership
