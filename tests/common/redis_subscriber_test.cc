// RedisSubscriber against a real redis-server (tests/support/redis_server_process.h): messages
// arrive in publish order, waiting never breaks the connection, a Redis stop ends the subscription
// with UNAVAILABLE, and the URL's password and database are honoured.
#include "common/redis/redis_subscriber.h"

#include <chrono>
#include <memory>
#include <string>

#include "common/log/json_log.h"
#include "common/redis/redis_client.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::redis {
namespace {

using ::dunbar::testing::RedisServerProcess;
using Clock = std::chrono::steady_clock;

constexpr absl::Duration kLongWait = absl::Seconds(5);

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

class RedisSubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetEnabled(false);  // expected failures would otherwise flood the test output
    ASSERT_TRUE(redis_.Start().ok());
    options_.url = redis_.url();
    auto client = RedisClient::Connect(options_);
    ASSERT_TRUE(client.ok()) << client.status();
    publisher_ = *client;
  }
  void TearDown() override { log::SetEnabled(true); }

  std::unique_ptr<RedisSubscriber> MustSubscribe(const std::string& channel) {
    absl::StatusOr<std::unique_ptr<RedisSubscriber>> subscriber = RedisSubscriber::Open(options_);
    EXPECT_TRUE(subscriber.ok()) << subscriber.status();
    if (!subscriber.ok()) return nullptr;
    EXPECT_TRUE((*subscriber)->Subscribe(channel).ok());
    return *std::move(subscriber);
  }

  // Returns how many subscribers received it.
  int64_t Publish(const std::string& channel, const std::string& payload) {
    absl::StatusOr<RedisReply> reply = publisher_->Command({"PUBLISH", channel, payload});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->integer() : -1;
  }

  RedisServerProcess redis_;
  RedisOptions options_;
  std::shared_ptr<RedisClient> publisher_;
};

TEST_F(RedisSubscriberTest, ReceivesMessagesOfItsChannelInPublishOrder) {
  std::unique_ptr<RedisSubscriber> subscriber = MustSubscribe("news");
  ASSERT_NE(subscriber, nullptr);
  // The subscription is live once Subscribe() returns: Redis counts the receiver at once.
  EXPECT_EQ(Publish("news", "one"), 1);
  EXPECT_EQ(Publish("other", "not for us"), 0);
  EXPECT_EQ(Publish("news", std::string("two\0\ttabs", 9)), 1);

  auto first = subscriber->Next(kLongWait);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->channel, "news");
  EXPECT_EQ((*first)->payload, "one");
  auto second = subscriber->Next(kLongWait);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->payload, std::string("two\0\ttabs", 9));  // binary safe

  auto none = subscriber->Next(absl::Milliseconds(50));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
}

TEST_F(RedisSubscriberTest, WaitingLongerThanTheCommandTimeoutKeepsTheConnection) {
  options_.command_timeout = absl::Milliseconds(100);
  std::unique_ptr<RedisSubscriber> subscriber = MustSubscribe("quiet");
  ASSERT_NE(subscriber, nullptr);

  const Clock::time_point start = Clock::now();
  auto none = subscriber->Next(absl::Milliseconds(300));
  const int64_t waited_ms = MillisSince(start);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  EXPECT_GE(waited_ms, 290);
  EXPECT_LT(waited_ms, 2000);

  // Still subscribed after a wait three times the socket timeout.
  EXPECT_EQ(Publish("quiet", "finally"), 1);
  auto message = subscriber->Next(kLongWait);
  ASSERT_TRUE(message.ok()) << message.status();
  ASSERT_TRUE(message->has_value());
  EXPECT_EQ((*message)->payload, "finally");
}

TEST_F(RedisSubscriberTest, MessagesArrivingDuringASecondSubscribeAreKept) {
  std::unique_ptr<RedisSubscriber> subscriber = MustSubscribe("first");
  ASSERT_NE(subscriber, nullptr);
  // Redis sends this before it reads the next SUBSCRIBE, so it precedes that confirmation.
  EXPECT_EQ(Publish("first", "early"), 1);
  ASSERT_TRUE(subscriber->Subscribe("second").ok());
  EXPECT_EQ(Publish("second", "late"), 1);

  auto early = subscriber->Next(kLongWait);
  ASSERT_TRUE(early.ok() && early->has_value());
  EXPECT_EQ((*early)->channel, "first");
  EXPECT_EQ((*early)->payload, "early");
  auto late = subscriber->Next(kLongWait);
  ASSERT_TRUE(late.ok() && late->has_value());
  EXPECT_EQ((*late)->channel, "second");
  EXPECT_EQ((*late)->payload, "late");
}

TEST_F(RedisSubscriberTest, RedisStopEndsTheSubscriptionWithUnavailable) {
  std::unique_ptr<RedisSubscriber> subscriber = MustSubscribe("news");
  ASSERT_NE(subscriber, nullptr);
  redis_.Stop();

  const Clock::time_point start = Clock::now();
  auto lost = subscriber->Next(kLongWait);
  EXPECT_LT(MillisSince(start), 1000);  // noticed at once, not after the wait
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kUnavailable);
  // Unusable from then on, even after Redis is back: the caller opens a new subscriber.
  ASSERT_TRUE(redis_.Start().ok());
  EXPECT_EQ(subscriber->Next(absl::Milliseconds(10)).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(subscriber->Subscribe("news").code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(MustSubscribe("news"), nullptr);
}

TEST_F(RedisSubscriberTest, OpenFailsClearly) {
  RedisOptions malformed;
  malformed.url = "http://localhost";
  EXPECT_EQ(RedisSubscriber::Open(malformed).status().code(), absl::StatusCode::kInvalidArgument);
  redis_.Stop();
  EXPECT_EQ(RedisSubscriber::Open(options_).status().code(), absl::StatusCode::kUnavailable);
}

TEST(RedisSubscriberAuthTest, PasswordAndDatabaseFromTheUrl) {
  log::SetEnabled(false);
  RedisServerProcess redis({"--requirepass", "s3cr@t"});
  ASSERT_TRUE(redis.Start().ok());
  RedisOptions options;
  options.url = "unix://:s3cr%40t@" + redis.socket_path() + "?db=3";
  auto publisher = RedisClient::Connect(options);
  ASSERT_TRUE(publisher.ok()) << publisher.status();

  auto subscriber = RedisSubscriber::Open(options);
  ASSERT_TRUE(subscriber.ok()) << subscriber.status();
  ASSERT_TRUE((*subscriber)->Subscribe("news").ok());
  auto receivers = (*publisher)->Command({"PUBLISH", "news", "hello"});
  ASSERT_TRUE(receivers.ok()) << receivers.status();
  EXPECT_EQ(receivers->integer(), 1);
  auto message = (*subscriber)->Next(kLongWait);
  ASSERT_TRUE(message.ok() && message->has_value());
  EXPECT_EQ((*message)->payload, "hello");

  RedisOptions wrong_password;
  wrong_password.url = "unix://:nope@" + redis.socket_path();
  EXPECT_EQ(RedisSubscriber::Open(wrong_password).status().code(), absl::StatusCode::kUnavailable);
  RedisOptions no_password;
  no_password.url = redis.url();
  auto unauthenticated = RedisSubscriber::Open(no_password);
  ASSERT_TRUE(unauthenticated.ok());  // Redis only objects to the first command
  EXPECT_EQ((*unauthenticated)->Subscribe("news").code(), absl::StatusCode::kUnavailable);
  RedisOptions missing_db;
  missing_db.url = "unix://:s3cr%40t@" + redis.socket_path() + "?db=99";
  EXPECT_EQ(RedisSubscriber::Open(missing_db).status().code(), absl::StatusCode::kUnavailable);
  log::SetEnabled(true);
}

}  // namespace
}  // namespace dunbar::redis
