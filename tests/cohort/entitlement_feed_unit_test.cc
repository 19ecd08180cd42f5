// The AdmissionGate's entitlement feed against a fake membership server over real loopback gRPC:
// subscribe, invalidate on every change, distrust the cache when an invalidation fails or the feed
// resubscribes, reconnect after the stream ends or its deadline runs out, and stop promptly.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/clock.h"
#include "common/client/grpc_client.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/cohort/admission_gate.h"

namespace dunbar::cohort {
namespace {

namespace mv1 = ::dunbar::membership::v1;

// Polls `condition` until it holds or `timeout` passes (the gate has no hook to wait on; state it
// exposes is read under its lock).
template <typename Condition>
bool WaitFor(Condition condition, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return true;
}

// WatchEntitlementChanges as membership serves it: `subscribed` first, then whatever the test
// pushes, until the test ends the stream or the client cancels.
class FakeMembership final : public mv1::MembershipService::Service {
 public:
  grpc::Status WatchEntitlementChanges(
      grpc::ServerContext* context, const mv1::WatchEntitlementChangesRequest*,
      grpc::ServerWriter<mv1::EntitlementChange>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto auth = context->client_metadata().find("authorization");
      authorization_ = auth == context->client_metadata().end()
                           ? ""
                           : std::string(auth->second.data(), auth->second.size());
      ++streams_;
      open_ = true;
    }
    mv1::EntitlementChange subscribed;
    subscribed.set_subscribed(true);
    writer->Write(subscribed);
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait_for(lock, std::chrono::milliseconds(5),
                   [&] { return !pending_.empty() || end_stream_; });
      if (context->IsCancelled()) break;
      if (end_stream_) {
        end_stream_ = false;
        open_ = false;
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "draining");
      }
      while (!pending_.empty()) {
        mv1::EntitlementChange change = pending_.front();
        pending_.pop_front();
        lock.unlock();
        writer->Write(change);
        lock.lock();
      }
    }
    open_ = false;
    return grpc::Status::CANCELLED;
  }

  void Push(const std::string& tenant, const std::string& program_id,
            const std::string& member_id) {
    mv1::EntitlementChange change;
    change.set_tenant(tenant);
    change.set_program_id(program_id);
    change.set_member_id(member_id);
    change.set_order_id("o1");
    change.set_revoked(true);
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(change);
    cv_.notify_all();
  }
  void EndStream() {
    std::lock_guard<std::mutex> lock(mu_);
    end_stream_ = true;
    cv_.notify_all();
  }
  int streams() const {
    std::lock_guard<std::mutex> lock(mu_);
    return streams_;
  }
  bool open() const {
    std::lock_guard<std::mutex> lock(mu_);
    return open_;
  }
  std::string authorization() const {
    std::lock_guard<std::mutex> lock(mu_);
    return authorization_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<mv1::EntitlementChange> pending_;
  bool end_stream_ = false;
  bool open_ = false;
  int streams_ = 0;
  std::string authorization_;
};

// A settable clock shared by the gate and the test.
class TestClock {
 public:
  explicit TestClock(absl::Time start) : now_(start) {}
  absl::Time Now() const {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Set(absl::Time now) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = now;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

using Invalidation = std::tuple<std::string, std::string, std::string>;

class EntitlementFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&membership_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    options_.membership_token = "svc-token";
    options_.feed_initial_backoff = absl::Milliseconds(10);
    options_.feed_max_backoff = absl::Milliseconds(40);
    options_.clock = [this] { return clock_.Now(); };
  }

  void TearDown() override {
    gate_.reset();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  void StartGate(const std::string& target) {
    auto channel = client::MakeChannel(target);
    std::shared_ptr<AdmissionGate::MembershipStub> stub = mv1::MembershipService::NewStub(channel);
    gate_ = std::make_unique<AdmissionGate>(
        std::move(stub),
        [this](const mv1::EntitlementChange& change) {
          std::lock_guard<std::mutex> lock(mu_);
          invalidations_.emplace_back(change.tenant(), change.program_id(), change.member_id());
          return invalidate_status_;
        },
        options_);
    gate_->StartFeed();
  }
  void StartGate() { StartGate("127.0.0.1:" + std::to_string(port_)); }

  std::vector<Invalidation> invalidations() {
    std::lock_guard<std::mutex> lock(mu_);
    return invalidations_;
  }
  void FailInvalidations(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    invalidate_status_ = std::move(status);
  }

  const absl::Time t0_ = absl::FromUnixSeconds(1700000000);
  TestClock clock_{t0_};
  FakeMembership membership_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  AdmissionGateOptions options_;
  std::mutex mu_;
  std::vector<Invalidation> invalidations_;
  absl::Status invalidate_status_;
  std::unique_ptr<AdmissionGate> gate_;
};

TEST_F(EntitlementFeedTest, SubscribesWithTheServiceTokenAndMovesTrustToThatMoment) {
  StartGate();
  EXPECT_EQ(gate_->admission_valid_since(), t0_);
  clock_.Set(t0_ + absl::Seconds(10));
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_live(); }));
  EXPECT_EQ(gate_->feed_subscriptions(), 1);
  EXPECT_EQ(gate_->admission_valid_since(), t0_ + absl::Seconds(10));
  EXPECT_EQ(membership_.authorization(), "Bearer svc-token");
}

TEST_F(EntitlementFeedTest, EveryChangeInvalidatesThatAdmission) {
  StartGate();
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_live(); }));
  const absl::Time since = gate_->admission_valid_since();
  clock_.Set(t0_ + absl::Seconds(60));
  membership_.Push("acme", "p1", "m1");
  membership_.Push("beta", "p2", "m2");
  ASSERT_TRUE(WaitFor([&] { return invalidations().size() == 2; }));
  EXPECT_EQ(invalidations(),
            (std::vector<Invalidation>{{"acme", "p1", "m1"}, {"beta", "p2", "m2"}}));
  // Successful invalidations leave the other cached answers trusted.
  EXPECT_EQ(gate_->admission_valid_since(), since);
}

TEST_F(EntitlementFeedTest, FailedInvalidationDistrustsEverythingCachedSoFar) {
  StartGate();
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_live(); }));
  FailInvalidations(absl::UnavailableError("redis down"));
  clock_.Set(t0_ + absl::Seconds(120));
  membership_.Push("acme", "p1", "m1");
  ASSERT_TRUE(WaitFor([&] { return gate_->admission_valid_since() == t0_ + absl::Seconds(120); }));
  EXPECT_TRUE(gate_->feed_live());
}

TEST_F(EntitlementFeedTest, ReconnectsAfterTheStreamEndsAndResubscribes) {
  StartGate();
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_subscriptions() == 1; }));
  clock_.Set(t0_ + absl::Seconds(300));
  membership_.EndStream();
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_subscriptions() == 2; }));
  EXPECT_EQ(membership_.streams(), 2);
  EXPECT_TRUE(gate_->feed_live());
  // Changes made while no stream was open are lost: nothing cached before now is trusted.
  EXPECT_EQ(gate_->admission_valid_since(), t0_ + absl::Seconds(300));
  membership_.Push("acme", "p1", "m9");
  ASSERT_TRUE(WaitFor([&] { return invalidations().size() == 1; }));
}

TEST_F(EntitlementFeedTest, StreamDeadlineEndsItAndTheFeedReconnects) {
  options_.feed_stream_lifetime = absl::Milliseconds(300);
  StartGate();
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_subscriptions() >= 2; }));
  EXPECT_GE(membership_.streams(), 2);
}

TEST_F(EntitlementFeedTest, StopsPromptlyWhileTheStreamIsOpen) {
  StartGate();
  ASSERT_TRUE(WaitFor([&] { return gate_->feed_live() && membership_.open(); }));
  const absl::Time start = absl::Now();
  gate_.reset();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  ASSERT_TRUE(WaitFor([&] { return !membership_.open(); }));
}

TEST_F(EntitlementFeedTest, NotLiveWhileMembershipIsDownAndStopsPromptlyDuringBackoff) {
  options_.feed_initial_backoff = absl::Seconds(30);
  options_.feed_max_backoff = absl::Seconds(30);
  server_->Shutdown(std::chrono::system_clock::now());
  StartGate();
  // The first attempt fails at once (connection refused); the gate then waits its backoff.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_FALSE(gate_->feed_live());
  EXPECT_EQ(gate_->feed_subscriptions(), 0);
  EXPECT_EQ(gate_->admission_valid_since(), t0_);
  const absl::Time start = absl::Now();
  gate_.reset();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

}  // namespace
}  // namespace dunbar::cohort
