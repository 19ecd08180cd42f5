// Server interceptor writing one JSON log line per RPC: method, gRPC code, latency in ms, and the
// tenant (from the `x-dunbar-tenant` trailing/initial metadata the handler sets via
// SetLogTenant). No request or response content is ever logged.
#pragma once

#include <memory>
#include <string_view>

#include <grpcpp/support/server_interceptor.h>

namespace dunbar::server {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeRpcLogInterceptorFactory();

// Handlers call this once they know the tenant so the log line carries it.
void SetLogTenant(grpc::ServerContext& context, std::string_view tenant);

}  // namespace dunbar::server
