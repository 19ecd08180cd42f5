// Makes contacts warm: records interactions on the first `members` members of a tenant (in
// ListMembers order), so the top of RankContacts is warm contacts with reasons, as in real use.
// Seeding 10^4 and 10^6 contacts and warming the same number in each keeps the two RankContacts
// figures comparable.
//
//   WarmPlan plan{.members = 2000};
//   auto warmed = WarmContacts(channels, env, plan);  // interactions recorded
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "bench/load/channel_set.h"
#include "bench/rpc_load/scenario.h"

namespace dunbar::bench {

struct WarmPlan {
  int members = 2000;
  int interactions_per_member = 2;
  int parallel = 8;
};

// Number of interactions recorded; UNAVAILABLE etc. on the first failed call.
absl::StatusOr<int64_t> WarmContacts(const ChannelSet& channels, const ScenarioEnv& env,
                                     const WarmPlan& plan);

}  // namespace dunbar::bench
