#include "services/membership/entitlement_feed.h"

#include <memory>
#include <optional>
#include <utility>

#include "common/log/json_log.h"
#include "common/redis/redis_subscriber.h"
#include "services/membership/entitlement_change_codec.h"

namespace dunbar::membership {
namespace {

absl::Status Draining() {
  return absl::UnavailableError("entitlement feed: the server is shutting down; reconnect");
}

absl::Status RedisLost() {
  return absl::UnavailableError("entitlement feed: the change feed was interrupted; reconnect");
}

}  // namespace

EntitlementFeed::EntitlementFeed(redis::RedisOptions redis) : redis_(std::move(redis)) {}

void EntitlementFeed::Stop() { stopped_.store(true); }

absl::Status EntitlementFeed::Watch(const std::function<bool()>& cancelled,
                                    const std::function<bool(const v1::EntitlementChange&)>& send) {
  if (stopped_.load()) return Draining();
  absl::StatusOr<std::unique_ptr<redis::RedisSubscriber>> subscriber =
      redis::RedisSubscriber::Open(redis_);
  if (!subscriber.ok()) {
    log::Warn("membership.entitlement_feed_failed", {{"error", subscriber.status().ToString()}});
    return RedisLost();
  }
  if (absl::Status subscribed = (*subscriber)->Subscribe(kEntitlementChangesChannel);
      !subscribed.ok()) {
    log::Warn("membership.entitlement_feed_failed", {{"error", subscribed.ToString()}});
    return RedisLost();
  }
  v1::EntitlementChange first;
  first.set_subscribed(true);
  if (!send(first)) return absl::CancelledError("entitlement feed: the client went away");

  while (true) {
    if (stopped_.load()) return Draining();
    if (cancelled()) return absl::CancelledError("entitlement feed: cancelled by the client");
    absl::StatusOr<std::optional<redis::RedisSubscriber::Message>> message =
        (*subscriber)->Next(kPollInterval);
    if (!message.ok()) {
      log::Warn("membership.entitlement_feed_failed", {{"error", message.status().ToString()}});
      return RedisLost();
    }
    if (!message->has_value()) continue;
    absl::StatusOr<v1::EntitlementChange> change = DecodeEntitlementChange((*message)->payload);
    if (!change.ok()) {
      log::Error("membership.entitlement_feed_bad_notice", {{"bytes", (*message)->payload.size()}});
      return change.status();
    }
    if (!send(*change)) return absl::CancelledError("entitlement feed: the client went away");
  }
}

}  // namespace dunbar::membership
