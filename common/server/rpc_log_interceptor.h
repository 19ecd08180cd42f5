// Server interceptor writing one JSON log line per RPC: method, gRPC code name, latency in ms, and
// the tenant the handler reported via SetLogTenant. No request or response content, no metadata
// and no peer address is ever logged.
//
//   builder.experimental().SetInterceptorCreators(...MakeRpcLogInterceptorFactory()...);
//   // in a handler, once the caller is authenticated:
//   SetLogTenant(*context, principal.tenant);
//   ->
//   {"ts":...,"level":"info","event":"rpc","method":"/dunbar.membership.v1.MembershipService/GetMember",
//       "code":"NOT_FOUND","latency_ms":0.412,"tenant":"t_123"}
//
// The tenant travels in a process-wide registry keyed by the call's ServerContext (never in
// metadata, which would leak to clients); the interceptor creates the entry when the call starts
// and erases it when the status is sent, so SetLogTenant is thread-safe and leaves nothing behind.
// Health and reflection calls log at debug level so probes do not flood the log.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string_view>

namespace dunbar::server {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLogInterceptorFactory();

// Handlers call this once they know the tenant so the log line carries it. Works for sync
// (grpc::ServerContext) and callback (grpc::CallbackServerContext) handlers; a no-op for calls that
// the log interceptor does not see.
void SetLogTenant(grpc::ServerContextBase& context, std::string_view tenant);

}  // namespace dunbar::server
