// Authentication for gRPC handlers: reads `authorization` metadata from the server context.
//
//   DUNBAR_ASSIGN_OR_RETURN(auth::Principal who, auth::Authenticate(*tokens, context));
//   DUNBAR_ASSIGN_OR_RETURN(std::string tenant, auth::ResolveTenant(who, request.tenant()));
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "common/auth/token_store.h"

namespace dunbar::auth {

absl::StatusOr<Principal> Authenticate(TokenStore& tokens, const grpc::ServerContext& context);

// Client side: adds "authorization: Bearer <token>" to an outgoing call.
void AttachToken(grpc::ClientContext& context, std::string_view token);

}  // namespace dunbar::auth
