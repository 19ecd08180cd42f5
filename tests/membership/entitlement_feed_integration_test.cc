// WatchEntitlementChanges over real gRPC against a real Redis: a service watcher sees `subscribed`,
// then every grant and revocation of every tenant in order; no-op writes publish nothing; only
// service tokens may watch; a Redis outage and a server drain end the stream with UNAVAILABLE
// (the drain promptly, not at its deadline); a cancelled watch releases its Redis subscription.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "common/server/server_config.h"
#include "common/server/server_runner.h"
#include "services/membership/entitlement_change_codec.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// An open WatchEntitlementChanges stream.
struct Watch {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<mv1::EntitlementChange>> reader;

  // The next message; fails the test (and returns an empty message) if the stream ended.
  mv1::EntitlementChange Next() {
    mv1::EntitlementChange change;
    if (!reader->Read(&change)) {
      const grpc::Status ended = Finish();
      ADD_FAILURE() << "the stream ended: " << CodeName(ended.error_code()) << " "
                    << ended.error_message();
    }
    return change;
  }
  grpc::Status Finish() { return reader->Finish(); }
};

Watch OpenWatch(mv1::MembershipService::Stub& stub, std::unique_ptr<grpc::ClientContext> context) {
  Watch watch;
  watch.context = std::move(context);
  watch.reader = stub.WatchEntitlementChanges(watch.context.get(), {});
  return watch;
}

mv1::EntitlementChange Subscribed() {
  mv1::EntitlementChange change;
  change.set_subscribed(true);
  return change;
}

mv1::EntitlementChange Change(const std::string& tenant, const std::string& member_id,
                              const std::string& program_id, const std::string& order_id,
                              bool revoked) {
  mv1::EntitlementChange change;
  change.set_tenant(tenant);
  change.set_member_id(member_id);
  change.set_program_id(program_id);
  change.set_order_id(order_id);
  change.set_revoked(revoked);
  return change;
}

mv1::GrantEntitlementRequest GrantRequest(const std::string& member_id,
                                          const std::string& program_id,
                                          const std::string& order_id) {
  mv1::GrantEntitlementRequest r;
  r.set_member_id(member_id);
  r.set_program_id(program_id);
  r.set_order_id(order_id);
  r.set_amount_minor(19900);
  r.set_currency("CNY");
  *r.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
  return r;
}

// `actual` is `expected` apart from changed_at, which lies within [from, to] (at ms precision).
::testing::AssertionResult IsChange(const mv1::EntitlementChange& actual,
                                    mv1::EntitlementChange expected, absl::Time from,
                                    absl::Time to) {
  const absl::Time changed_at = FromProto(actual.changed_at());
  if (changed_at < absl::FromUnixMillis(absl::ToUnixMillis(from)) || changed_at > to) {
    return ::testing::AssertionFailure()
           << "changed_at " << absl::FormatTime(changed_at) << " is not within ["
           << absl::FormatTime(from) << ", " << absl::FormatTime(to) << "]";
  }
  *expected.mutable_changed_at() = actual.changed_at();
  if (!google::protobuf::util::MessageDifferencer::Equals(actual, expected)) {
    return ::testing::AssertionFailure()
           << "got " << actual.ShortDebugString() << "\nwanted " << expected.ShortDebugString();
  }
  return ::testing::AssertionSuccess();
}

grpc::Status Grant(MembershipFixture& f, const mv1::GrantEntitlementRequest& r, Caller caller) {
  mv1::Entitlement ignored;
  return f.stub().GrantEntitlement(f.Context(caller).get(), r, &ignored);
}

grpc::Status Revoke(MembershipFixture& f, const std::string& order_id, Caller caller) {
  mv1::RevokeEntitlementRequest r;
  r.set_order_id(order_id);
  r.set_reason("refund");
  mv1::Entitlement ignored;
  return f.stub().RevokeEntitlement(f.Context(caller).get(), r, &ignored);
}

// Redis's count of subscribers to the feed's channel.
int64_t FeedSubscribers(MembershipFixture& f) {
  auto reply = f.redis().Command({"PUBSUB", "NUMSUB", membership::kEntitlementChangesChannel});
  EXPECT_TRUE(reply.ok()) << reply.status();
  if (!reply.ok() || reply->elements().size() != 2) return -1;
  return reply->elements()[1].integer();
}

// Waits (up to 3 s) until Redis counts `expected` feed subscribers.
bool WaitForFeedSubscribers(MembershipFixture& f, int64_t expected) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(3);
  while (FeedSubscribers(f) != expected) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class EntitlementFeedTest : public MembershipIntegrationTest {
 protected:
  void SetUp() override {
    MembershipIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    // Watchers of earlier tests are gone (each test ends its own).
    ASSERT_TRUE(WaitForFeedSubscribers(fixture(), 0));
  }
};

TEST_F(EntitlementFeedTest, ServiceWatcherSeesEveryTenantsChangesInOrder) {
  const mv1::Member acme = MustCreate(fixture(), MakeMember("Acme buyer", "13800138000"));
  const mv1::Member globex =
      MustCreate(fixture(), MakeMember("Globex buyer", "13900139000"), Caller::kGlobex);
  Watch watch = OpenWatch(stub(), Ctx(Caller::kService));
  EXPECT_THAT(watch.Next(), EqualsProto(Subscribed()));

  const absl::Time from = absl::Now();
  ASSERT_GRPC_OK(Grant(fixture(), GrantRequest(acme.id(), "deep-work", "order-a1"), Caller::kAcme));
  ASSERT_GRPC_OK(
      Grant(fixture(), GrantRequest(globex.id(), "yoga.101", "order-g1"), Caller::kGlobex));
  ASSERT_GRPC_OK(Revoke(fixture(), "order-a1", Caller::kAcme));
  ASSERT_GRPC_OK(Revoke(fixture(), "order-g1", Caller::kGlobex));
  const absl::Time to = absl::Now();

  const mv1::EntitlementChange changes[] = {watch.Next(), watch.Next(), watch.Next(), watch.Next()};
  EXPECT_TRUE(
      IsChange(changes[0], Change("acme", acme.id(), "deep-work", "order-a1", false), from, to));
  EXPECT_TRUE(
      IsChange(changes[1], Change("globex", globex.id(), "yoga.101", "order-g1", false), from, to));
  EXPECT_TRUE(
      IsChange(changes[2], Change("acme", acme.id(), "deep-work", "order-a1", true), from, to));
  EXPECT_TRUE(
      IsChange(changes[3], Change("globex", globex.id(), "yoga.101", "order-g1", true), from, to));
  for (int i = 1; i < 4; ++i) {
    EXPECT_LE(FromProto(changes[i - 1].changed_at()), FromProto(changes[i].changed_at()));
  }

  watch.context->TryCancel();
  EXPECT_THAT(watch.Finish(), HasCode(Code::CANCELLED));
}

TEST_F(EntitlementFeedTest, WritesThatChangeNothingPublishNothing) {
  const absl::Time start = absl::Now();
  const mv1::Member member = MustCreate(fixture(), MakeMember("Buyer", "13800138000"));
  Watch watch = OpenWatch(stub(), Ctx(Caller::kService));
  EXPECT_THAT(watch.Next(), EqualsProto(Subscribed()));

  const mv1::GrantEntitlementRequest grant = GrantRequest(member.id(), "deep-work", "order-1");
  ASSERT_GRPC_OK(Grant(fixture(), grant, Caller::kAcme));
  EXPECT_TRUE(IsChange(watch.Next(), Change("acme", member.id(), "deep-work", "order-1", false),
                       start, absl::Now()));
  ASSERT_GRPC_OK(Grant(fixture(), grant, Caller::kAcme));  // replay: same answer, no change
  mv1::GrantEntitlementRequest conflicting = grant;
  conflicting.set_amount_minor(1);
  EXPECT_THAT(Grant(fixture(), conflicting, Caller::kAcme), HasCode(Code::ALREADY_EXISTS));
  EXPECT_THAT(Grant(fixture(), GrantRequest(UnknownIdLike(member.id()), "deep-work", "order-x"),
                    Caller::kAcme),
              HasCode(Code::NOT_FOUND));
  ASSERT_GRPC_OK(Revoke(fixture(), "order-1", Caller::kAcme));
  EXPECT_TRUE(IsChange(watch.Next(), Change("acme", member.id(), "deep-work", "order-1", true),
                       start, absl::Now()));
  ASSERT_GRPC_OK(Revoke(fixture(), "order-1", Caller::kAcme));  // already revoked
  EXPECT_THAT(Revoke(fixture(), "order-unknown", Caller::kAcme), HasCode(Code::NOT_FOUND));

  // Notices arrive in publish order, so the marker being next proves nothing came in between.
  ASSERT_GRPC_OK(
      Grant(fixture(), GrantRequest(member.id(), "marker", "order-marker"), Caller::kAcme));
  EXPECT_TRUE(IsChange(watch.Next(), Change("acme", member.id(), "marker", "order-marker", false),
                       start, absl::Now()));

  watch.context->TryCancel();
  EXPECT_THAT(watch.Finish(), HasCode(Code::CANCELLED));
}

TEST_F(EntitlementFeedTest, OnlyServiceTokensMayWatch) {
  for (Caller caller : {Caller::kAcme, Caller::kGlobex}) {
    Watch watch = OpenWatch(stub(), Ctx(caller));
    mv1::EntitlementChange change;
    EXPECT_FALSE(watch.reader->Read(&change));
    EXPECT_THAT(watch.Finish(), HasCodeAndMessage(Code::PERMISSION_DENIED, "service tokens"));
  }
  for (Caller caller : {Caller::kNone, Caller::kUnknown}) {
    Watch watch = OpenWatch(stub(), Ctx(caller));
    mv1::EntitlementChange change;
    EXPECT_FALSE(watch.reader->Read(&change));
    EXPECT_THAT(watch.Finish(), HasCode(Code::UNAUTHENTICATED));
  }
  EXPECT_EQ(FeedSubscribers(fixture()), 0);  // no Redis subscription was opened for them
}

TEST_F(EntitlementFeedTest, CancelledWatchReleasesItsSubscription) {
  const absl::Time start = absl::Now();
  Watch first = OpenWatch(stub(), Ctx(Caller::kService));
  Watch second = OpenWatch(stub(), Ctx(Caller::kService));
  EXPECT_THAT(first.Next(), EqualsProto(Subscribed()));
  EXPECT_THAT(second.Next(), EqualsProto(Subscribed()));
  EXPECT_EQ(FeedSubscribers(fixture()), 2);  // one Redis connection per watcher

  first.context->TryCancel();
  EXPECT_THAT(first.Finish(), HasCode(Code::CANCELLED));
  EXPECT_TRUE(WaitForFeedSubscribers(fixture(), 1));

  // The other watcher still gets changes.
  const mv1::Member member = MustCreate(fixture(), MakeMember("Buyer", "13800138000"));
  ASSERT_GRPC_OK(
      Grant(fixture(), GrantRequest(member.id(), "deep-work", "order-1"), Caller::kAcme));
  EXPECT_TRUE(IsChange(second.Next(), Change("acme", member.id(), "deep-work", "order-1", false),
                       start, absl::Now()));
  second.context->TryCancel();
  EXPECT_THAT(second.Finish(), HasCode(Code::CANCELLED));
  EXPECT_TRUE(WaitForFeedSubscribers(fixture(), 0));
}

// Own fixtures: these stop Redis or drain the server.

TEST(EntitlementFeedOutageTest, RedisStopEndsTheStreamWithUnavailable) {
  auto started = MembershipFixture::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  MembershipFixture& f = **started;
  Watch watch = OpenWatch(f.stub(), f.Context(Caller::kService, absl::Seconds(30)));
  EXPECT_THAT(watch.Next(), EqualsProto(Subscribed()));

  const Clock::time_point start = Clock::now();
  f.StopRedis();
  mv1::EntitlementChange change;
  EXPECT_FALSE(watch.reader->Read(&change));
  EXPECT_THAT(watch.Finish(), HasCode(Code::UNAVAILABLE));
  EXPECT_LT(MillisSince(start), 2000);

  // While Redis is down a new watch ends at once; once it is back, watching works again.
  Watch refused = OpenWatch(f.stub(), f.Context(Caller::kService));
  EXPECT_FALSE(refused.reader->Read(&change));
  EXPECT_THAT(refused.Finish(), HasCode(Code::UNAVAILABLE));
  ASSERT_TRUE(f.RestartRedis().ok());
  Watch again = OpenWatch(f.stub(), f.Context(Caller::kService));
  EXPECT_THAT(again.Next(), EqualsProto(Subscribed()));
  again.context->TryCancel();
  EXPECT_THAT(again.Finish(), HasCode(Code::CANCELLED));
}

TEST(EntitlementFeedDrainTest, DrainEndsAnOpenStreamPromptly) {
  auto started = MembershipFixture::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  MembershipFixture& f = **started;
  // A server assembled as main.cc does (drain hook included), with a long drain budget.
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.drain_timeout_seconds = 10;
  config.log_level = "warn";
  server::ServerRunner runner(config);
  runner.AddService(f.membership().service());
  runner.OnDrain([&f] { f.membership().BeginDrain(); });
  int port = 0;
  ASSERT_TRUE(runner.Start(&port).ok());
  auto stub =
      mv1::MembershipService::NewStub(client::MakeChannel(absl::StrCat("127.0.0.1:", port)));

  Watch watch =
      OpenWatch(*stub, client::NewCallContext(absl::Seconds(30), f.token(Caller::kService)));
  EXPECT_THAT(watch.Next(), EqualsProto(Subscribed()));

  const Clock::time_point start = Clock::now();
  runner.RequestShutdown();
  mv1::EntitlementChange change;
  EXPECT_FALSE(watch.reader->Read(&change));
  const grpc::Status ended = watch.Finish();
  EXPECT_THAT(ended, HasCodeAndMessage(Code::UNAVAILABLE, "reconnect"));
  const int64_t stream_ended_ms = MillisSince(start);
  runner.Wait();
  const int64_t drained_ms = MillisSince(start);
  EXPECT_LT(stream_ended_ms, 500);
  EXPECT_LT(drained_ms, 1000);  // the drain budget is 10 s: the stream did not hold it
  RecordProperty("stream_ended_ms", static_cast<int>(stream_ended_ms));
  RecordProperty("drained_ms", static_cast<int>(drained_ms));
}

}  // namespace
}  // namespace dunbar::testing
