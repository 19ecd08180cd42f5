#include "bench/rpc_load/contact_warmer.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/rpc_load/member_ids.h"
#include "common/client/grpc_client.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"

namespace dunbar::bench {
namespace {

namespace mv1 = ::dunbar::membership::v1;

// Kinds an operator typically sees, in rotation (never CONTACTED: that would start cooldowns).
constexpr mv1::InteractionKind kKinds[] = {mv1::LIKED, mv1::COMMENTED, mv1::REPLIED, mv1::ATTENDED,
                                           mv1::REFERRED};

}  // namespace

absl::StatusOr<int64_t> WarmContacts(const ChannelSet& channels, const ScenarioEnv& env,
                                     const WarmPlan& plan) {
  auto stub = mv1::MembershipService::NewStub(channels.ForClient(0));
  auto ids = ListMemberIds(*stub, env, plan.members);
  if (!ids.ok()) return ids.status();
  if (static_cast<int>(ids->size()) < plan.members) {
    return absl::FailedPreconditionError(absl::StrCat("tenant \"", env.tenant, "\" has only ",
                                                      ids->size(), " members, fewer than ",
                                                      plan.members, " to warm"));
  }
  const int64_t total = static_cast<int64_t>(ids->size()) * plan.interactions_per_member;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  absl::Mutex mu;
  absl::Status failure;
  std::vector<std::thread> threads;
  const absl::Time now = absl::Now();
  for (int t = 0; t < std::max(1, plan.parallel); ++t) {
    threads.emplace_back([&, t] {
      auto stub = mv1::MembershipService::NewStub(channels.ForClient(t));
      for (int64_t i = next.fetch_add(1); i < total; i = next.fetch_add(1)) {
        mv1::RecordInteractionRequest request;
        request.set_tenant(env.tenant);
        request.set_request_id(absl::StrCat(env.run_id, "-warm-", i));
        request.set_member_id((*ids)[i % ids->size()]);
        request.set_kind(kKinds[i % (sizeof(kKinds) / sizeof(kKinds[0]))]);
        // Spread over the last 60 days so warmth decays differently per contact.
        request.mutable_at()->set_seconds(absl::ToUnixSeconds(now - absl::Hours(i % 1440)));
        mv1::Interaction response;
        auto context = client::NewCallContext(env.timeout, env.token);
        grpc::Status status = stub->RecordInteraction(context.get(), request, &response);
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          if (failure.ok()) {
            failure = absl::UnavailableError(
                absl::StrCat("RecordInteraction failed: ", status.error_message()));
          }
          next.store(total);
          return;
        }
        done.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!failure.ok()) return failure;
  return done.load();
}

}  // namespace dunbar::bench
