#include "common/client/grpc_client.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dunbar::client {
namespace {

// Keepalive pings wait this long for an answer before the connection is declared dead.
constexpr int kKeepaliveTimeoutMs = 10'000;

std::string ServiceConfigJson(const ChannelOptions& options) {
  nlohmann::json config = {
      {"loadBalancingConfig",
       nlohmann::json::array({{{options.load_balancing_policy, nlohmann::json::object()}}})},
  };
  return config.dump();
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options) {
  grpc::ChannelArguments args;
  // A default only: a service config published by the resolver (none for dns: or ipv4: here)
  // would take precedence.
  args.SetServiceConfigJSON(ServiceConfigJson(options));
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, options.keepalive_time_seconds * 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  // dunbar servers permit pings on idle connections (see server_runner.cc), so idle channels keep
  // noticing dead peers (e.g. a pod that vanished without a FIN).
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout,
                                                    std::string_view token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!token.empty())
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", absl::string_view(token.data(), token.size())));
  return context;
}

}  // namespace dunbar::client
