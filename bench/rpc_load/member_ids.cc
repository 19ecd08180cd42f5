#include "bench/rpc_load/member_ids.h"

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"

namespace dunbar::bench {

namespace mv1 = ::dunbar::membership::v1;

absl::StatusOr<std::vector<std::string>> ListMemberIds(mv1::MembershipService::Stub& stub,
                                                       const ScenarioEnv& env, int want) {
  std::vector<std::string> ids;
  std::string page_token;
  while (static_cast<int>(ids.size()) < want) {
    mv1::ListMembersRequest request;
    request.set_tenant(env.tenant);
    request.set_page_size(500);
    request.set_page_token(page_token);
    mv1::ListMembersResponse response;
    auto context = client::NewCallContext(env.timeout, env.token);
    grpc::Status status = stub.ListMembers(context.get(), request, &response);
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat("ListMembers failed: ", status.error_message()));
    }
    for (const auto& m : response.members()) ids.push_back(m.id());
    page_token = response.next_page_token();
    if (page_token.empty()) break;
  }
  if (static_cast<int>(ids.size()) > want) ids.resize(want);
  return ids;
}

}  // namespace dunbar::bench
