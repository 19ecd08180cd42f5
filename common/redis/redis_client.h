// A thread-safe pooled Redis client over hiredis.
//
// Each call borrows one connection from the pool for its duration, so callers on different threads
// run in parallel up to `pool_size`. A connection that sees an I/O error or timeout is closed and
// never returned to the pool; the next borrower reconnects (with backoff while Redis stays down).
//
//   DUNBAR_ASSIGN_OR_RETURN(auto client, RedisClient::Connect(options));
//   auto reply = client->Command({"SET", "k", "v"});
//   auto replies = client->Pipeline({{"INCR", "a"}, {"INCR", "b"}});  // one round trip
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_options.h"
#include "common/redis/redis_reply.h"

namespace dunbar::redis {

class ConnectionPool;  // redis_pool.h

struct PoolStats {
  int size = 0;            // configured maximum
  int open = 0;            // connections currently open
  int in_use = 0;          // borrowed right now
  int64_t connects = 0;    // successful connects since start
  int64_t discarded = 0;   // connections dropped after an error
};

class RedisClient {
 public:
  // Validates the URL and options; does not require Redis to be up (connections are made lazily),
  // so a service can start and report NOT_SERVING until Redis answers.
  static absl::StatusOr<std::shared_ptr<RedisClient>> Connect(const RedisOptions& options);
  ~RedisClient();

  // One command; arguments are binary safe.
  absl::StatusOr<RedisReply> Command(std::initializer_list<std::string_view> args);
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);

  // Sends all commands on one connection, then reads all replies: one round trip for bulk writes.
  // The outer status is a transport failure (nothing can be said about which commands ran); the
  // inner ones are per-command error replies.
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  PoolStats Stats() const;
  const RedisOptions& options() const { return options_; }

 private:
  RedisClient(RedisOptions options, std::unique_ptr<ConnectionPool> pool);
  RedisOptions options_;
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace dunbar::redis
