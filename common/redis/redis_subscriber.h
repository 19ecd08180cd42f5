// A Redis Pub/Sub subscriber on a dedicated connection of its own (a connection in subscribed mode
// accepts no other commands, so it can never come from the shared pool). Opened like a pooled
// connection (RedisConnection::Open: connect timeout, AUTH and SELECT from the URL).
//
// Waiting for a message never breaks the connection: Next() polls the socket for at most `wait`
// and returns nullopt when nothing came, so a caller can check its own stop conditions between
// waits. Not thread-safe: one owner at a time.
//
//   DUNBAR_ASSIGN_OR_RETURN(auto subscriber, RedisSubscriber::Open(options));
//   DUNBAR_RETURN_IF_ERROR(subscriber->Subscribe("dunbar:membership:entitlement-changes"));
//   while (!stopping) {
//     DUNBAR_ASSIGN_OR_RETURN(auto message, subscriber->Next(absl::Milliseconds(100)));
//     if (message) Handle(message->payload);
//   }
//
// Errors: UNAVAILABLE when Redis cannot be reached or the connection breaks (Redis stopped or
// restarted); every later call then fails with UNAVAILABLE too: open a new subscriber. Delivery is
// Redis Pub/Sub's: at most once, nothing published while no subscription was open is replayed.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_connection.h"
#include "common/redis/redis_options.h"
#include "common/redis/redis_url.h"

namespace dunbar::redis {

class RedisSubscriber {
 public:
  struct Message {
    std::string channel;
    std::string payload;
  };

  // Uses options.url, connect_timeout and command_timeout (pool settings do not apply).
  // INVALID_ARGUMENT for a malformed URL; UNAVAILABLE as RedisConnection::Open.
  static absl::StatusOr<std::unique_ptr<RedisSubscriber>> Open(const RedisOptions& options);
  static absl::StatusOr<std::unique_ptr<RedisSubscriber>> Open(const RedisEndpoint& endpoint,
                                                               const RedisOptions& options);
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // Returns once Redis has confirmed the subscription: every message published on `channel` from
  // then on is delivered. DEADLINE_EXCEEDED if the confirmation takes longer than command_timeout.
  absl::Status Subscribe(std::string_view channel);
  // The next message, or nullopt if none arrived within `wait`.
  absl::StatusOr<std::optional<Message>> Next(absl::Duration wait);

 private:
  RedisSubscriber(std::unique_ptr<RedisConnection> connection, absl::Duration command_timeout);
  // Reads one reply within `wait`; a transport failure makes the subscriber unusable.
  absl::StatusOr<std::optional<RedisReply>> Read(absl::Duration wait);

  std::unique_ptr<RedisConnection> connection_;
  absl::Duration command_timeout_;
  // Messages that arrived while Subscribe() waited for its confirmation.
  std::deque<Message> pending_;
  bool failed_ = false;
};

}  // namespace dunbar::redis
