// Lua scripts run by SHA (EVALSHA), loaded at start and transparently reloaded on NOSCRIPT (Redis
// forgets every script when it restarts, and on SCRIPT FLUSH).
//
//   ScriptRegistry scripts(client);
//   ScriptId enroll = scripts.Register("enroll", kEnrollLua);
//   DUNBAR_RETURN_IF_ERROR(scripts.LoadAll());  // at start; failure is fine if Redis is down
//   auto reply = scripts.Eval(enroll, {key1, key2}, {arg1, arg2});
//
// Keys go in KEYS and every value in ARGV; nothing is ever spliced into script text. A script
// fails with a specific code through `return redis.error_reply("NOT_FOUND member " .. id)`
// (see redis_errors.h).
//
// Thread-safety: Register all scripts first (single-threaded, at start); after that Eval,
// EvalPipeline and LoadAll may be called from any number of threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"

namespace dunbar::redis {

using ScriptId = size_t;

struct ScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

class ScriptRegistry {
 public:
  explicit ScriptRegistry(std::shared_ptr<RedisClient> client);

  // Computes the SHA1 locally; call before LoadAll/Eval. Not thread-safe against concurrent Eval.
  ScriptId Register(std::string name, std::string_view source);
  // SCRIPT LOAD for every registered script.
  absl::Status LoadAll();

  // EVALSHA; on NOSCRIPT the script is sent once with EVAL (which also caches it again).
  absl::StatusOr<RedisReply> Eval(ScriptId script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);
  // Many calls of one script in one round trip (bulk imports). On NOSCRIPT the script is loaded
  // and only the calls that failed with NOSCRIPT are sent again.
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> EvalPipeline(
      ScriptId script, const std::vector<ScriptCall>& calls);

  const std::string& sha(ScriptId script) const;
  const std::string& name(ScriptId script) const;
  RedisClient& client() { return *client_; }

 private:
  struct Script {
    std::string name;
    std::string source;
    std::string sha;
  };
  absl::Status Load(const Script& script);

  std::shared_ptr<RedisClient> client_;
  std::vector<Script> scripts_;
};

}  // namespace dunbar::redis
