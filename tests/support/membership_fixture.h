// The membership service in-process for integration tests: a real redis-server (own temp dir, unix
// socket, AOF on), the pooled RedisClient, a TokenStore with freshly minted tokens, the
// MembershipServer and a ServerRunner listening on 127.0.0.1:0, plus a stub over real loopback
// gRPC.
//
//   auto fixture = MembershipFixture::Start();            // StatusOr<unique_ptr<...>>
//   auto ctx = (*fixture)->Context(Caller::kAcme);        // deadline + "authorization: Bearer ..."
//   grpc::Status s = (*fixture)->stub().GetMember(ctx.get(), request, &member);
//   (*fixture)->StopRedis();                              // an outage; RestartRedis() replays AOF
//   (*fixture)->StopMembership();                         // the server itself goes away...
//   (*fixture)->StartMembership();                        // ...and comes back on the same port
//
// Test suites derive from MembershipIntegrationTest, which shares one fixture per suite and empties
// Redis before every test (FLUSHALL; the script cache survives it, the data does not).
#pragma once

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/token_store.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_options.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/membership/membership_server.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::server {
class ServerRunner;
}

namespace grpc {
// Readable gtest output for statuses ("INVALID_ARGUMENT: member.email: ...").
void PrintTo(const Status& status, std::ostream* os);
}  // namespace grpc

namespace dunbar::testing {

namespace mv1 = ::dunbar::membership::v1;

// Who makes a call. kNone sends no authorization metadata; kUnknown sends a well-formed token that
// is not in the store.
enum class Caller { kAcme, kGlobex, kService, kNone, kUnknown };

// Freshly minted tokens for every Caller, and a TokenStore that knows acme's, globex's and the
// service token (never the kUnknown one). Each in-process service gets its own set, as each
// deployed service has its own token file.
class TestTokens {
 public:
  static absl::StatusOr<TestTokens> Mint();
  // "" for kNone.
  const std::string& token(Caller caller) const;
  const std::shared_ptr<auth::TokenStore>& store() const { return store_; }

 private:
  std::string acme_;
  std::string globex_;
  std::string service_;
  std::string unknown_;
  std::shared_ptr<auth::TokenStore> store_;
};

// Starts a ServerRunner for `service` on 127.0.0.1:`*port` (0 = any free port; the bound port is
// written back), with `probe` as its health probe and `on_drain` (if set) as its drain hook.
absl::StatusOr<std::unique_ptr<server::ServerRunner>> StartTestServer(
    grpc::Service* service, std::function<absl::Status()> probe, absl::Duration probe_interval,
    const redis::RedisOptions& redis_options, int* port, std::function<void()> on_drain = nullptr);

// Drains and joins a runner started by StartTestServer; fine on null.
void StopTestServer(std::unique_ptr<server::ServerRunner>& runner);

struct MembershipFixtureOptions {
  membership::MembershipOptions membership;
  // Appended to the redis-server command line, e.g. {"--appendfsync", "always"}.
  std::vector<std::string> redis_args;
  // How often the health probe runs (short so tests observe NOT_SERVING quickly).
  absl::Duration health_probe_interval = absl::Milliseconds(100);
  // Client-side Redis timeouts; short so outage tests finish quickly.
  absl::Duration redis_command_timeout = absl::Seconds(2);
};

class MembershipFixture {
 public:
  static absl::StatusOr<std::unique_ptr<MembershipFixture>> Start(
      MembershipFixtureOptions options = {});
  ~MembershipFixture();
  MembershipFixture(const MembershipFixture&) = delete;
  MembershipFixture& operator=(const MembershipFixture&) = delete;

  mv1::MembershipService::Stub& stub() { return *stub_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  int port() const { return port_; }

  // A call context with a deadline and the caller's token.
  std::unique_ptr<grpc::ClientContext> Context(Caller caller,
                                               absl::Duration timeout = absl::Seconds(10)) const;
  // A context carrying exactly this `authorization` value (for malformed headers).
  std::unique_ptr<grpc::ClientContext> ContextWithAuthorization(
      const std::string& authorization, absl::Duration timeout = absl::Seconds(10)) const;
  const std::string& token(Caller caller) const;

  // Only while the membership server is up (see StopMembership).
  membership::MembershipServer& membership() { return *membership_; }
  redis::RedisClient& redis() { return *redis_; }
  RedisServerProcess& redis_process() { return *redis_process_; }
  const MembershipFixtureOptions& options() const { return options_; }

  // Empties the database (data only; the service's scripts stay cached in Redis).
  absl::Status FlushRedis();
  // Graceful stop (SIGTERM: AOF flushed) or a crash (SIGKILL).
  void StopRedis();
  void KillRedis();
  // Starts redis-server again on the same dir and socket; the AOF is replayed.
  absl::Status RestartRedis();

  // Takes the membership server down (drain, as on SIGTERM) and builds a fresh one listening on
  // the same port, as a restarted pod behind the same address. Redis is untouched.
  void StopMembership();
  absl::Status StartMembership();
  bool membership_running() const { return runner_ != nullptr; }

  // Health of the overall server ("") via grpc.health.v1.Health/Check.
  absl::StatusOr<bool> HealthServing();

 private:
  MembershipFixture() = default;

  MembershipFixtureOptions options_;
  redis::RedisOptions redis_options_;
  std::unique_ptr<RedisServerProcess> redis_process_;
  std::shared_ptr<redis::RedisClient> redis_;
  TestTokens tokens_;
  std::unique_ptr<membership::MembershipServer> membership_;
  std::unique_ptr<server::ServerRunner> runner_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<mv1::MembershipService::Stub> stub_;
};

// Base for integration suites: one fixture per suite, an empty Redis for every test.
class MembershipIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static MembershipFixture& fixture() { return *shared_fixture_; }
  static mv1::MembershipService::Stub& stub() { return shared_fixture_->stub(); }
  static std::unique_ptr<grpc::ClientContext> Ctx(Caller caller = Caller::kAcme,
                                                  absl::Duration timeout = absl::Seconds(10)) {
    return shared_fixture_->Context(caller, timeout);
  }

 private:
  static std::unique_ptr<MembershipFixture> shared_fixture_;
};

// ---- Helpers shared by the membership integration tests ----

// A fresh request id ("req-<n>"), unique within the process.
std::string NewRequestId();

// Name of a gRPC code, e.g. "NOT_FOUND".
std::string CodeName(grpc::StatusCode code);

// Matches a grpc::Status with this code; prints code name and message on mismatch.
MATCHER_P(HasCode, code,
          std::string(negation ? "does not have" : "has") + " code " + CodeName(code)) {
  *result_listener << CodeName(arg.error_code()) << " \"" << arg.error_message() << "\"";
  return arg.error_code() == code;
}
// Code and a substring of the message (messages must name the field or object).
MATCHER_P2(HasCodeAndMessage, code, substring,
           "has code " + CodeName(code) + " and a message containing \"" + std::string(substring) +
               "\"") {
  *result_listener << CodeName(arg.error_code()) << " \"" << arg.error_message() << "\"";
  return arg.error_code() == code &&
         arg.error_message().find(std::string(substring)) != std::string::npos;
}
// Protobuf equality (all fields, repeated fields in order); prints both on mismatch.
MATCHER_P(EqualsProto, expected, "equals " + expected.ShortDebugString()) {
  *result_listener << "is " << arg.ShortDebugString();
  return google::protobuf::util::MessageDifferencer::Equals(arg, expected);
}
#define EXPECT_GRPC_OK(expr) EXPECT_THAT((expr), ::dunbar::testing::HasCode(grpc::StatusCode::OK))
#define ASSERT_GRPC_OK(expr) ASSERT_THAT((expr), ::dunbar::testing::HasCode(grpc::StatusCode::OK))

// An id with the shape of `real_id` that names nothing; different `variant`s (0..999) give
// different ids.
std::string UnknownIdLike(const std::string& real_id, int variant = 0);

// Timestamps.
google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& t);

// Calls as `caller` (acme by default). Each returns the status and fills `out` when given.
// Without `request_id` a fresh one is made; an explicit "" is sent as is.
grpc::Status CreateMember(MembershipFixture& f, const mv1::Member& member, mv1::Member* out,
                          Caller caller = Caller::kAcme,
                          const std::optional<std::string>& request_id = std::nullopt);
grpc::Status GetMember(MembershipFixture& f, const std::string& id, mv1::Member* out,
                       Caller caller = Caller::kAcme);
grpc::Status FindByHandle(MembershipFixture& f, mv1::HandleKind kind, const std::string& value,
                          mv1::Member* out, Caller caller = Caller::kAcme);
grpc::Status DeleteMember(MembershipFixture& f, const std::string& id, bool* deleted = nullptr,
                          Caller caller = Caller::kAcme);
grpc::Status RecordInteraction(MembershipFixture& f, const std::string& member_id,
                               mv1::InteractionKind kind, absl::Time at,
                               mv1::Interaction* out = nullptr, Caller caller = Caller::kAcme);
grpc::Status SetDoNotContact(MembershipFixture& f, const std::string& member_id, bool value,
                             Caller caller = Caller::kAcme);

// Creates a member (acme) or fails the current test; returns it.
mv1::Member MustCreate(MembershipFixture& f, const mv1::Member& member,
                       Caller caller = Caller::kAcme);
mv1::Member MakeMember(const std::string& name, const std::string& phone = "",
                       const std::string& email = "", const std::string& wechat_id = "");

// Every member of the caller's tenant matching the filters, paging with `page_size`.
absl::StatusOr<std::vector<mv1::Member>> ListAllMembers(MembershipFixture& f,
                                                        mv1::ListMembersRequest request,
                                                        int page_size = 500,
                                                        Caller caller = Caller::kAcme);
// Every ranked contact, paging with `page_size`.
absl::StatusOr<std::vector<mv1::RankedContact>> RankAll(MembershipFixture& f,
                                                        mv1::RankContactsRequest request,
                                                        int page_size,
                                                        Caller caller = Caller::kAcme);

// Streams `rows` (in messages of `rows_per_message`) with a header; the header rides on the first
// message together with its rows.
grpc::Status Import(MembershipFixture& f, const std::string& request_id,
                    const std::vector<mv1::ImportRow>& rows, mv1::ImportContactsResponse* out,
                    Caller caller = Caller::kAcme, int rows_per_message = 500,
                    const std::string& tenant = "", const std::string& default_country = "");

}  // namespace dunbar::testing
