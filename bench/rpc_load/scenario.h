// Named load scenarios: each turns a ScenarioEnv into a CallerFactory for RunClosedLoop, doing its
// own setup first (e.g. GetMember lists ids to fetch; RankContacts checks the tenant is seeded).
//
//   ScenarioEnv env{.channels = &channels, .token = token, .tenant = "acme"};
//   auto factory = MakeScenario("get-member", env);
//   LoadResult r = RunClosedLoop("GetMember", options, *factory);
//
// Scenarios: health (the baseline: grpc.health.v1.Health/Check, the empty RPC), get-member,
// create-member, rank-contacts, enroll (cohort), echo, echo-redis, and generic (any unary RPC by
// method name with a fixed request in protobuf text format).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/load/channel_set.h"
#include "bench/load/closed_loop.h"

namespace dunbar::bench {

struct ScenarioEnv {
  const ChannelSet* channels = nullptr;
  std::string token;                           // bearer token; empty: none sent
  std::string tenant;                          // membership scenarios
  absl::Duration timeout = absl::Seconds(10);  // per-call deadline
  int page_size = 20;                          // rank-contacts
  std::string run_id;           // unique per process: request ids and handles of created members
  bool require_serving = true;  // health: refuse to measure a NOT_SERVING server
  std::string generic_method;   // generic: "/package.Service/Method"
  std::string generic_request;  // generic: request in text format
  // enroll: membership (for the member ids) and how many members the run may enrol.
  const ChannelSet* membership_channels = nullptr;
  int enroll_members = 100000;
  bool enroll_warm = true;  // admissions cached before the measured calls
};

struct Scenario {
  std::string display_name;  // RPC name shown in reports, e.g. "GetMember"
  CallerFactory make_caller;
};

absl::StatusOr<Scenario> MakeScenario(std::string_view name, const ScenarioEnv& env);
std::vector<std::string> ScenarioNames();

// Per-scenario constructors (one file each).
absl::StatusOr<Scenario> MakeHealthScenario(const ScenarioEnv& env);
absl::StatusOr<Scenario> MakeGetMemberScenario(const ScenarioEnv& env);
absl::StatusOr<Scenario> MakeCreateMemberScenario(const ScenarioEnv& env);
absl::StatusOr<Scenario> MakeRankContactsScenario(const ScenarioEnv& env);
absl::StatusOr<Scenario> MakeEchoScenario(const ScenarioEnv& env, bool with_redis);
absl::StatusOr<Scenario> MakeGenericScenario(const ScenarioEnv& env);
absl::StatusOr<Scenario> MakeEnrollScenario(const ScenarioEnv& env);

}  // namespace dunbar::bench
