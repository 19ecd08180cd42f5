// The driver against a real in-process gRPC server (the standard health service), so counts,
// error codes and baseline ratios are checked end to end.
#include "bench/load/closed_loop.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>

#include "bench/load/channel_set.h"
#include "bench/load/load_report.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dunbar::bench {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Health as the tests need it: "" is SERVING, any other service NOT_FOUND (like gRPC's own).
class FakeHealth final : public Health::Service {
  grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest* request,
                     HealthCheckResponse* response) override {
    if (!request->service().empty()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown");
    response->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

class HealthServer {
 public:
  HealthServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~HealthServer() { server_->Shutdown(); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  FakeHealth service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST(ClosedLoopTest, CountsOkAndErrorsByCodeOverRealRpcs) {
  HealthServer server;
  ChannelSet channels(server.target(), 2);
  ASSERT_TRUE(channels.WaitForConnected(absl::Seconds(5)).ok());

  LoadOptions options;
  options.clients = 3;
  options.warmup = absl::Milliseconds(50);
  options.duration = absl::Milliseconds(300);
  std::atomic<int> clients_made{0};
  // Even calls ask for the overall service (OK), odd calls for an unknown one (NOT_FOUND).
  LoadResult r = RunClosedLoop("Check", options, [&](int client) -> Caller {
    ++clients_made;
    auto stub = std::shared_ptr<Health::Stub>(Health::NewStub(channels.ForClient(client)));
    auto n = std::make_shared<int>(0);
    return [stub, n]() {
      grpc::ClientContext context;
      HealthCheckRequest request;
      if ((*n)++ % 2 == 1) request.set_service("no.such.Service");
      HealthCheckResponse response;
      return stub->Check(&context, request, &response);
    };
  });

  EXPECT_EQ(clients_made.load(), 3);
  EXPECT_EQ(r.clients, 3);
  EXPECT_GT(r.calls(), 10);
  ASSERT_EQ(r.errors_by_code.size(), 1u);
  ASSERT_EQ(r.errors_by_code.count(grpc::StatusCode::NOT_FOUND), 1u);
  // Each client alternates, so OK and NOT_FOUND differ by at most one per client.
  EXPECT_LE(std::abs(r.ok - r.errors_by_code[grpc::StatusCode::NOT_FOUND]), 3);
  EXPECT_EQ(r.ok + r.errors(), r.calls());
  EXPECT_NE(r.first_error.find("NOT_FOUND"), std::string::npos) << r.first_error;
  EXPECT_DOUBLE_EQ(r.throughput(), r.calls() / 0.3);
  EXPECT_GT(r.latency.Quantile(0.5), absl::ZeroDuration());
  EXPECT_LE(r.latency.Quantile(0.5), r.latency.Quantile(0.99));
  EXPECT_EQ(FormatErrors(r), "NOT_FOUND=" + std::to_string(r.errors()));
}

TEST(ClosedLoopTest, WarmupCallsAreNotRecorded) {
  LoadOptions options;
  options.clients = 1;
  options.warmup = absl::Milliseconds(200);
  options.duration = absl::Milliseconds(200);
  std::atomic<int> total{0};
  LoadResult r = RunClosedLoop("sleep", options, [&](int) -> Caller {
    return [&]() {
      ++total;
      absl::SleepFor(absl::Milliseconds(10));
      return grpc::Status::OK;
    };
  });
  // ~20 calls per period; only the measured ones count.
  EXPECT_GE(r.calls(), 15);
  EXPECT_LE(r.calls(), 21);
  EXPECT_GE(total.load(), r.calls() + 15);
  EXPECT_GE(r.latency.Quantile(0.5), absl::Milliseconds(10));
}

TEST(LoadReportTest, RatiosAreAgainstTheBaseline) {
  LoadResult base;
  base.name = "Health.Check (baseline)";
  base.clients = 4;
  base.window = absl::Seconds(1);
  for (int i = 0; i < 1000; ++i) base.latency.RecordNanos(100000);  // 100 us, 1000 RPC/s
  base.ok = 1000;
  LoadResult fig;
  fig.name = "GetMember";
  fig.clients = 4;
  fig.window = absl::Seconds(1);
  for (int i = 0; i < 500; ++i) fig.latency.RecordNanos(300000);  // 300 us, 500 RPC/s
  fig.ok = 499;
  fig.errors_by_code[grpc::StatusCode::UNAVAILABLE] = 1;

  nlohmann::json j = ToJson({&fig, &base, "contacts=10^4"});
  EXPECT_DOUBLE_EQ(j["rpc_per_s"].get<double>(), 500.0);
  EXPECT_DOUBLE_EQ(j["ratio_rpc_per_s"].get<double>(), 0.5);
  // Bucket bounds are within 1/64 of the recorded value, for both.
  EXPECT_NEAR(j["ratio_p99"].get<double>(), 3.0, 0.05);
  EXPECT_EQ(j["errors"]["UNAVAILABLE"].get<int>(), 1);
  EXPECT_EQ(j["note"], "contacts=10^4");
  const std::string md = MarkdownRow({&fig, &base, "contacts=10^4"});
  EXPECT_EQ(md.rfind("| GetMember | contacts=10^4 | 4 | 500 | ", 0), 0u) << md;
  EXPECT_NE(md.find("| 0.50 | 3.0"), std::string::npos) << md;
  EXPECT_NE(md.find("UNAVAILABLE=1 |"), std::string::npos) << md;
}

}  // namespace
}  // namespace dunbar::bench
