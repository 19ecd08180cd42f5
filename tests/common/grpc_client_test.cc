// Client helpers against real servers on loopback: every call context carries a deadline and the
// bearer token as the server sees them; channels spread calls round_robin over every address.
#include "common/client/grpc_client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/server/server_runner.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "testing.grpc.pb.h"
#include "tests/common/testing_service.h"

namespace dunbar::client {
namespace {

using testing::InspectRequest;
using testing::InspectResponse;
using testing::SleepRequest;
using testing::SleepResponse;
using testing::TestService;
using testing::TestServiceImpl;

server::ServerConfig TestConfig() {
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.tokens_file = "unused-by-the-runner";
  config.drain_timeout_seconds = 1;
  return config;
}

class GrpcClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runner_.AddService(&service_);
    ASSERT_TRUE(runner_.Start(&port_).ok());
  }
  std::string Address() const { return absl::StrCat("127.0.0.1:", port_); }

  TestServiceImpl service_;
  server::ServerRunner runner_{TestConfig()};
  int port_ = 0;
};

TEST_F(GrpcClientTest, NewCallContextSendsDeadlineAndBearerToken) {
  auto stub = TestService::NewStub(MakeChannel(Address()));
  auto context = NewCallContext(absl::Seconds(2), "tok_3f9a");
  InspectResponse seen;
  ASSERT_TRUE(stub->Inspect(context.get(), InspectRequest(), &seen).ok());
  EXPECT_EQ(seen.authorization(), "Bearer tok_3f9a");
  // The grpc-timeout header may round the remaining time up to a coarser unit: allow 2%.
  EXPECT_GT(seen.deadline_remaining_ms(), 1000);
  EXPECT_LE(seen.deadline_remaining_ms(), 2040);
}

TEST_F(GrpcClientTest, NewCallContextWithoutTokenSendsNoAuthorization) {
  auto stub = TestService::NewStub(MakeChannel(Address()));
  auto context = NewCallContext(absl::Milliseconds(800));
  InspectResponse seen;
  ASSERT_TRUE(stub->Inspect(context.get(), InspectRequest(), &seen).ok());
  EXPECT_EQ(seen.authorization(), "");
  EXPECT_GT(seen.deadline_remaining_ms(), 0);
  EXPECT_LE(seen.deadline_remaining_ms(), 816);
}

TEST_F(GrpcClientTest, DeadlineIsEnforced) {
  auto stub = TestService::NewStub(MakeChannel(Address()));
  auto context = NewCallContext(absl::Milliseconds(100));
  SleepRequest request;
  request.set_sleep_ms(2000);
  SleepResponse response;
  EXPECT_EQ(stub->Sleep(context.get(), request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(GrpcClientTest, ChannelUsesRoundRobinByDefaultAndTheConfiguredPolicyOtherwise) {
  auto channel = MakeChannel(Address());
  ASSERT_TRUE(channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(5))));
  EXPECT_EQ(channel->GetLoadBalancingPolicyName(), "round_robin");

  ChannelOptions options;
  options.load_balancing_policy = "pick_first";
  auto pick_first = MakeChannel(Address(), options);
  ASSERT_TRUE(pick_first->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(5))));
  EXPECT_EQ(pick_first->GetLoadBalancingPolicyName(), "pick_first");
}

TEST_F(GrpcClientTest, ServiceChannelRetriesUnavailableAndNothingElse) {
  auto stub = TestService::NewStub(MakeServiceChannel(Address(), "dunbar.testing.TestService"));
  SleepRequest request;
  request.set_return_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  SleepResponse response;
  auto context = NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub->Sleep(context.get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.calls(), 3) << "UNAVAILABLE is retried up to maxAttempts";

  request.set_return_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
  auto second = NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub->Sleep(second.get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(service_.calls(), 4) << "other codes are answers, never retried";

  // A plain channel (no service policy) makes exactly one attempt.
  auto plain = TestService::NewStub(MakeChannel(Address()));
  request.set_return_code(static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  auto third = NewCallContext(absl::Seconds(5));
  EXPECT_EQ(plain->Sleep(third.get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.calls(), 5);
}

TEST(GrpcClientServiceConfigTest, UnaryMethodsGetTheCeilingAndRetriesStreamsNeither) {
  // Links membership.pb.cc, so the service is in the generated descriptor pool.
  ASSERT_NE(membership::v1::GetMemberRequest::descriptor(), nullptr);
  ChannelOptions options;
  options.retry_services = {"dunbar.membership.v1.MembershipService"};
  options.unary_timeout_ceiling = absl::Seconds(30);
  const nlohmann::json config = nlohmann::json::parse(ServiceConfigJson(options));
  ASSERT_TRUE(config.contains("methodConfig")) << config.dump();
  ASSERT_TRUE(config.contains("retryThrottling"));
  const nlohmann::json& methods = config["methodConfig"];
  ASSERT_GE(methods.size(), 3u) << "the service entry plus ImportContacts and "
                                   "WatchEntitlementChanges";
  EXPECT_EQ(methods[0]["name"][0]["service"], "dunbar.membership.v1.MembershipService");
  EXPECT_EQ(methods[0]["timeout"], "30s");
  EXPECT_EQ(methods[0]["retryPolicy"]["retryableStatusCodes"],
            nlohmann::json::array({"UNAVAILABLE"}));
  std::vector<std::string> streams;
  for (size_t i = 1; i < methods.size(); ++i) {
    EXPECT_FALSE(methods[i].contains("timeout")) << methods[i].dump();
    EXPECT_FALSE(methods[i].contains("retryPolicy")) << methods[i].dump();
    streams.push_back(methods[i]["name"][0]["method"].get<std::string>());
  }
  EXPECT_NE(std::find(streams.begin(), streams.end(), "ImportContacts"), streams.end());
  EXPECT_NE(std::find(streams.begin(), streams.end(), "WatchEntitlementChanges"), streams.end());
  EXPECT_EQ(std::find(streams.begin(), streams.end(), "GetMember"), streams.end());

  EXPECT_FALSE(nlohmann::json::parse(ServiceConfigJson(ChannelOptions{})).contains("methodConfig"));
}

TEST_F(GrpcClientTest, SendLimitIsEnforcedOnTheClient) {
  ChannelOptions options;
  options.max_message_bytes = 1024;
  auto stub = TestService::NewStub(MakeChannel(Address(), options));
  SleepRequest request;
  request.set_payload(std::string(4096, 'x'));
  SleepResponse response;
  auto context = NewCallContext(absl::Seconds(2));
  EXPECT_EQ(stub->Sleep(context.get(), request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(service_.calls(), 0);
}

TEST(GrpcClientRoundRobinTest, SpreadsCallsEvenlyOverEveryAddress) {
  TestServiceImpl first_service;
  TestServiceImpl second_service;
  server::ServerRunner first(TestConfig());
  server::ServerRunner second(TestConfig());
  first.AddService(&first_service);
  second.AddService(&second_service);
  int first_port = 0;
  int second_port = 0;
  ASSERT_TRUE(first.Start(&first_port).ok());
  ASSERT_TRUE(second.Start(&second_port).ok());

  // One target resolving to two addresses, as a headless Kubernetes Service does through DNS.
  auto stub = TestService::NewStub(
      MakeChannel(absl::StrCat("ipv4:127.0.0.1:", first_port, ",127.0.0.1:", second_port)));
  auto call = [&] {
    SleepRequest request;
    SleepResponse response;
    auto context = NewCallContext(absl::Seconds(2));
    return stub->Sleep(context.get(), request, &response).ok();
  };
  // round_robin only picks READY subchannels: call until both have connected (bounded).
  for (int i = 0; i < 200 && (first_service.calls() == 0 || second_service.calls() == 0); ++i) {
    ASSERT_TRUE(call());
  }
  ASSERT_GT(first_service.calls(), 0);
  ASSERT_GT(second_service.calls(), 0);

  first_service.ResetCalls();
  second_service.ResetCalls();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(call());
  EXPECT_EQ(first_service.calls(), 10);
  EXPECT_EQ(second_service.calls(), 10);
}

}  // namespace
}  // namespace dunbar::client
