// Lua scripts run by SHA (EVALSHA), loaded at start and transparently reloaded on NOSCRIPT (Redis
// forgets every script when it restarts).
//
//   ScriptRegistry scripts(client);
//   ScriptId enroll = scripts.Register("enroll", kEnrollLua);
//   DUNBAR_RETURN_IF_ERROR(scripts.LoadAll());  // at start; failure is fine if Redis is down
//   auto reply = scripts.Eval(enroll, {key1, key2}, {arg1, arg2});
//
// Keys go in KEYS and every value in ARGV; nothing is ever spliced into script text.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
