// Options for the pooled Redis client. Plain struct, documented defaults.
//
//   dunbar::redis::RedisOptions options;
//   options.url = "unix:///tmp/redis.sock";
//   options.pool_size = 16;
//   auto client = dunbar::redis::RedisClient::Connect(options);
#pragma once

#include <string>

#include "absl/time/time.h"

namespace dunbar::redis {

struct RedisOptions {
  // redis://[[user]:password@]host:port[/db]  or  unix:///path/to/redis.sock[?db=N]
  std::string url = "redis://127.0.0.1:6379/0";
  // Connections kept open. Callers beyond this many wait up to `acquire_timeout` for one, then get
  // UNAVAILABLE.
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(1);
  // Applies to every read/write on a connection; a timeout returns DEADLINE_EXCEEDED and the
  // connection is discarded (its reply stream can no longer be trusted).
  absl::Duration command_timeout = absl::Seconds(2);
  absl::Duration acquire_timeout = absl::Seconds(2);
  // After a failed connect, new connect attempts back off exponentially between these bounds, so a
  // dead Redis is not hammered by every request thread.
  absl::Duration reconnect_backoff_min = absl::Milliseconds(50);
  absl::Duration reconnect_backoff_max = absl::Seconds(2);
};

}  // namespace dunbar::redis
