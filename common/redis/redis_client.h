// A thread-safe pooled Redis client over hiredis.
//
// Each call borrows one connection from the pool (redis_pool.h) for its duration, so callers on
// different threads run in parallel up to `pool_size`. A connection that sees an I/O error or
// timeout is closed and never returned to the pool; the next borrower reconnects (with backoff
// while Redis stays down, during which callers fail fast with UNAVAILABLE).
//
//   DUNBAR_ASSIGN_OR_RETURN(auto client, RedisClient::Connect(options));
//   auto reply = client->Command({"SET", "k", "v"});
//   auto replies = client->Pipeline({{"INCR", "a"}, {"INCR", "b"}});  // one round trip
//
// An optional RedisObserver (redis_observer.h) sees every round trip and pool change (metrics).
//
// Errors: see redis_errors.h. NIL replies are values (RedisReply::is_nil), not errors.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/redis/redis_observer.h"
#include "common/redis/redis_options.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_reply.h"

namespace dunbar::redis {

class RedisClient {
 public:
  // Validates the URL and options (INVALID_ARGUMENT naming the field); does not require Redis to be
  // up (connections are made lazily), so a service can start and report NOT_SERVING until Redis
  // answers. Also ignores SIGPIPE process-wide if it still has the default action: hiredis writes
  // with write(2), and a write to a connection Redis closed must be an error, not process death.
  // `observer` (optional) is kept for the client's lifetime.
  static absl::StatusOr<std::shared_ptr<RedisClient>> Connect(
      const RedisOptions& options, std::shared_ptr<RedisObserver> observer = nullptr);
  ~RedisClient();

  // One command; arguments are binary safe.
  absl::StatusOr<RedisReply> Command(std::initializer_list<std::string_view> args);
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);
  // Zero-copy form: views into the caller's buffers (they must outlive the call).
  absl::StatusOr<RedisReply> CommandView(CommandArgs args);

  // Sends all commands on one connection, then reads all replies: one round trip for bulk writes.
  // The outer status is a transport failure (nothing can be said about which commands ran); the
  // inner ones are per-command error replies.
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);
  // Zero-copy form of Pipeline: commands[i] views the caller's buffers.
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> PipelineView(
      absl::Span<const CommandArgs> commands);

  PoolStats Stats() const;
  const RedisOptions& options() const { return options_; }

 private:
  RedisClient(RedisOptions options, std::shared_ptr<RedisObserver> observer,
              std::unique_ptr<ConnectionPool> pool);
  RedisOptions options_;
  std::shared_ptr<RedisObserver> observer_;  // May be null.
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace dunbar::redis
