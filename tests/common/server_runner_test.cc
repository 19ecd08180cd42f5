// ServerRunner over real gRPC on loopback: health follows the probe, reflection lists services,
// graceful drain (in-flight RPCs finish, new ones are refused, the deadline is enforced), message
// size limits, max connection age, and one JSON log line per RPC.
#include "common/server/server_runner.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client/grpc_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "testing.grpc.pb.h"
#include "tests/common/testing_service.h"
#include "tests/support/json_line_reader.h"

namespace dunbar::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::SleepRequest;
using testing::SleepResponse;
using testing::TestService;
using testing::TestServiceImpl;

constexpr char kTestServiceName[] = "dunbar.testing.TestService";
constexpr char kSleepMethod[] = "/dunbar.testing.TestService/Sleep";

ServerConfig TestConfig() {
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.tokens_file = "unused-by-the-runner";
  config.drain_timeout_seconds = 5;
  return config;
}

std::string Address(int port) { return absl::StrCat("127.0.0.1:", port); }

// Runs Sleep on its own thread so the test can act while it is in flight.
std::future<std::pair<grpc::Status, SleepResponse>> SleepAsync(
    std::shared_ptr<grpc::Channel> channel, int sleep_ms, absl::Duration timeout) {
  return std::async(std::launch::async, [channel, sleep_ms, timeout] {
    auto stub = TestService::NewStub(channel);
    auto context = client::NewCallContext(timeout);
    SleepRequest request;
    request.set_sleep_ms(sleep_ms);
    SleepResponse response;
    grpc::Status status = stub->Sleep(context.get(), request, &response);
    return std::make_pair(status, response);
  });
}

grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         HealthCheckResponse::ServingStatus* serving) {
  auto stub = Health::NewStub(channel);
  auto context = client::NewCallContext(absl::Seconds(2));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(context.get(), request, &response);
  *serving = response.status();
  return status;
}

class HealthWatch {
 public:
  HealthWatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& service)
      : stub_(Health::NewStub(channel)) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    HealthCheckRequest request;
    request.set_service(service);
    reader_ = stub_->Watch(&context_, request);
  }
  ~HealthWatch() { Cancel(); }
  void Cancel() { context_.TryCancel(); }

  // The next status the server pushes (UNKNOWN if the stream ended).
  HealthCheckResponse::ServingStatus Next() {
    HealthCheckResponse response;
    if (!reader_->Read(&response)) return HealthCheckResponse::UNKNOWN;
    return response.status();
  }
  grpc::Status Finish() { return reader_->Finish(); }

 private:
  std::unique_ptr<Health::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader_;
};

TEST(ServerRunnerTest, HealthFollowsTheProbeForOverallAndPerServiceStatus) {
  std::atomic<bool> healthy{true};
  std::atomic<int> probes{0};
  TestServiceImpl service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  runner.SetHealthProbe(
      [&] {
        ++probes;
        return healthy ? absl::OkStatus() : absl::UnavailableError("redis did not answer");
      },
      absl::Milliseconds(50));
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  ASSERT_GT(port, 0);
  EXPECT_GE(probes.load(), 1) << "the first probe runs before the server accepts calls";
  auto channel = client::MakeChannel(Address(port));

  HealthCheckResponse::ServingStatus serving = HealthCheckResponse::UNKNOWN;
  ASSERT_TRUE(CheckHealth(channel, "", &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);
  ASSERT_TRUE(CheckHealth(channel, kTestServiceName, &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);
  EXPECT_EQ(CheckHealth(channel, "no.such.Service", &serving).error_code(),
            grpc::StatusCode::NOT_FOUND);

  HealthWatch overall(channel, "");
  HealthWatch per_service(channel, kTestServiceName);
  ASSERT_EQ(overall.Next(), HealthCheckResponse::SERVING);
  ASSERT_EQ(per_service.Next(), HealthCheckResponse::SERVING);

  absl::Time failed_at = absl::Now();
  healthy = false;
  EXPECT_EQ(overall.Next(), HealthCheckResponse::NOT_SERVING);
  // One 50 ms interval plus scheduling slack on a busy 2-core machine.
  EXPECT_LT(absl::Now() - failed_at, absl::Milliseconds(500));
  EXPECT_EQ(per_service.Next(), HealthCheckResponse::NOT_SERVING);
  ASSERT_TRUE(CheckHealth(channel, "", &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::NOT_SERVING);

  absl::Time recovered_at = absl::Now();
  healthy = true;
  EXPECT_EQ(overall.Next(), HealthCheckResponse::SERVING);
  EXPECT_LT(absl::Now() - recovered_at, absl::Milliseconds(500));
  EXPECT_EQ(per_service.Next(), HealthCheckResponse::SERVING);
}

TEST(ServerRunnerTest, FailingFirstProbeStartsNotServing) {
  TestServiceImpl service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  runner.SetHealthProbe([] { return absl::UnavailableError("redis down"); }, absl::Seconds(60));
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  HealthCheckResponse::ServingStatus serving = HealthCheckResponse::UNKNOWN;
  ASSERT_TRUE(CheckHealth(client::MakeChannel(Address(port)), "", &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::NOT_SERVING);
}

TEST(ServerRunnerTest, WithoutProbeReportsServing) {
  ServerRunner runner(TestConfig());
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  HealthCheckResponse::ServingStatus serving = HealthCheckResponse::UNKNOWN;
  ASSERT_TRUE(CheckHealth(client::MakeChannel(Address(port)), "", &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);
}

TEST(ServerRunnerTest, ReflectionListsRegisteredServices) {
  TestServiceImpl service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto channel = client::MakeChannel(Address(port));

  // The reflection stub is not generated here (libgrpc++_reflection already registers those
  // messages); the wire-compatible subset in testing.proto goes over the same method path.
  grpc::internal::RpcMethod method("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::internal::RpcMethod::BIDI_STREAMING, channel);
  auto context = client::NewCallContext(absl::Seconds(5));
  std::unique_ptr<
      grpc::ClientReaderWriter<testing::ReflectionListRequest, testing::ReflectionListResponse>>
      stream(grpc::internal::ClientReaderWriterFactory<
             testing::ReflectionListRequest,
             testing::ReflectionListResponse>::Create(channel.get(), method, context.get()));
  testing::ReflectionListRequest request;
  request.set_list_services("*");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->WritesDone());
  testing::ReflectionListResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(stream->Finish().ok());

  std::vector<std::string> names;
  for (const auto& entry : response.list_services_response().service()) {
    names.push_back(entry.name());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"dunbar.testing.TestService", "grpc.health.v1.Health",
                                             "grpc.reflection.v1alpha.ServerReflection"}));
}

TEST(ServerRunnerTest, DrainFinishesInFlightRefusesNewAndFlipsHealth) {
  TestServiceImpl service;
  ServerRunner runner(TestConfig());  // 5 s drain budget
  runner.AddService(&service);
  runner.SetHealthProbe([] { return absl::OkStatus(); }, absl::Milliseconds(50));
  int port = 0;
  testing::StdoutCapture capture;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto channel = client::MakeChannel(Address(port));
  HealthWatch watch(channel, "");
  ASSERT_EQ(watch.Next(), HealthCheckResponse::SERVING);

  auto in_flight = SleepAsync(channel, 500, absl::Seconds(10));
  ASSERT_TRUE(service.WaitForInFlight(1, absl::Seconds(5)));
  const absl::Time shutdown_at = absl::Now();
  runner.RequestShutdown();

  // Health flipped before RequestShutdown returned: watchers hear it, checks never say SERVING.
  EXPECT_EQ(watch.Next(), HealthCheckResponse::NOT_SERVING);
  // gRPC 1.51's default health service keeps Watch streams open until the drain deadline cancels
  // them; a watcher that heard NOT_SERVING goes away, as gRPC's client-side health checking does.
  watch.Cancel();
  // The server then sends GOAWAY (the old connection stops taking new calls) and closes the
  // listener; waiting for the channel to leave READY makes the checks below deterministic.
  ASSERT_TRUE(channel->WaitForStateChange(GRPC_CHANNEL_READY,
                                          absl::ToChronoTime(absl::Now() + absl::Seconds(2))));
  HealthCheckResponse::ServingStatus serving = HealthCheckResponse::UNKNOWN;
  EXPECT_EQ(CheckHealth(channel, "", &serving).error_code(), grpc::StatusCode::UNAVAILABLE);

  auto fresh = testing::TestService::NewStub(client::MakeChannel(Address(port)));
  auto context = client::NewCallContext(absl::Seconds(2));
  SleepRequest request;
  SleepResponse response;
  EXPECT_EQ(fresh->Sleep(context.get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(in_flight.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the in-flight RPC should still be running while new calls are refused";

  runner.Wait();
  const absl::Duration drain_time = absl::Now() - shutdown_at;
  auto [status, slept] = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(slept.slept_ms(), 500);
  EXPECT_LT(drain_time, absl::Seconds(5));
  EXPECT_EQ(service.cancelled(), 0);

  std::vector<nlohmann::json> lines = capture.Finish();
  auto started = testing::LinesFor(lines, "server_started");
  ASSERT_EQ(started.size(), 1u) << capture.raw();
  EXPECT_EQ(started[0]["port"], port);
  EXPECT_EQ(started[0]["listen"], "127.0.0.1:0");
  EXPECT_EQ(testing::LinesFor(lines, "drain_started").size(), 1u) << capture.raw();
  auto finished = testing::LinesFor(lines, "drain_finished");
  ASSERT_EQ(finished.size(), 1u) << capture.raw();
  EXPECT_EQ(finished[0]["deadline_exceeded"], false);
}

TEST(ServerRunnerTest, DrainDeadlineCancelsStragglersAndWaitReturnsByTheDeadline) {
  TestServiceImpl service;
  ServerConfig config = TestConfig();
  config.drain_timeout_seconds = 1;
  ServerRunner runner(config);
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto in_flight = SleepAsync(client::MakeChannel(Address(port)), 30'000, absl::Seconds(60));
  ASSERT_TRUE(service.WaitForInFlight(1, absl::Seconds(5)));

  const absl::Time shutdown_at = absl::Now();
  runner.RequestShutdown();
  runner.Wait();
  const absl::Duration drain_time = absl::Now() - shutdown_at;
  EXPECT_GE(drain_time, absl::Milliseconds(950));
  // The deadline plus the handler noticing the cancellation (it polls every 5 ms).
  EXPECT_LT(drain_time, absl::Milliseconds(1500));
  EXPECT_EQ(service.cancelled(), 1);
  auto [status, slept] = in_flight.get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST(ServerRunnerTest, RequestShutdownIsIdempotentAndWaitWithoutStartReturns) {
  ServerRunner never_started(TestConfig());
  never_started.Wait();  // must not block

  ServerRunner runner(TestConfig());
  ASSERT_TRUE(runner.Start().ok());
  runner.RequestShutdown();
  runner.RequestShutdown();
  runner.Wait();
  runner.Wait();
}

TEST(ServerRunnerTest, StartRejectsBadListenAddressBusyPortAndSecondStart) {
  ServerConfig bad = TestConfig();
  bad.listen = "no-port-here";
  ServerRunner bad_runner(bad);
  absl::Status status = bad_runner.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--listen"), std::string::npos) << status;

  ServerRunner first(TestConfig());
  int port = 0;
  ASSERT_TRUE(first.Start(&port).ok());
  EXPECT_EQ(first.Start().code(), absl::StatusCode::kFailedPrecondition);

  ServerConfig same_port = TestConfig();
  same_port.listen = Address(port);
  ServerRunner second(same_port);
  status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("--listen"), std::string::npos) << status;
}

TEST(ServerRunnerTest, RunReturnsOneWhenItCannotStart) {
  ServerRunner first(TestConfig());
  int port = 0;
  ASSERT_TRUE(first.Start(&port).ok());
  ServerConfig same_port = TestConfig();
  same_port.listen = Address(port);
  ServerRunner second(same_port);
  EXPECT_EQ(second.Run(), 1);
}

TEST(ServerRunnerTest, ListensOnUnixSocket) {
  char dir_template[] = "/tmp/dunbar-runner-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string socket_path = absl::StrCat(dir_template, "/grpc.sock");
  TestServiceImpl service;
  ServerConfig config = TestConfig();
  config.listen = absl::StrCat("unix:", socket_path);
  {
    ServerRunner runner(config);
    runner.AddService(&service);
    int port = -1;
    ASSERT_TRUE(runner.Start(&port).ok());
    EXPECT_EQ(port, 0);
    HealthCheckResponse::ServingStatus serving = HealthCheckResponse::UNKNOWN;
    ASSERT_TRUE(CheckHealth(client::MakeChannel(config.listen), "", &serving).ok());
    EXPECT_EQ(serving, HealthCheckResponse::SERVING);
  }
  ::unlink(socket_path.c_str());
  ::rmdir(dir_template);
}

TEST(ServerRunnerTest, MessagesAboveTheLimitAreRejected) {
  TestServiceImpl service;
  ServerConfig config = TestConfig();
  config.max_message_bytes = 64 * 1024;
  ServerRunner runner(config);
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto stub = TestService::NewStub(client::MakeChannel(Address(port)));

  SleepRequest small;
  small.set_payload(std::string(60 * 1024, 'x'));
  SleepResponse response;
  auto context = client::NewCallContext(absl::Seconds(5));
  EXPECT_TRUE(stub->Sleep(context.get(), small, &response).ok());

  SleepRequest big;
  big.set_payload(std::string(100 * 1024, 'x'));
  context = client::NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub->Sleep(context.get(), big, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(service.calls(), 1);
}

TEST(ServerRunnerTest, MaxConnectionAgeClosesConnectionButLetsRunningRpcFinish) {
  TestServiceImpl service;
  ServerConfig config = TestConfig();
  config.max_connection_age_seconds = 1;
  ServerRunner runner(config);
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto channel = client::MakeChannel(Address(port));
  ASSERT_TRUE(channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(5))));
  const absl::Time connected_at = absl::Now();

  // Spans the connection's 1 s (+-10% jitter) age: finishes within the grace period.
  auto in_flight = SleepAsync(channel, 1500, absl::Seconds(10));
  ASSERT_TRUE(channel->WaitForStateChange(GRPC_CHANNEL_READY,
                                          absl::ToChronoTime(absl::Now() + absl::Seconds(5))));
  const absl::Duration age = absl::Now() - connected_at;
  EXPECT_GE(age, absl::Milliseconds(850));
  EXPECT_LT(age, absl::Seconds(3));
  auto [status, slept] = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(slept.slept_ms(), 1500);
}

TEST(ServerRunnerTest, LogsOneLinePerRpcWithMethodCodeLatencyTenantAndNoContent) {
  TestServiceImpl service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto channel = client::MakeChannel(Address(port));
  auto stub = TestService::NewStub(channel);

  testing::StdoutCapture capture;
  SleepRequest with_tenant;
  with_tenant.set_sleep_ms(20);
  with_tenant.set_tenant("t_acme");
  with_tenant.set_return_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
  with_tenant.set_payload("secret-payload-1f7c");
  SleepResponse response;
  auto context = client::NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub->Sleep(context.get(), with_tenant, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  SleepRequest anonymous;
  context = client::NewCallContext(absl::Seconds(5));
  EXPECT_TRUE(stub->Sleep(context.get(), anonymous, &response).ok());

  HealthCheckResponse::ServingStatus serving;
  ASSERT_TRUE(CheckHealth(channel, "", &serving).ok());
  std::vector<nlohmann::json> lines = capture.Finish();

  auto sleeps = testing::LinesFor(lines, "rpc", kSleepMethod);
  ASSERT_EQ(sleeps.size(), 2u) << capture.raw();
  EXPECT_EQ(sleeps[0]["code"], "NOT_FOUND");
  EXPECT_EQ(sleeps[0]["tenant"], "t_acme");
  EXPECT_EQ(sleeps[0]["level"], "info");
  ASSERT_TRUE(sleeps[0]["latency_ms"].is_number());
  EXPECT_GE(sleeps[0]["latency_ms"].get<double>(), 20.0);
  EXPECT_LT(sleeps[0]["latency_ms"].get<double>(), 5000.0);
  EXPECT_EQ(sleeps[1]["code"], "OK");
  EXPECT_FALSE(sleeps[1].contains("tenant")) << sleeps[1];
  EXPECT_EQ(capture.raw().find("secret-payload"), std::string::npos);
  // Probes are debug-level: not in an info log.
  EXPECT_TRUE(testing::LinesFor(lines, "rpc", "/grpc.health.v1.Health/Check").empty());
}

// Callback-API services register through the same AddService and log the same way.
class CallbackTestService final : public TestService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Sleep(grpc::CallbackServerContext* context, const SleepRequest* request,
                                  SleepResponse* /*response*/) override {
    if (!request->tenant().empty()) SetLogTenant(*context, request->tenant());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(request->return_code()), ""));
    return reactor;
  }
};

TEST(ServerRunnerTest, CallbackServicesServeReportHealthAndLogTheirTenant) {
  CallbackTestService service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  runner.SetHealthProbe([] { return absl::OkStatus(); });
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto channel = client::MakeChannel(Address(port));
  HealthCheckResponse::ServingStatus serving = HealthCheckResponse::UNKNOWN;
  ASSERT_TRUE(CheckHealth(channel, kTestServiceName, &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);

  testing::StdoutCapture capture;
  auto stub = TestService::NewStub(channel);
  SleepRequest request;
  request.set_tenant("t_callback");
  request.set_return_code(static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  SleepResponse response;
  auto context = client::NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub->Sleep(context.get(), request, &response).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  std::vector<nlohmann::json> lines = capture.Finish();
  auto sleeps = testing::LinesFor(lines, "rpc", kSleepMethod);
  ASSERT_EQ(sleeps.size(), 1u) << capture.raw();
  EXPECT_EQ(sleeps[0]["code"], "ALREADY_EXISTS");
  EXPECT_EQ(sleeps[0]["tenant"], "t_callback");
}

TEST(ServerRunnerTest, ConcurrentRpcsEachLogTheirOwnTenant) {
  TestServiceImpl service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto channel = client::MakeChannel(Address(port));

  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 25;
  testing::StdoutCapture capture;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = TestService::NewStub(channel);
      for (int i = 0; i < kCallsPerThread; ++i) {
        SleepRequest request;
        request.set_tenant(absl::StrCat("t_", t));
        // The code identifies the thread too, so a tenant mixed up between calls shows.
        request.set_return_code(t % 2 == 0 ? 0 : static_cast<int>(grpc::StatusCode::NOT_FOUND));
        SleepResponse response;
        auto context = client::NewCallContext(absl::Seconds(5));
        grpc::Status status = stub->Sleep(context.get(), request, &response);
        if (status.error_code() != static_cast<grpc::StatusCode>(request.return_code())) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<nlohmann::json> lines = capture.Finish();
  EXPECT_EQ(failures.load(), 0);

  std::map<std::string, int> per_tenant;
  int mismatched = 0;
  for (const auto& line : testing::LinesFor(lines, "rpc", kSleepMethod)) {
    const std::string tenant = line.value("tenant", "");
    ++per_tenant[tenant];
    if (tenant.size() < 3) {
      ++mismatched;
      continue;
    }
    const int thread = std::stoi(tenant.substr(2));
    if (line["code"] != (thread % 2 == 0 ? "OK" : "NOT_FOUND")) ++mismatched;
  }
  EXPECT_EQ(mismatched, 0);
  ASSERT_EQ(per_tenant.size(), static_cast<size_t>(kThreads));
  for (const auto& [tenant, count] : per_tenant) EXPECT_EQ(count, kCallsPerThread) << tenant;
}

// Black-box: a real process running ServerRunner::Run() gets SIGTERM while an RPC is in flight.
// The child is this test binary re-executed with a filter and an environment marker.
constexpr char kChildMarker[] = "DUNBAR_SIGNAL_TEST_CHILD";

TEST(ServerRunnerSignalTest, ChildServesUntilSignalled) {
  if (std::getenv(kChildMarker) == nullptr) {
    GTEST_SKIP() << "runs only as the child of SigtermDrainsInFlightRpcAndExitsZero";
  }
  TestServiceImpl service;
  ServerRunner runner(TestConfig());
  runner.AddService(&service);
  EXPECT_EQ(runner.Run(), 0);
}

TEST(ServerRunnerSignalTest, SigtermDrainsInFlightRpcAndExitsZero) {
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::string filter = "--gtest_filter=ServerRunnerSignalTest.ChildServesUntilSignalled";
  std::vector<char*> argv = {const_cast<char*>("/proc/self/exe"), filter.data(), nullptr};
  std::vector<std::string> env_storage = {absl::StrCat(kChildMarker, "=1")};
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ASSERT_EQ(spawned, 0);
  dunbar::testing::JsonLineReader child_stdout(out[0]);

  nlohmann::json started = child_stdout.WaitForEvent("server_started", absl::Seconds(10));
  ASSERT_TRUE(started.is_object()) << "the child never reported server_started";
  const int port = started["port"].get<int>();
  auto in_flight = SleepAsync(client::MakeChannel(Address(port)), 300, absl::Seconds(10));
  ASSERT_TRUE(child_stdout.WaitForEvent("test_sleep_started", absl::Seconds(10)).is_object());

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  EXPECT_TRUE(child_stdout.WaitForEvent("drain_started", absl::Seconds(5)).is_object());
  auto [status, slept] = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(slept.slept_ms(), 300);
  nlohmann::json finished = child_stdout.WaitForEvent("drain_finished", absl::Seconds(10));
  ASSERT_TRUE(finished.is_object());
  EXPECT_EQ(finished["deadline_exceeded"], false);

  int wait_status = 0;
  ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFEXITED(wait_status)) << "child ended by signal " << WTERMSIG(wait_status);
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
}

}  // namespace
}  // namespace dunbar::server
