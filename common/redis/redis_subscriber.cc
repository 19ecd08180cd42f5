#include "common/redis/redis_subscriber.h"

#include <utility>

#include "absl/time/clock.h"
#include "common/redis/redis_errors.h"

namespace dunbar::redis {
namespace {

constexpr char kLost[] = "Redis subscription lost";

// A Pub/Sub push: ["message", channel, payload] or a confirmation like ["subscribe", channel, n].
bool IsPush(const RedisReply& reply, std::string_view kind) {
  return reply.is_array() && reply.elements().size() == 3 && reply.elements()[0].str() == kind;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisSubscriber>> RedisSubscriber::Open(
    const RedisOptions& options) {
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisUrl(options.url);
  if (!endpoint.ok()) return endpoint.status();
  return Open(*endpoint, options);
}

absl::StatusOr<std::unique_ptr<RedisSubscriber>> RedisSubscriber::Open(
    const RedisEndpoint& endpoint, const RedisOptions& options) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Open(endpoint, options);
  if (!connection.ok()) return connection.status();
  return std::unique_ptr<RedisSubscriber>(
      new RedisSubscriber(*std::move(connection), options.command_timeout));
}

RedisSubscriber::RedisSubscriber(std::unique_ptr<RedisConnection> connection,
                                 absl::Duration command_timeout)
    : connection_(std::move(connection)), command_timeout_(command_timeout) {}

absl::StatusOr<std::optional<RedisReply>> RedisSubscriber::Read(absl::Duration wait) {
  if (failed_) return TransportUnavailableError(kLost);
  absl::StatusOr<std::optional<RedisReply>> reply = connection_->ReadReplyWithin(wait);
  if (!reply.ok() && (IsConnectionError(reply.status()) || connection_->broken())) {
    failed_ = true;
    // Whatever the transport said (EOF, reset, protocol error): the subscription is gone.
    return TransportUnavailableError(kLost);
  }
  return reply;
}

absl::Status RedisSubscriber::Subscribe(std::string_view channel) {
  if (failed_) return TransportUnavailableError(kLost);
  if (absl::Status sent = connection_->Send({std::string_view("SUBSCRIBE"), channel}); !sent.ok()) {
    failed_ = true;
    return TransportUnavailableError(kLost);
  }
  const absl::Time deadline = absl::Now() + command_timeout_;
  while (true) {
    absl::StatusOr<std::optional<RedisReply>> reply = Read(deadline - absl::Now());
    if (!reply.ok()) return reply.status();
    if (!reply->has_value()) {
      // The confirmation may still come later and would then be out of step with our reads.
      failed_ = true;
      return TransportTimeoutError("Redis did not confirm the subscription in time");
    }
    const RedisReply& push = **reply;
    if (IsPush(push, "subscribe") && push.elements()[1].str() == channel) {
      return absl::OkStatus();
    }
    if (IsPush(push, "message")) {
      pending_.push_back(Message{push.elements()[1].str(), push.elements()[2].str()});
    }
  }
}

absl::StatusOr<std::optional<RedisSubscriber::Message>> RedisSubscriber::Next(absl::Duration wait) {
  if (!pending_.empty()) {
    Message message = std::move(pending_.front());
    pending_.pop_front();
    return message;
  }
  const absl::Time deadline = absl::Now() + wait;
  while (true) {
    absl::StatusOr<std::optional<RedisReply>> reply = Read(deadline - absl::Now());
    if (!reply.ok()) return reply.status();
    if (!reply->has_value()) return std::nullopt;
    const RedisReply& push = **reply;
    if (IsPush(push, "message")) {
      return Message{push.elements()[1].str(), push.elements()[2].str()};
    }
    // Anything else (a late confirmation) carries no message: keep waiting.
  }
}

}  // namespace dunbar::redis
