#include "bench/rpc_load/scenario.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dunbar::bench {

std::vector<std::string> ScenarioNames() {
  return {"health", "get-member", "create-member", "rank-contacts",
          "enroll", "echo",       "echo-redis",    "generic"};
}

absl::StatusOr<Scenario> MakeScenario(std::string_view name, const ScenarioEnv& env) {
  if (name == "health") return MakeHealthScenario(env);
  if (name == "get-member") return MakeGetMemberScenario(env);
  if (name == "create-member") return MakeCreateMemberScenario(env);
  if (name == "rank-contacts") return MakeRankContactsScenario(env);
  if (name == "enroll") return MakeEnrollScenario(env);
  if (name == "echo") return MakeEchoScenario(env, /*with_redis=*/false);
  if (name == "echo-redis") return MakeEchoScenario(env, /*with_redis=*/true);
  if (name == "generic") return MakeGenericScenario(env);
  return absl::InvalidArgumentError(
      absl::StrCat("--figure: unknown scenario \"", std::string(name),
                   "\"; known: ", absl::StrJoin(ScenarioNames(), ", ")));
}

}  // namespace dunbar::bench
