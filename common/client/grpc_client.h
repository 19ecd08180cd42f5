// Client-side gRPC helpers used by every caller of a dunbar service (CLI, services calling
// services, tests, benchmarks): one way to make channels and one way to make a call context, so
// no call ever goes out without a deadline and credentials.
//
//   auto channel = client::MakeChannel("dns:///membership:50051");   // reuse it for every call
//   auto stub = membership::v1::MembershipService::NewStub(channel);
//   auto ctx = client::NewCallContext(absl::Seconds(2), token);
//   grpc::Status s = stub->GetMember(ctx.get(), request, &reply);
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace dunbar::client {

struct ChannelOptions {
  // round_robin over every address the target resolves to (headless Kubernetes Services).
  std::string load_balancing_policy = "round_robin";
  int max_message_bytes = 4 * 1024 * 1024;
  int keepalive_time_seconds = 30;
  // Services (full names, e.g. "dunbar.membership.v1.MembershipService") whose unary methods get
  // the channel's default method config: a ceiling on every call's deadline (the caller's shorter
  // deadline wins) and transparent retries of UNAVAILABLE with backoff, under retry throttling so
  // a backend that is really down is not hammered. Safe for whole services because every dunbar
  // RPC is retry-safe: mutations carry request ids or are naturally idempotent. Streaming methods
  // (found in the generated descriptor pool) get neither: a ceiling would cut long-lived streams,
  // and a retried stream could resend half an import.
  std::vector<std::string> retry_services;
  absl::Duration unary_timeout_ceiling = absl::Seconds(30);
  int max_attempts = 3;
};

// The default service config JSON a channel with `options` carries (exposed for tests).
std::string ServiceConfigJson(const ChannelOptions& options);

// Insecure credentials (TLS terminates at the mesh/ingress; see README). Channels are expensive:
// make one per target and share it.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options = {});

// A channel to one dunbar service (`service`: its full name) with that service's default method
// config (ChannelOptions::retry_services): what services use to call each other.
std::shared_ptr<grpc::Channel> MakeServiceChannel(const std::string& target,
                                                  const std::string& service);

// A context with a deadline `timeout` from now and, when `token` is non-empty,
// "authorization: Bearer <token>".
std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout,
                                                    std::string_view token = "");

}  // namespace dunbar::client
