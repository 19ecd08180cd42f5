#include "common/client/grpc_client.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace dunbar::client {
namespace {

// Keepalive pings wait this long for an answer before the connection is declared dead.
constexpr int kKeepaliveTimeoutMs = 10'000;

// gRPC's service-config durations: decimal seconds with an "s" suffix.
std::string Duration(absl::Duration d) { return absl::StrCat(absl::ToDoubleSeconds(d), "s"); }

nlohmann::json MethodConfigs(const ChannelOptions& options) {
  nlohmann::json configs = nlohmann::json::array();
  for (const std::string& service : options.retry_services) {
    configs.push_back({
        {"name", {{{"service", service}}}},
        {"timeout", Duration(options.unary_timeout_ceiling)},
        {"retryPolicy",
         {{"maxAttempts", options.max_attempts},
          {"initialBackoff", "0.05s"},
          {"maxBackoff", "0.5s"},
          {"backoffMultiplier", 2},
          {"retryableStatusCodes", {"UNAVAILABLE"}}}},
    });
    // A method's own entry replaces the service-wide one (no merging), so streams get neither.
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    if (descriptor == nullptr) continue;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = descriptor->method(i);
      if (!method->client_streaming() && !method->server_streaming()) continue;
      configs.push_back({{"name", {{{"service", service}, {"method", method->name()}}}}});
    }
  }
  return configs;
}

}  // namespace

std::string ServiceConfigJson(const ChannelOptions& options) {
  nlohmann::json config = {
      {"loadBalancingConfig",
       nlohmann::json::array({{{options.load_balancing_policy, nlohmann::json::object()}}})},
  };
  if (!options.retry_services.empty()) {
    config["methodConfig"] = MethodConfigs(options);
    // Retries pause once failures have drained half of the 10-token bucket (1 token per failed
    // call, 0.1 back per success): a backend that is really down gets one attempt per call.
    config["retryThrottling"] = {{"maxTokens", 10}, {"tokenRatio", 0.1}};
  }
  return config.dump();
}

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

std::shared_ptr<grpc::Channel> MakeServiceChannel(const std::string& target,
                                                  const std::string& service) {
  ChannelOptions options;
  options.retry_services = {service};
  return MakeChannel(target, options);
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
