// Bearer tokens on gRPC calls: server side reads the `authorization` metadata, client side adds it.
#include "common/auth/grpc_auth.h"

#include <grpcpp/client_context.h>

#include <iterator>
#include <string>

namespace dunbar::auth {

absl::StatusOr<Principal> Authenticate(TokenStore& tokens, const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto [first, last] = metadata.equal_range("authorization");
  if (first == last) return absl::UnauthenticatedError("authorization: missing bearer token");
  // Two credentials on one call is ambiguous: refuse rather than pick one.
  if (std::next(first) != last) {
    return absl::UnauthenticatedError("authorization: more than one value");
  }
  return tokens.Authenticate(std::string_view(first->second.data(), first->second.size()));
}

void AttachToken(grpc::ClientContext& context, std::string_view token) {
  context.AddMetadata("authorization", std::string("Bearer ").append(token));
}

}  // namespace dunbar::auth
