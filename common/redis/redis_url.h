// Parses Redis URLs: redis://[[user]:password@]host[:port][/db] and unix:///path[?db=N].
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dunbar::redis {

struct RedisEndpoint {
  enum class Kind { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;        // kTcp
  int port = 6379;         // kTcp
  std::string path;        // kUnix
  std::string username;    // empty: AUTH with password only
  std::string password;    // empty: no AUTH
  int db = 0;
};

// INVALID_ARGUMENT naming the problem for anything malformed (unknown scheme, bad port, bad db).
absl::StatusOr<RedisEndpoint> ParseRedisUrl(std::string_view url);

}  // namespace dunbar::redis
