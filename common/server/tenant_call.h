// The common shape of a tenant-scoped unary gRPC handler: authenticate the bearer token, resolve
// the tenant the request acts on, tag the RPC log line with it, run the service logic, and map its
// absl::Status to a grpc::Status. Service adapters stay one line per RPC:
//
//   grpc::Status CohortGrpcService::GetProgram(grpc::ServerContext* context,
//                                              const v1::GetProgramRequest* request,
//                                              v1::Program* response) {
//     return server::RunTenantCall(*tokens_, *context, request->tenant(), response,
//         [&](const std::string& tenant) { return domain_->GetProgram(tenant, *request); });
//   }
//
// CallDeadline gives the caller's deadline as an absl::Time, for forwarding to downstream calls.
#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/grpc_auth.h"
#include "common/auth/token_store.h"
#include "common/server/rpc_log_interceptor.h"
#include "common/status/grpc_status.h"

namespace dunbar::server {

// `call(tenant)` returns absl::StatusOr<Response>; on success its value is moved into `response`.
template <typename Response, typename Call>
grpc::Status RunTenantCall(auth::TokenStore& tokens, grpc::ServerContext& context,
                           std::string_view requested_tenant, Response* response, Call&& call) {
  absl::StatusOr<auth::Principal> principal = auth::Authenticate(tokens, context);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  absl::StatusOr<std::string> tenant = auth::ResolveTenant(*principal, requested_tenant);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  SetLogTenant(context, *tenant);
  absl::StatusOr<Response> result = std::forward<Call>(call)(*tenant);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

// The call's deadline; InfiniteFuture when the client set none (gRPC reports the time_point's
// maximum, which absl::FromChrono cannot represent).
inline absl::Time CallDeadline(const grpc::ServerContextBase& context) {
  const std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace dunbar::server
