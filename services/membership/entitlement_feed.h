// The live feed behind WatchEntitlementChanges. Each watcher gets a dedicated Redis subscriber
// (redis_subscriber.h) on kEntitlementChangesChannel (entitlement_change_codec.h): a subscribed
// connection can do nothing else, so the shared pool is never used for it.
//
//   EntitlementFeed feed(redis_options);
//   absl::Status ended = feed.Watch([&] { return context->IsCancelled(); },
//                                   [&](const v1::EntitlementChange& c) { return writer->Write(c);
//                                   });
//   // elsewhere, when the server drains:  feed.Stop();
//
// Watch() blocks for the life of the stream and checks its stop conditions every kPollInterval,
// so a cancelled client or a draining server ends it within that time.
#pragma once

#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/redis/redis_options.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

class EntitlementFeed {
 public:
  // How long one wait for a message lasts before the stop conditions are checked again.
  static constexpr absl::Duration kPollInterval = absl::Milliseconds(100);

  // Watchers connect with `redis` (URL with password/db, connect and command timeouts).
  explicit EntitlementFeed(redis::RedisOptions redis);

  // Sends {subscribed: true} once Redis has confirmed the subscription, then every change, until:
  // - Redis is unreachable or the connection breaks -> UNAVAILABLE (the caller reconnects);
  // - Stop() was called, before or during the watch -> UNAVAILABLE (the server is draining);
  // - `cancelled()` turns true or `send` returns false (the client is gone) -> CANCELLED;
  // - a notice cannot be read -> INTERNAL (logged), so the caller distrusts its cache.
  // Thread-safe: one Watch per stream, any number at once.
  absl::Status Watch(const std::function<bool()>& cancelled,
                     const std::function<bool(const v1::EntitlementChange&)>& send);

  // Ends every running Watch within kPollInterval, and makes later ones end at once. Idempotent;
  // safe from any thread.
  void Stop();

 private:
  const redis::RedisOptions redis_;
  std::atomic<bool> stopped_{false};
};

}  // namespace dunbar::membership
