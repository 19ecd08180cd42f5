// StreamConsumer (consumer groups over Redis Streams) against a real redis-server.
#include "common/queue/stream_consumer.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::queue {
namespace {

using ::dunbar::testing::RedisServerProcess;

constexpr char kStream[] = "dunbar:test:{t1}:events";

class StreamConsumerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new RedisServerProcess();
    ASSERT_TRUE(redis_->Start().ok());
  }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }

  void SetUp() override {
    redis::RedisOptions options;
    options.url = redis_->url();
    absl::StatusOr<std::shared_ptr<redis::RedisClient>> client =
        redis::RedisClient::Connect(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *client;
    ASSERT_TRUE(client_->Command({"FLUSHALL"}).ok());
  }

  StreamConsumer Consumer(const std::string& group, const std::string& name,
                          absl::Duration min_idle = absl::Seconds(30)) {
    return StreamConsumer(client_, kStream,
                          {.group = group, .consumer = name, .min_idle_for_reclaim = min_idle});
  }

  std::string Add(const std::string& type, const std::string& n) {
    absl::StatusOr<redis::RedisReply> reply =
        client_->Command({"XADD", kStream, "*", "type", type, "n", n});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->str() : "";
  }

  std::vector<std::string> Ids(const std::vector<StreamEntry>& entries) {
    std::vector<std::string> ids;
    for (const StreamEntry& e : entries) ids.push_back(e.id);
    return ids;
  }

  // Waits until `consumer` reclaims at least one entry (min idle elapsed), up to 10 s.
  std::vector<StreamEntry> ReclaimWhenIdle(StreamConsumer& consumer, int count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      absl::StatusOr<std::vector<StreamEntry>> taken = consumer.Reclaim(count);
      EXPECT_TRUE(taken.ok()) << taken.status();
      if (!taken.ok() || !taken->empty()) return taken.ok() ? *taken : std::vector<StreamEntry>();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {};
  }

  static RedisServerProcess* redis_;
  std::shared_ptr<redis::RedisClient> client_;
};

RedisServerProcess* StreamConsumerTest::redis_ = nullptr;

TEST_F(StreamConsumerTest, EnsureGroupCreatesStreamAndIsIdempotent) {
  StreamConsumer a = Consumer("g", "a");
  ASSERT_TRUE(a.EnsureGroup().ok());
  ASSERT_TRUE(a.EnsureGroup().ok());  // BUSYGROUP is fine
  absl::StatusOr<redis::RedisReply> type = client_->Command({"TYPE", kStream});
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(type->str(), "stream");
  absl::StatusOr<GroupStatus> status = a.Status();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(status->exists);
  EXPECT_EQ(status->lag, 0);
  EXPECT_EQ(status->pending, 0);
  EXPECT_EQ(status->consumers, 1);  // registered before it read anything
  EXPECT_EQ(status->last_delivered_id, "0-0");
  ASSERT_TRUE(Consumer("g", "b").EnsureGroup().ok());
  status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->consumers, 2);
}

TEST_F(StreamConsumerTest, StartDollarSkipsOlderEntries) {
  Add("old", "0");
  StreamConsumer a = Consumer("g", "a");
  ASSERT_TRUE(a.EnsureGroup().ok());
  const std::string id = Add("new", "1");
  absl::StatusOr<std::vector<StreamEntry>> read = a.ReadNew(10);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].id, id);
  EXPECT_EQ((*read)[0].Field("type"), "new");
  EXPECT_EQ((*read)[0].Field("n"), "1");
  EXPECT_EQ((*read)[0].Field("missing"), "");
  EXPECT_EQ((*read)[0].delivery_count, 1);
}

TEST_F(StreamConsumerTest, NewEntriesDeliveredOncePerGroup) {
  StreamConsumer a = Consumer("g1", "a");
  StreamConsumer other_group = Consumer("g2", "a");
  ASSERT_TRUE(a.EnsureGroup().ok());
  ASSERT_TRUE(other_group.EnsureGroup().ok());
  std::vector<std::string> added;
  for (int i = 0; i < 5; ++i) added.push_back(Add("t", absl::StrCat(i)));

  absl::StatusOr<std::vector<StreamEntry>> first = a.ReadNew(3);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{added[0], added[1], added[2]}));
  absl::StatusOr<std::vector<StreamEntry>> second = a.ReadNew(10);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{added[3], added[4]}));
  absl::StatusOr<std::vector<StreamEntry>> third = a.ReadNew(10);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->empty());

  // The other group sees every entry too, once.
  absl::StatusOr<std::vector<StreamEntry>> g2 = other_group.ReadNew(10);
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(Ids(*g2), added);
  absl::StatusOr<std::vector<StreamEntry>> g2_again = other_group.ReadNew(10);
  ASSERT_TRUE(g2_again.ok());
  EXPECT_TRUE(g2_again->empty());
}

TEST_F(StreamConsumerTest, TwoConsumersSplitTheWork) {
  StreamConsumer a = Consumer("g", "a");
  StreamConsumer b = Consumer("g", "b");
  ASSERT_TRUE(a.EnsureGroup().ok());
  std::vector<std::string> added;
  for (int i = 0; i < 10; ++i) added.push_back(Add("t", absl::StrCat(i)));

  std::set<std::string> seen;
  for (int round = 0; round < 10; ++round) {
    for (StreamConsumer* c : {&a, &b}) {
      absl::StatusOr<std::vector<StreamEntry>> read = c->ReadNew(2);
      ASSERT_TRUE(read.ok());
      for (const StreamEntry& e : *read) {
        EXPECT_TRUE(seen.insert(e.id).second) << "delivered twice: " << e.id;
        ASSERT_TRUE(c->Ack(e.id).ok());
      }
    }
  }
  EXPECT_EQ(seen, std::set<std::string>(added.begin(), added.end()));
  absl::StatusOr<GroupStatus> status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->consumers, 2);
  EXPECT_EQ(status->pending, 0);
  EXPECT_EQ(status->lag, 0);
  EXPECT_EQ(status->last_delivered_id, added.back());
}

TEST_F(StreamConsumerTest, PendingEntryReclaimedByAnotherConsumerAfterMinIdle) {
  StreamConsumer a = Consumer("g", "a", absl::Milliseconds(200));
  StreamConsumer b = Consumer("g", "b", absl::Milliseconds(200));
  ASSERT_TRUE(a.EnsureGroup().ok());
  const std::string id1 = Add("t", "1");
  const std::string id2 = Add("t", "2");
  absl::StatusOr<std::vector<StreamEntry>> held = a.ReadNew(10);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 2u);

  // Not idle long enough yet.
  absl::StatusOr<std::vector<StreamEntry>> early = b.Reclaim(10);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_TRUE(early->empty());

  std::vector<StreamEntry> taken = ReclaimWhenIdle(b, 10);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].id, id1);
  EXPECT_EQ(taken[1].id, id2);
  EXPECT_EQ(taken[0].delivery_count, 2);
  EXPECT_EQ(taken[1].delivery_count, 2);
  EXPECT_EQ(taken[0].Field("n"), "1");

  // b now owns them: a cannot take them back before they are idle again.
  absl::StatusOr<std::vector<StreamEntry>> back = a.Reclaim(10);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());

  absl::StatusOr<GroupStatus> before_ack = b.Status();
  ASSERT_TRUE(before_ack.ok());
  EXPECT_EQ(before_ack->pending, 2);
  ASSERT_TRUE(b.Ack(id1).ok());
  absl::StatusOr<GroupStatus> after_ack = b.Status();
  ASSERT_TRUE(after_ack.ok());
  EXPECT_EQ(after_ack->pending, 1);

  // The other one, left pending again, is taken over a third time (by b itself this time).
  std::vector<StreamEntry> third = ReclaimWhenIdle(b, 10);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].id, id2);
  EXPECT_EQ(third[0].delivery_count, 3);
}

TEST_F(StreamConsumerTest, StaleConsumersWithNothingPendingAreRemoved) {
  StreamConsumer gone = Consumer("g", "gone");
  StreamConsumer holder = Consumer("g", "holder");
  ASSERT_TRUE(gone.EnsureGroup().ok());
  const std::string id1 = Add("t", "1");
  absl::StatusOr<std::vector<StreamEntry>> read = gone.ReadNew(10);
  ASSERT_TRUE(read.ok() && read->size() == 1u);
  ASSERT_TRUE(gone.Ack(id1).ok());  // "gone" is idle with nothing pending
  Add("t", "2");
  read = holder.ReadNew(10);  // "holder" keeps one entry pending
  ASSERT_TRUE(read.ok() && read->size() == 1u);
  StreamConsumer self(client_, kStream,
                      {.group = "g", .consumer = "self", .stale_consumer_after = absl::Hours(1)});
  const std::string id3 = Add("t", "3");
  read = self.ReadNew(10);  // "self" is idle with nothing pending too, but is the caller
  ASSERT_TRUE(read.ok() && read->size() == 1u);
  ASSERT_TRUE(self.Ack(id3).ok());

  // Nobody has been idle for an hour.
  absl::StatusOr<int> removed = self.RemoveStaleConsumers();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 0);

  StreamConsumer sweeper(
      client_, kStream,
      {.group = "g", .consumer = "self", .stale_consumer_after = absl::Milliseconds(100)});
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  removed = sweeper.RemoveStaleConsumers();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1) << "only 'gone': 'holder' has an entry pending, 'self' is the caller";
  absl::StatusOr<redis::RedisReply> consumers =
      client_->Command({"XINFO", "CONSUMERS", kStream, "g"});
  ASSERT_TRUE(consumers.ok());
  std::vector<std::string> names;
  for (const redis::RedisReply& c : consumers->elements()) names.push_back(c.elements()[1].str());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"holder", "self"}));
  absl::StatusOr<GroupStatus> status = sweeper.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->consumers, 2);
  EXPECT_EQ(status->pending, 1) << "the held entry is still pending, waiting for Reclaim";

  // A stream or group that does not exist has nothing to remove.
  StreamConsumer missing(client_, "dunbar:test:{t1}:none", {.group = "g", .consumer = "x"});
  removed = missing.RemoveStaleConsumers();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 0);
}

TEST_F(StreamConsumerTest, ReclaimRespectsCountAndSkipsDeletedEntries) {
  StreamConsumer a = Consumer("g", "a", absl::ZeroDuration());
  StreamConsumer b = Consumer("g", "b", absl::ZeroDuration());
  ASSERT_TRUE(a.EnsureGroup().ok());
  std::vector<std::string> added;
  for (int i = 0; i < 4; ++i) added.push_back(Add("t", absl::StrCat(i)));
  ASSERT_TRUE(a.ReadNew(10).ok());
  ASSERT_TRUE(client_->Command({"XDEL", kStream, added[0]}).ok());

  absl::StatusOr<std::vector<StreamEntry>> two = b.Reclaim(2);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(Ids(*two), (std::vector<std::string>{added[1], added[2]}));
  absl::StatusOr<GroupStatus> status = b.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->pending, 3);  // the deleted entry left the pending list

  absl::StatusOr<std::vector<StreamEntry>> rest = b.Reclaim(10);
  ASSERT_TRUE(rest.ok());
  // Zero min idle: everything still pending is taken (again).
  EXPECT_EQ(Ids(*rest), (std::vector<std::string>{added[1], added[2], added[3]}));
  EXPECT_EQ((*rest)[0].delivery_count, 3);
  EXPECT_EQ((*rest)[2].delivery_count, 2);
}

TEST_F(StreamConsumerTest, AckRemovesFromPendingAndCountsAreExact) {
  StreamConsumer a = Consumer("g", "a");
  ASSERT_TRUE(a.EnsureGroup().ok());
  std::vector<std::string> added;
  for (int i = 0; i < 7; ++i) added.push_back(Add("t", absl::StrCat(i)));

  absl::StatusOr<GroupStatus> status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->lag, 7);
  EXPECT_EQ(status->pending, 0);

  absl::StatusOr<std::vector<StreamEntry>> read = a.ReadNew(4);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 4u);
  status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->lag, 3);
  EXPECT_EQ(status->pending, 4);
  EXPECT_EQ(status->consumers, 1);
  EXPECT_EQ(status->last_delivered_id, added[3]);

  ASSERT_TRUE(a.Ack(added[0]).ok());
  ASSERT_TRUE(a.Ack(added[0]).ok());  // twice is harmless
  ASSERT_TRUE(a.Ack(added[2]).ok());
  status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->pending, 2);
  EXPECT_EQ(status->lag, 3);
}

TEST_F(StreamConsumerTest, LagCountedWhenRedisCannotTell) {
  StreamConsumer a = Consumer("g", "a");
  ASSERT_TRUE(a.EnsureGroup().ok());
  std::vector<std::string> added;
  for (int i = 0; i < 6; ++i) added.push_back(Add("t", absl::StrCat(i)));
  ASSERT_TRUE(a.ReadNew(2).ok());
  // Deleting an undelivered entry makes Redis 7 report the lag as nil.
  ASSERT_TRUE(client_->Command({"XDEL", kStream, added[4]}).ok());
  absl::StatusOr<redis::RedisReply> raw = client_->Command({"XINFO", "GROUPS", kStream});
  ASSERT_TRUE(raw.ok());
  absl::StatusOr<GroupStatus> status = a.Status();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->lag, 3) << raw->DebugString();  // added[2], [3], [5]
}

TEST_F(StreamConsumerTest, StatusOfMissingGroup) {
  absl::StatusOr<GroupStatus> no_stream = Consumer("g", "a").Status();
  ASSERT_TRUE(no_stream.ok()) << no_stream.status();
  EXPECT_FALSE(no_stream->exists);
  EXPECT_EQ(no_stream->lag, 0);

  Add("t", "1");
  Add("t", "2");
  absl::StatusOr<GroupStatus> from_dollar = Consumer("g", "a").Status();
  ASSERT_TRUE(from_dollar.ok());
  EXPECT_FALSE(from_dollar->exists);
  EXPECT_EQ(from_dollar->lag, 0);  // a group created now would start after these

  StreamConsumer from_zero(client_, kStream, {.group = "g", .consumer = "a", .start_id = "0"});
  absl::StatusOr<GroupStatus> zero = from_zero.Status();
  ASSERT_TRUE(zero.ok());
  EXPECT_FALSE(zero->exists);
  EXPECT_EQ(zero->lag, 2);
}

TEST_F(StreamConsumerTest, GroupRecreatedAfterStreamDeleted) {
  StreamConsumer a = Consumer("g", "a", absl::ZeroDuration());
  ASSERT_TRUE(a.EnsureGroup().ok());
  Add("t", "1");
  absl::StatusOr<std::vector<StreamEntry>> first = a.ReadNew(10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);

  ASSERT_TRUE(client_->Command({"DEL", kStream}).ok());
  // Reclaim on a vanished group: nothing to take, no error.
  absl::StatusOr<std::vector<StreamEntry>> reclaim = a.Reclaim(10);
  ASSERT_TRUE(reclaim.ok()) << reclaim.status();
  EXPECT_TRUE(reclaim->empty());

  // The producer writes again (a new stream without our group): the entry is not lost.
  const std::string id = Add("t", "2");
  absl::StatusOr<std::vector<StreamEntry>> again = a.ReadNew(10);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, id);
  absl::StatusOr<GroupStatus> status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->exists);
  EXPECT_EQ(status->pending, 1);
  EXPECT_EQ(status->lag, 0);

  // Deleted with nothing added since: the read re-creates the group on an empty stream.
  ASSERT_TRUE(client_->Command({"DEL", kStream}).ok());
  absl::StatusOr<std::vector<StreamEntry>> empty = a.ReadNew(10);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
  status = a.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->exists);
}

TEST_F(StreamConsumerTest, NonPositiveCountsReadNothing) {
  StreamConsumer a = Consumer("g", "a");
  ASSERT_TRUE(a.EnsureGroup().ok());
  Add("t", "1");
  absl::StatusOr<std::vector<StreamEntry>> none = a.ReadNew(0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  absl::StatusOr<std::vector<StreamEntry>> reclaimed = a.Reclaim(0);
  ASSERT_TRUE(reclaimed.ok());
  EXPECT_TRUE(reclaimed->empty());
}

TEST_F(StreamConsumerTest, WrongTypeKeyIsAnInternalErrorWithoutRedisText) {
  ASSERT_TRUE(client_->Command({"SET", kStream, "x"}).ok());
  log::SetEnabled(false);
  absl::Status ensure = Consumer("g", "a").EnsureGroup();
  absl::StatusOr<std::vector<StreamEntry>> read = Consumer("g", "a").ReadNew(1);
  log::SetEnabled(true);
  EXPECT_EQ(ensure.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ensure.message().find("WRONGTYPE"), absl::string_view::npos);
}

}  // namespace
}  // namespace dunbar::queue
