// One Redis connection: an owned hiredis context, connected within a timeout, with the command
// timeout set on its socket, authenticated (AUTH) and with its database selected (SELECT).
//
// Not thread-safe: the pool (redis_pool.h) lends a connection to one caller at a time. Once a
// transport error happened (I/O error, timeout, protocol error) the reply stream can no longer be
// trusted, so `broken()` turns true and the pool drops the connection instead of reusing it.
//
//   DUNBAR_ASSIGN_OR_RETURN(auto connection, RedisConnection::Open(endpoint, options));
//   std::string_view argv[] = {"GET", "k"};
//   auto reply = connection->Command(argv);
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/redis_options.h"
#include "common/redis/redis_reply.h"
#include "common/redis/redis_url.h"

struct redisContext;  // hiredis

namespace dunbar::redis {

// One command as argument views (binary safe; the views must outlive the call).
using CommandArgs = absl::Span<const std::string_view>;

class RedisConnection {
 public:
  // UNAVAILABLE if Redis cannot be reached, refuses the credentials or the database.
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Open(const RedisEndpoint& endpoint,
                                                               const RedisOptions& options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // One round trip. Error replies become statuses (redis_errors.h).
  absl::StatusOr<RedisReply> Command(CommandArgs args);

  // Writes every command, then reads every reply: one round trip. The outer status is a transport
  // failure; the inner ones are per-command error replies.
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> Pipeline(
      absl::Span<const CommandArgs> commands);

  // For Pub/Sub, where replies arrive unasked (redis_subscriber.h): Send() writes one command
  // without reading its reply; ReadReplyWithin() returns the next reply if one arrives within
  // `wait`, nullopt otherwise, and the connection stays usable either way. It waits with poll(2)
  // and reads only once the socket is readable, because a read that runs into the socket timeout
  // (command_timeout) marks the hiredis context as failed: right for a request/reply command, wrong
  // for a subscriber that idles between messages. A reply that arrives in pieces is kept in the
  // reader until the rest comes.
  absl::Status Send(CommandArgs args);
  absl::StatusOr<std::optional<RedisReply>> ReadReplyWithin(absl::Duration wait);

  // True after a transport failure: the connection must be dropped.
  bool broken() const;
  // For a connection that sat idle in the pool: false if the server closed it meanwhile (e.g.
  // Redis restarted) or sent bytes nobody asked for. One non-blocking poll(2), no round trip.
  bool IdleAndHealthy() const;

 private:
  explicit RedisConnection(redisContext* context);
  absl::Status Append(CommandArgs args);
  absl::StatusOr<RedisReply> ReadReply();
  // Records that the connection is out of step and maps the hiredis error to a status.
  absl::Status TransportError(int saved_errno);

  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  std::unique_ptr<redisContext, ContextDeleter> context_;
  bool failed_ = false;
};

}  // namespace dunbar::redis
