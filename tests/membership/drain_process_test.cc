// The real membership binary as a child process (exactly as deployed: main.cc's wiring, signals,
// exit code) against a real redis-server:
// - graceful drain: with an import stream in flight, SIGTERM turns health NOT_SERVING at once,
//   new connections are refused, the in-flight RPC still finishes OK with every row, and the
//   process exits 0 well within its drain deadline;
// - --metrics-listen: /metrics over HTTP counts the RPCs by method and code (errors included),
//   times them, and shows the Redis client's commands, pool and errors (with Redis stopped).
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/token_store.h"
#include "common/client/grpc_client.h"
#include "common/redis/redis_client.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/redis_server_process.h"
#include "tests/support/service_process.h"

#ifndef DUNBAR_MEMBERSHIP_BINARY
#error "tests/CMakeLists.txt passes the membership binary's path"
#endif

namespace dunbar::testing {
namespace {

namespace mv1 = ::dunbar::membership::v1;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr int kDrainTimeoutSeconds = 5;

// redis-server + the membership binary with a minted operator token.
class MembershipProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    auto minted = auth::MintToken("acme", auth::Role::kOperator);
    ASSERT_TRUE(minted.ok()) << minted.status();
    token_ = minted->token;
    const std::string tokens_file = WriteTempFile("tokens", minted->file_line + "\n");
    ASSERT_FALSE(tokens_file.empty());
    service_ = std::make_unique<ServiceProcess>(
        DUNBAR_MEMBERSHIP_BINARY,
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--redis-url", redis_.url(),
                                 "--tokens-file", tokens_file, "--metrics-listen", "127.0.0.1:0",
                                 "--drain-timeout-seconds", absl::StrCat(kDrainTimeoutSeconds)});
    ASSERT_TRUE(service_->Start().ok());
    nlohmann::json started = service_->WaitForEvent("server_started", absl::Seconds(20));
    ASSERT_TRUE(started.is_object()) << "no server_started line:\n" << service_->output();
    port_ = started["port"].get<int>();
    metrics_port_ = started["metrics_port"].get<int>();
    ASSERT_GT(port_, 0);
    ASSERT_GT(metrics_port_, 0);
    channel_ = client::MakeChannel(Address());
    stub_ = mv1::MembershipService::NewStub(channel_);
  }

  std::string Address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(10)) const {
    return client::NewCallContext(timeout, token_);
  }

  RedisServerProcess redis_;
  std::string token_;
  std::unique_ptr<ServiceProcess> service_;
  int port_ = 0;
  int metrics_port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<mv1::MembershipService::Stub> stub_;
};

mv1::ImportRow Row(int n) {
  mv1::ImportRow row;
  row.set_name(absl::StrCat("Contact ", n));
  row.set_email(absl::StrCat("contact", n, "@example.com"));
  return row;
}

TEST_F(MembershipProcessTest, SigtermDrainsInFlightImportRefusesNewCallsAndExitsZero) {
  // Health watch first: it must hear NOT_SERVING as soon as the signal lands.
  auto health = Health::NewStub(channel_);
  grpc::ClientContext watch_context;
  watch_context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  HealthCheckRequest everything;
  auto watch = health->Watch(&watch_context, everything);
  HealthCheckResponse status;
  ASSERT_TRUE(watch->Read(&status));
  ASSERT_EQ(status.status(), HealthCheckResponse::SERVING);

  // An import in flight: the first 1,000 rows are sent; the stream stays open.
  auto import_context = Context(absl::Seconds(30));
  mv1::ImportContactsResponse summary;
  auto import = stub_->ImportContacts(import_context.get(), &summary);
  mv1::ImportContactsRequest first;
  first.mutable_header()->set_request_id("drain-import-1");
  for (int n = 0; n < 1000; ++n) *first.add_rows() = Row(n);
  ASSERT_TRUE(import->Write(first));
  // The handler is provably running once its first batches are in Redis.
  redis::RedisOptions options;
  options.url = redis_.url();
  auto redis = redis::RedisClient::Connect(options);
  ASSERT_TRUE(redis.ok());
  const absl::Time wait_until = absl::Now() + absl::Seconds(10);
  int64_t keys = 0;
  while (keys == 0 && absl::Now() < wait_until) {
    auto size = (*redis)->Command({"DBSIZE"});
    ASSERT_TRUE(size.ok()) << size.status();
    keys = size->integer();
    if (keys == 0) absl::SleepFor(absl::Milliseconds(10));  // polling an outside process
  }
  ASSERT_GT(keys, 0) << "the import handler never wrote its first batch";

  const absl::Time signalled_at = absl::Now();
  service_->Signal(SIGTERM);
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_LT(absl::Now() - signalled_at, absl::Milliseconds(500)) << "health must flip at once";
  // A client that heard NOT_SERVING goes away (gRPC 1.51 keeps Watch streams open until the drain
  // deadline; see common/server/server_runner.h).
  watch_context.TryCancel();
  ASSERT_TRUE(service_->WaitForEvent("drain_started", absl::Seconds(5)).is_object());

  // New connections are refused while the import is still open. Once the server has begun to
  // shut down it sends GOAWAY on the old connection; from then on the listener is closed.
  ASSERT_TRUE(channel_->WaitForStateChange(GRPC_CHANNEL_READY,
                                           absl::ToChronoTime(absl::Now() + absl::Seconds(2))));
  auto fresh = mv1::MembershipService::NewStub(client::MakeChannel(Address()));
  mv1::GetMemberRequest get;
  get.set_member_id("01HZZZZZZZZZZZZZZZZZZZZZZZ");
  mv1::Member member;
  auto fresh_context = Context(absl::Seconds(2));
  EXPECT_EQ(fresh->GetMember(fresh_context.get(), get, &member).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // The in-flight import finishes normally, every row counted.
  mv1::ImportContactsRequest last;
  for (int n = 1000; n < 1010; ++n) *last.add_rows() = Row(n);
  last.set_end_of_import(true);
  EXPECT_TRUE(import->Write(last));
  EXPECT_TRUE(import->WritesDone());
  grpc::Status finished = import->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_EQ(summary.rows_received(), 1010);
  EXPECT_EQ(summary.created(), 1010);

  std::optional<int> exit_code = service_->WaitForExit(absl::Seconds(kDrainTimeoutSeconds + 5));
  ASSERT_TRUE(exit_code.has_value()) << "still running after the drain deadline";
  EXPECT_EQ(*exit_code, 0);
  EXPECT_LT(absl::Now() - signalled_at, absl::Seconds(kDrainTimeoutSeconds))
      << "the drain waited for its deadline instead of for the in-flight RPC";
  nlohmann::json drained = service_->WaitForEvent("drain_finished", absl::Seconds(1));
  ASSERT_TRUE(drained.is_object()) << service_->output();
  EXPECT_EQ(drained["deadline_exceeded"], false);
}

TEST_F(MembershipProcessTest, MetricsEndpointCountsRpcsByCodeAndShowsRedis) {
  mv1::CreateMemberRequest create;
  create.mutable_member()->set_name("王小明");
  create.mutable_member()->set_email("wang@example.com");
  create.set_request_id("metrics-1");
  mv1::Member created;
  auto context = Context();
  ASSERT_TRUE(stub_->CreateMember(context.get(), create, &created).ok());
  for (int i = 0; i < 2; ++i) {
    mv1::GetMemberRequest get;
    get.set_member_id(created.id());
    mv1::Member found;
    context = Context();
    ASSERT_TRUE(stub_->GetMember(context.get(), get, &found).ok());
  }
  mv1::GetMemberRequest missing;
  missing.set_member_id(created.id().substr(0, created.id().size() - 1) +
                        (created.id().back() == 'Z' ? "Y" : "Z"));
  mv1::Member none;
  context = Context();
  ASSERT_EQ(stub_->GetMember(context.get(), missing, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto anonymous = client::NewCallContext(absl::Seconds(10));
  ASSERT_EQ(stub_->GetMember(anonymous.get(), missing, &none).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  absl::StatusOr<std::string> page = ScrapeMetrics(metrics_port_);
  ASSERT_TRUE(page.ok()) << page.status();
  const std::string service = "dunbar.membership.v1.MembershipService";
  auto handled = [&](const std::string& method, const std::string& code) {
    return SampleValue(*page, "dunbar_grpc_server_handled_total",
                       {{"service", service}, {"method", method}, {"code", code}});
  };
  EXPECT_EQ(handled("CreateMember", "OK"), 1.0) << *page;
  EXPECT_EQ(handled("GetMember", "OK"), 2.0);
  EXPECT_EQ(handled("GetMember", "NOT_FOUND"), 1.0);
  EXPECT_EQ(handled("GetMember", "UNAUTHENTICATED"), 1.0);
  EXPECT_EQ(SampleValue(*page, "dunbar_grpc_server_handling_seconds_count",
                        {{"service", service}, {"method", "GetMember"}, {"code", "OK"}}),
            2.0);
  // Changes are scripts (EVALSHA, also the health probe's); member reads are HGETALLs.
  auto redis_commands = [&](const std::string& command) {
    return SampleValue(*page, "dunbar_redis_command_seconds_count",
                       {{"pool", "main"}, {"command", command}})
        .value_or(0);
  };
  EXPECT_GE(redis_commands("EVALSHA"), 1.0) << *page;
  EXPECT_GE(redis_commands("HGETALL"), 3.0);
  EXPECT_TRUE(
      SampleValue(*page, "dunbar_redis_pool_connections", {{"pool", "main"}, {"state", "idle"}})
          .has_value());
  EXPECT_EQ(
      SampleValue(*page, "dunbar_redis_errors_total", {{"pool", "main"}, {"kind", "connection"}}),
      0.0);

  // Redis goes away: the RPC says UNAVAILABLE, both sides show it.
  redis_.Stop();
  context = Context();
  mv1::GetMemberRequest get;
  get.set_member_id(created.id());
  mv1::Member found;
  EXPECT_EQ(stub_->GetMember(context.get(), get, &found).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  page = ScrapeMetrics(metrics_port_);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(handled("GetMember", "UNAVAILABLE"), 1.0) << *page;
  EXPECT_GE(
      SampleValue(*page, "dunbar_redis_errors_total", {{"pool", "main"}, {"kind", "connection"}})
          .value_or(0),
      1.0);

  service_->Signal(SIGTERM);
  EXPECT_EQ(service_->WaitForExit(absl::Seconds(kDrainTimeoutSeconds + 5)), 0);
}

}  // namespace
}  // namespace dunbar::testing
