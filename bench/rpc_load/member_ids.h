// The first `want` member ids of the bench tenant, in ListMembers order (fewer if it has fewer):
// the members a figure reads or warms.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/rpc_load/scenario.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"

namespace dunbar::bench {

absl::StatusOr<std::vector<std::string>> ListMemberIds(
    membership::v1::MembershipService::Stub& stub, const ScenarioEnv& env, int want);

}  // namespace dunbar::bench
