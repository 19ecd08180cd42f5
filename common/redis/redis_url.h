// Parses Redis URLs:
//   redis://[[user]:password@]host[:port][/db]       (host may be an [IPv6] literal)
//   unix://[[user]:password@]/path/to/redis.sock[?db=N]
// User and password may be percent-encoded (e.g. %40 for '@'). TLS (rediss://) is not supported by
// hiredis 0.14 and is rejected.
//
//   auto endpoint = ParseRedisUrl("redis://:secret@10.0.0.5:6380/2");
//   // endpoint->host == "10.0.0.5", port == 6380, password == "secret", db == 2
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dunbar::redis {

struct RedisEndpoint {
  enum class Kind { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;      // kTcp
  int port = 6379;       // kTcp
  std::string path;      // kUnix
  std::string username;  // empty: AUTH with password only
  std::string password;  // empty: no AUTH
  int db = 0;

  // "host:port" or the socket path, never the credentials: safe for logs.
  std::string Describe() const;
};

// INVALID_ARGUMENT naming the problem for anything malformed (unknown scheme, bad port, bad db).
absl::StatusOr<RedisEndpoint> ParseRedisUrl(std::string_view url);

}  // namespace dunbar::redis
