// Prometheus metrics of common/: the /metrics endpoint, the --metrics-listen flag, the gRPC server
// interceptor (through a real ServerRunner scraped over HTTP), the Redis client hook against a
// real redis-server (latency per command, errors by kind, pool gauges) and the stream gauges.
#include <grpcpp/impl/client_unary_call.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <stdlib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "common/metrics/metrics_endpoint.h"
#include "common/metrics/redis_metrics.h"
#include "common/metrics/stream_metrics.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_url.h"
#include "common/server/server_config.h"
#include "common/server/server_runner.h"
#include "testing.grpc.pb.h"
#include "tests/common/testing_service.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::metrics {
namespace {

using ::dunbar::testing::SampleCount;
using ::dunbar::testing::SampleValue;
using ::dunbar::testing::ScrapeMetrics;

// The registry as Prometheus would read it.
std::string Text(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(MetricsEndpointTest, ServesTheRegistryAtSlashMetricsOnAnyFreePort) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter()
      .Name("dunbar_test_things_total")
      .Help("things")
      .Register(*registry)
      .Add({{"kind", "a"}})
      .Increment(3);
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);
  absl::StatusOr<std::string> page = ScrapeMetrics((*endpoint)->port());
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(SampleValue(*page, "dunbar_test_things_total", {{"kind", "a"}}), 3.0) << *page;
}

TEST(MetricsEndpointTest, RejectsABusyPortAndAddressesItCannotServe) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto first = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok()) << first.status();
  auto busy = MetricsEndpoint::Start(absl::StrCat("127.0.0.1:", (*first)->port()), registry);
  EXPECT_EQ(busy.status().code(), absl::StatusCode::kUnavailable) << busy.status();
  EXPECT_NE(busy.status().message().find("--metrics-listen"), std::string::npos);
  for (const char* bad : {"no-port", "unix:/tmp/metrics.sock", "127.0.0.1:99999", ""}) {
    auto endpoint = MetricsEndpoint::Start(bad, registry);
    EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(MetricsFlagTest, DefaultsToNoEndpointAndTakesFlagOrEnvironment) {
  {
    CLI::App app;
    server::ServerConfig config;
    server::AddServerFlags(app, config);
    app.parse(std::vector<std::string>{});
    EXPECT_EQ(config.metrics_listen, "");
  }
  {
    ::setenv("DUNBAR_METRICS_LISTEN", "0.0.0.0:9464", 1);
    CLI::App app;
    server::ServerConfig config;
    server::AddServerFlags(app, config);
    app.parse(std::vector<std::string>{});
    EXPECT_EQ(config.metrics_listen, "0.0.0.0:9464");
    CLI::App flag_wins;
    server::ServerConfig from_flag;
    server::AddServerFlags(flag_wins, from_flag);
    flag_wins.parse("--metrics-listen 127.0.0.1:9000", /*program_name_included=*/false);
    EXPECT_EQ(from_flag.metrics_listen, "127.0.0.1:9000");
    ::unsetenv("DUNBAR_METRICS_LISTEN");
  }
  server::ServerConfig config;
  config.tokens_file = "tokens";
  EXPECT_TRUE(server::ValidateServerConfig(config).ok());
  for (const char* bad : {"9464", "unix:/run/metrics.sock", "localhost:70000"}) {
    config.metrics_listen = bad;
    absl::Status status = server::ValidateServerConfig(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("--metrics-listen"), std::string::npos) << status;
  }
}

server::ServerConfig RunnerConfig(const std::string& metrics_listen) {
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.tokens_file = "unused-by-the-runner";
  config.drain_timeout_seconds = 2;
  config.log_level = "warn";
  config.metrics_listen = metrics_listen;
  return config;
}

grpc::StatusCode CallSleep(testing::TestService::Stub& stub, int sleep_ms, grpc::StatusCode code) {
  testing::SleepRequest request;
  request.set_sleep_ms(sleep_ms);
  request.set_return_code(static_cast<int>(code));
  testing::SleepResponse response;
  auto context = client::NewCallContext(absl::Seconds(5));
  return stub.Sleep(context.get(), request, &response).error_code();
}

TEST(GrpcServerMetricsTest, CountsAndTimesEveryRpcByServiceMethodAndCode) {
  testing::TestServiceImpl service;
  server::ServerRunner runner(RunnerConfig("127.0.0.1:0"));
  ASSERT_NE(runner.metrics_registry(), nullptr);
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  ASSERT_GT(runner.metrics_port(), 0);
  auto channel = client::MakeChannel(absl::StrCat("127.0.0.1:", port));
  auto stub = testing::TestService::NewStub(channel);

  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(CallSleep(*stub, 20, grpc::StatusCode::OK), grpc::StatusCode::OK);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(CallSleep(*stub, 0, grpc::StatusCode::NOT_FOUND), grpc::StatusCode::NOT_FOUND);
  }
  // A method the server does not implement must not mint a series of its own (label values would
  // then come from clients).
  {
    grpc::internal::RpcMethod method("/dunbar.testing.TestService/NoSuchMethod",
                                     grpc::internal::RpcMethod::NORMAL_RPC, channel);
    auto context = client::NewCallContext(absl::Seconds(5));
    testing::SleepRequest request;
    testing::SleepResponse response;
    grpc::Status status =
        grpc::internal::BlockingUnaryCall(channel.get(), method, context.get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }

  absl::StatusOr<std::string> page = ScrapeMetrics(runner.metrics_port());
  ASSERT_TRUE(page.ok()) << page.status();
  const std::map<std::string, std::string> ok = {
      {"service", "dunbar.testing.TestService"}, {"method", "Sleep"}, {"code", "OK"}};
  const std::map<std::string, std::string> not_found = {
      {"service", "dunbar.testing.TestService"}, {"method", "Sleep"}, {"code", "NOT_FOUND"}};
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handled_total", ok), 3.0) << *page;
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handled_total", not_found), 2.0);
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handling_seconds_count", ok), 3.0);
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handling_seconds_count", not_found), 2.0);
  // Three 20 ms sleeps: at least 60 ms in total, none of them under the 10 ms bucket.
  EXPECT_GE(SampleValue(*page, "dunbar_grpc_server_handling_seconds_sum", ok).value_or(0), 0.06);
  auto under_10ms = ok;
  under_10ms["le"] = "0.01";
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handling_seconds_bucket", under_10ms), 0.0);
  auto all = ok;
  all["le"] = "+Inf";
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handling_seconds_bucket", all), 3.0);
  EXPECT_EQ(SampleCount(*page, "dunbar_grpc_server_handled_total", {{"method", "NoSuchMethod"}}), 0)
      << *page;
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handled_total",
                        {{"service", "unknown"}, {"method", "unknown"}, {"code", "UNIMPLEMENTED"}}),
            1.0);
}

TEST(GrpcServerMetricsTest, WithoutMetricsListenThereIsNoRegistryAndNoEndpoint) {
  server::ServerRunner runner(RunnerConfig(""));
  EXPECT_EQ(runner.metrics_registry(), nullptr);
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(runner.metrics_port(), 0);
}

TEST(GrpcServerMetricsTest, StartFailsWhenTheMetricsPortIsTaken) {
  server::ServerRunner first(RunnerConfig("127.0.0.1:0"));
  ASSERT_TRUE(first.Start().ok());
  server::ServerRunner second(RunnerConfig(absl::StrCat("127.0.0.1:", first.metrics_port())));
  absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("--metrics-listen"), std::string::npos) << status;
}

class RedisMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_server_.Start().ok()); }

  redis::RedisOptions Options() const {
    redis::RedisOptions options;
    options.url = redis_server_.url();
    options.pool_size = 4;
    options.command_timeout = absl::Seconds(2);
    return options;
  }

  prometheus::Registry registry_;
  testing::RedisServerProcess redis_server_;
};

TEST_F(RedisMetricsTest, TimesCommandsByNameAndCountsErrorsByKind) {
  auto client = redis::RedisClient::Connect(Options(), MakeRedisMetrics(registry_, "main"));
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->Command({"SET", "k", "not-a-number"}).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*client)->Command({"get", "k"}).ok());
  ASSERT_TRUE((*client)->Pipeline({{"GET", "k"}, {"GET", "k"}}).ok());
  ASSERT_TRUE((*client)->Command({"ECHO", "x"}).ok());  // not in the list: "OTHER"
  // An error reply from Redis itself: counted (INCR is not in the list either: "OTHER").
  EXPECT_EQ((*client)->Command({"INCR", "k"}).status().code(), absl::StatusCode::kInternal);
  // The script cache does not know this script.
  EXPECT_FALSE(
      (*client)->Command({"EVALSHA", "0123456789012345678901234567890123456789", "0"}).ok());
  // A script's deliberate domain answer is not a Redis error.
  EXPECT_EQ((*client)
                ->Command({"EVAL", "return redis.error_reply('NOT_FOUND member m1')", "0"})
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  std::string page = Text(registry_);
  EXPECT_EQ(SampleValue(page, "dunbar_redis_command_seconds_count",
                        {{"pool", "main"}, {"command", "GET"}}),
            3.0)
      << page;
  EXPECT_EQ(SampleValue(page, "dunbar_redis_command_seconds_count",
                        {{"pool", "main"}, {"command", "SET"}}),
            1.0);
  EXPECT_EQ(SampleValue(page, "dunbar_redis_command_seconds_count",
                        {{"pool", "main"}, {"command", "PIPELINE"}}),
            1.0);
  EXPECT_EQ(SampleValue(page, "dunbar_redis_command_seconds_count",
                        {{"pool", "main"}, {"command", "OTHER"}}),
            2.0);
  EXPECT_GT(
      SampleValue(page, "dunbar_redis_command_seconds_sum", {{"pool", "main"}, {"command", "GET"}})
          .value_or(0),
      0.0);
  // Commands never sent have no series.
  EXPECT_EQ(SampleCount(page, "dunbar_redis_command_seconds_count", {{"command", "XACK"}}), 0);
  EXPECT_EQ(SampleValue(page, "dunbar_redis_errors_total", {{"pool", "main"}, {"kind", "reply"}}),
            1.0);
  EXPECT_EQ(
      SampleValue(page, "dunbar_redis_errors_total", {{"pool", "main"}, {"kind", "noscript"}}),
      1.0);
  EXPECT_EQ(
      SampleValue(page, "dunbar_redis_errors_total", {{"pool", "main"}, {"kind", "connection"}}),
      0.0);
  EXPECT_EQ(
      SampleValue(page, "dunbar_redis_pool_connections", {{"pool", "main"}, {"state", "idle"}}),
      1.0);
  EXPECT_EQ(
      SampleValue(page, "dunbar_redis_pool_connections", {{"pool", "main"}, {"state", "in_use"}}),
      0.0);

  // Redis goes away: the broken connection and the failed reconnects are connection errors.
  redis_server_.Stop();
  EXPECT_EQ((*client)->Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*client)->Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);
  page = Text(registry_);
  EXPECT_GE(
      SampleValue(page, "dunbar_redis_errors_total", {{"pool", "main"}, {"kind", "connection"}})
          .value_or(0),
      2.0)
      << page;
  EXPECT_EQ(
      SampleValue(page, "dunbar_redis_pool_connections", {{"pool", "main"}, {"state", "idle"}}),
      0.0);
}

TEST_F(RedisMetricsTest, PoolGaugesFollowLeases) {
  std::shared_ptr<redis::RedisObserver> observer = MakeRedisMetrics(registry_, "events");
  auto endpoint = redis::ParseRedisUrl(redis_server_.url());
  ASSERT_TRUE(endpoint.ok());
  redis::ConnectionPool pool(*endpoint, Options(), observer.get());
  auto gauge = [&](const char* state) {
    return SampleValue(Text(registry_), "dunbar_redis_pool_connections",
                       {{"pool", "events"}, {"state", state}});
  };
  {
    auto first = pool.Acquire();
    auto second = pool.Acquire();
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(gauge("in_use"), 2.0);
    EXPECT_EQ(gauge("idle"), 0.0);
  }
  EXPECT_EQ(gauge("in_use"), 0.0);
  EXPECT_EQ(gauge("idle"), 2.0);
  {
    auto again = pool.Acquire();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(gauge("in_use"), 1.0);
    EXPECT_EQ(gauge("idle"), 1.0);
  }
}

TEST_F(RedisMetricsTest, TwoPoolsShareOneFamilyWithTheirOwnLabels) {
  auto main = redis::RedisClient::Connect(Options(), MakeRedisMetrics(registry_, "main"));
  auto events = redis::RedisClient::Connect(Options(), MakeRedisMetrics(registry_, "events"));
  ASSERT_TRUE(main.ok() && events.ok());
  ASSERT_TRUE((*main)->Command({"PING"}).ok());
  ASSERT_TRUE((*events)->Command({"PING"}).ok());
  ASSERT_TRUE((*events)->Command({"PING"}).ok());
  const std::string page = Text(registry_);
  EXPECT_EQ(SampleValue(page, "dunbar_redis_command_seconds_count",
                        {{"pool", "main"}, {"command", "PING"}}),
            1.0);
  EXPECT_EQ(SampleValue(page, "dunbar_redis_command_seconds_count",
                        {{"pool", "events"}, {"command", "PING"}}),
            2.0);
  // One HELP/TYPE header per metric name, as the exposition format requires.
  size_t headers = 0;
  for (size_t at = page.find("# TYPE dunbar_redis_command_seconds "); at != std::string::npos;
       at = page.find("# TYPE dunbar_redis_command_seconds ", at + 1)) {
    ++headers;
  }
  EXPECT_EQ(headers, 1u) << page;
}

TEST(StreamGroupMetricsTest, ReportSetsLagAndPendingPerStreamAndGroup) {
  prometheus::Registry registry;
  StreamGroupMetrics gauges(registry);
  gauges.Report("jobs", "outreach-worker", 12, 3);
  gauges.Report("cohort_events", "outreach", 0, 0);
  gauges.Report("jobs", "outreach-worker", 4, 1);  // later values replace earlier ones
  const std::string page = Text(registry);
  EXPECT_EQ(SampleValue(page, "dunbar_stream_consumer_lag",
                        {{"stream", "jobs"}, {"group", "outreach-worker"}}),
            4.0);
  EXPECT_EQ(SampleValue(page, "dunbar_stream_consumer_pending",
                        {{"stream", "jobs"}, {"group", "outreach-worker"}}),
            1.0);
  EXPECT_EQ(SampleValue(page, "dunbar_stream_consumer_lag",
                        {{"stream", "cohort_events"}, {"group", "outreach"}}),
            0.0);
  EXPECT_EQ(SampleCount(page, "dunbar_stream_consumer_lag"), 2);
}

}  // namespace
}  // namespace dunbar::metrics
