// Membership figures: GetMember, CreateMember and RankContacts (first page).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/rpc_load/member_ids.h"
#include "bench/rpc_load/scenario.h"
#include "common/client/grpc_client.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"

namespace dunbar::bench {
namespace {

namespace mv1 = ::dunbar::membership::v1;

// Members GetMember cycles over: enough that Redis does not serve one hot key.
constexpr int kGetMemberIds = 1000;

grpc::Status CreateOne(mv1::MembershipService::Stub& stub, const ScenarioEnv& env,
                       const std::string& request_id, uint64_t handle_number,
                       mv1::Member* created) {
  mv1::CreateMemberRequest request;
  request.set_tenant(env.tenant);
  request.set_request_id(request_id);
  mv1::Member* member = request.mutable_member();
  member->set_name(absl::StrCat("压测 成员 ", handle_number));
  // CN mobile numbers 139xxxxxxxx: valid for the default country, unique per handle_number.
  member->set_phone(absl::StrFormat("139%08d", handle_number % 100000000));
  member->set_email(absl::StrCat("m", handle_number, "-", env.run_id, "@bench.example"));
  member->set_stage(mv1::STAGE_LEAD);
  member->add_tags("bench");
  member->set_source("bench");
  member->mutable_connection_point()->set_description("bench workshop");
  auto context = client::NewCallContext(env.timeout, env.token);
  return stub.CreateMember(context.get(), request, created);
}

}  // namespace

absl::StatusOr<Scenario> MakeGetMemberScenario(const ScenarioEnv& env) {
  auto stub = mv1::MembershipService::NewStub(env.channels->ForClient(0));
  auto ids = ListMemberIds(*stub, env, kGetMemberIds);
  if (!ids.ok()) return ids.status();
  // An empty tenant gets members of its own, so the figure never measures NOT_FOUND.
  const uint64_t base = absl::Uniform<uint64_t>(absl::BitGen(), 0, 90000000);
  for (int i = static_cast<int>(ids->size()); i < kGetMemberIds; ++i) {
    mv1::Member created;
    grpc::Status status =
        CreateOne(*stub, env, absl::StrCat(env.run_id, "-get-", i), base + i, &created);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("CreateMember for get-member setup failed: ", status.error_message()));
    }
    ids->push_back(created.id());
  }
  auto shared_ids = std::make_shared<const std::vector<std::string>>(std::move(*ids));

  Scenario scenario;
  scenario.display_name = "GetMember";
  scenario.make_caller = [env, shared_ids](int client) -> Caller {
    std::shared_ptr<mv1::MembershipService::Stub> stub =
        mv1::MembershipService::NewStub(env.channels->ForClient(client));
    // Clients start at different offsets so they do not read the same key in lockstep.
    auto next = std::make_shared<size_t>(static_cast<size_t>(client) * 7919);
    return [stub, env, shared_ids, next]() {
      mv1::GetMemberRequest request;
      request.set_tenant(env.tenant);
      request.set_member_id((*shared_ids)[(*next)++ % shared_ids->size()]);
      mv1::Member member;
      auto context = client::NewCallContext(env.timeout, env.token);
      return stub->GetMember(context.get(), request, &member);
    };
  };
  return scenario;
}

absl::StatusOr<Scenario> MakeCreateMemberScenario(const ScenarioEnv& env) {
  // Handles must be new on every call (a known handle is not a create). Each client owns a block
  // of 10^6 phone numbers after a random base, so runs into a reused tenant rarely collide.
  const uint64_t base = absl::Uniform<uint64_t>(absl::BitGen(), 0, 100000000);
  Scenario scenario;
  scenario.display_name = "CreateMember";
  scenario.make_caller = [env, base](int client) -> Caller {
    std::shared_ptr<mv1::MembershipService::Stub> stub =
        mv1::MembershipService::NewStub(env.channels->ForClient(client));
    auto seq = std::make_shared<uint64_t>(0);
    return [stub, env, base, client, seq]() {
      const uint64_t n = (*seq)++;
      mv1::Member created;
      return CreateOne(*stub, env, absl::StrCat(env.run_id, "-c", client, "-", n),
                       base + static_cast<uint64_t>(client) * 1000000 + n, &created);
    };
  };
  return scenario;
}

absl::StatusOr<Scenario> MakeRankContactsScenario(const ScenarioEnv& env) {
  mv1::RankContactsRequest request;
  request.set_tenant(env.tenant);
  request.set_page_size(env.page_size);
  // The figure is only meaningful on a seeded tenant: a short page would flatter it.
  {
    auto stub = mv1::MembershipService::NewStub(env.channels->ForClient(0));
    mv1::RankContactsResponse response;
    auto context = client::NewCallContext(env.timeout, env.token);
    grpc::Status status = stub->RankContacts(context.get(), request, &response);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("RankContacts setup call failed: ", status.error_message()));
    }
    if (response.contacts_size() < env.page_size) {
      return absl::FailedPreconditionError(
          absl::StrCat("tenant \"", env.tenant, "\" ranks only ", response.contacts_size(),
                       " contacts, fewer than --page-size ", env.page_size,
                       ": seed it first (rpc_load import --warm)"));
    }
  }
  auto shared_request = std::make_shared<const mv1::RankContactsRequest>(request);
  Scenario scenario;
  scenario.display_name = absl::StrCat("RankContacts(page ", env.page_size, ")");
  scenario.make_caller = [env, shared_request](int client) -> Caller {
    std::shared_ptr<mv1::MembershipService::Stub> stub =
        mv1::MembershipService::NewStub(env.channels->ForClient(client));
    return [stub, env, shared_request]() {
      mv1::RankContactsResponse response;
      auto context = client::NewCallContext(env.timeout, env.token);
      return stub->RankContacts(context.get(), *shared_request, &response);
    };
  };
  return scenario;
}

}  // namespace dunbar::bench
