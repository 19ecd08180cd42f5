// ScriptRegistry against a real redis-server: EVALSHA, NOSCRIPT reloads, pipelines.
#include "common/redis/script_registry.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "common/redis/redis_errors.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::redis {
namespace {

using ::dunbar::testing::RedisServerProcess;

// Echoes what it received, so KEYS/ARGV passing is visible.
constexpr char kEchoLua[] = R"lua(
redis.call('SET', KEYS[1], ARGV[1])
return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}
)lua";

// Adds ARGV[1] to a counter and returns the new value: applying a call twice would show.
constexpr char kAddLua[] = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

constexpr char kFailLua[] = R"lua(
if ARGV[1] == 'missing' then return redis.error_reply('NOT_FOUND member ' .. KEYS[1]) end
if ARGV[1] == 'dup' then return redis.error_reply('ALREADY_EXISTS order ' .. KEYS[1]) end
if ARGV[1] == 'bug' then return redis.call('INCR', KEYS[1]) end
if ARGV[1] == 'fake_noscript' then
  redis.call('INCR', KEYS[1])
  return redis.error_reply('NOSCRIPT pretend the cache lost me')
end
if ARGV[1] == 'count' then redis.call('INCR', KEYS[1]) end
return 'ok'
)lua";

class ScriptRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetEnabled(false);
    ASSERT_TRUE(redis_.Start().ok());
    RedisOptions options;
    options.url = redis_.url();
    options.reconnect_backoff_min = absl::Milliseconds(10);
    options.reconnect_backoff_max = absl::Milliseconds(50);
    absl::StatusOr<std::shared_ptr<RedisClient>> client = RedisClient::Connect(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *client;
    scripts_ = std::make_unique<ScriptRegistry>(client_);
    echo_ = scripts_->Register("echo", kEchoLua);
    add_ = scripts_->Register("add", kAddLua);
    fail_ = scripts_->Register("fail", kFailLua);
  }
  void TearDown() override { log::SetEnabled(true); }

  bool ScriptCached(ScriptId id) {
    absl::StatusOr<RedisReply> exists = client_->Command({"SCRIPT", "EXISTS", scripts_->sha(id)});
    return exists.ok() && exists->elements().size() == 1 && exists->elements()[0].integer() == 1;
  }

  RedisServerProcess redis_;
  std::shared_ptr<RedisClient> client_;
  std::unique_ptr<ScriptRegistry> scripts_;
  ScriptId echo_ = 0;
  ScriptId add_ = 0;
  ScriptId fail_ = 0;
};

TEST(ScriptShaTest, MatchesRedisSha1) {
  ScriptRegistry scripts(nullptr);
  ScriptId id = scripts.Register("one", "return 1");
  EXPECT_EQ(scripts.sha(id), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(scripts.name(id), "one");
}

TEST_F(ScriptRegistryTest, LoadAllCachesEveryScript) {
  EXPECT_FALSE(ScriptCached(echo_));
  ASSERT_TRUE(scripts_->LoadAll().ok());
  EXPECT_TRUE(ScriptCached(echo_));
  EXPECT_TRUE(ScriptCached(add_));
  EXPECT_TRUE(ScriptCached(fail_));
}

TEST_F(ScriptRegistryTest, EvalPassesKeysAndArgs) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  const std::string binary_arg("x\0y", 3);
  absl::StatusOr<RedisReply> reply =
      scripts_->Eval(echo_, {"dunbar:test:{t1}:k:1", "dunbar:test:{t1}:k:2"}, {binary_arg, "b"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->elements().size(), 6u);
  EXPECT_EQ(reply->elements()[0].str(), "dunbar:test:{t1}:k:1");
  EXPECT_EQ(reply->elements()[1].str(), "dunbar:test:{t1}:k:2");
  EXPECT_EQ(reply->elements()[2].str(), binary_arg);
  EXPECT_EQ(reply->elements()[3].str(), "b");
  EXPECT_EQ(reply->elements()[4].integer(), 2);
  EXPECT_EQ(reply->elements()[5].integer(), 2);
  EXPECT_EQ(client_->Command({"GET", "dunbar:test:{t1}:k:1"})->str(), binary_arg);
}

TEST_F(ScriptRegistryTest, EvalWithoutLoadAllStillWorks) {
  absl::StatusOr<RedisReply> reply = scripts_->Eval(add_, {"c"}, {"5"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->integer(), 5);
  EXPECT_TRUE(ScriptCached(add_));  // the NOSCRIPT fallback cached it for the next call
}

TEST_F(ScriptRegistryTest, EvalAfterScriptFlushReloads) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  EXPECT_EQ(scripts_->Eval(add_, {"c"}, {"1"})->integer(), 1);
  ASSERT_TRUE(client_->Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_FALSE(ScriptCached(add_));
  absl::StatusOr<RedisReply> reply = scripts_->Eval(add_, {"c"}, {"1"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->integer(), 2);  // applied exactly once
  EXPECT_TRUE(ScriptCached(add_));
}

TEST_F(ScriptRegistryTest, EvalAfterRedisRestartReloads) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  EXPECT_EQ(scripts_->Eval(add_, {"c"}, {"10"})->integer(), 10);
  redis_.Stop();
  ASSERT_TRUE(redis_.Start().ok());
  EXPECT_FALSE(ScriptCached(add_));  // a restart empties the script cache
  absl::StatusOr<RedisReply> reply = scripts_->Eval(add_, {"c"}, {"1"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->integer(), 11);  // the AOF kept the counter
}

TEST_F(ScriptRegistryTest, LoadAllWhileRedisIsDownIsUnavailable) {
  redis_.Stop();
  EXPECT_EQ(scripts_->LoadAll().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(scripts_->Eval(add_, {"c"}, {"1"}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ScriptRegistryTest, ScriptErrorsMapToCodes) {
  EXPECT_EQ(scripts_->Eval(fail_, {"m1"}, {"missing"}).status(), absl::NotFoundError("member m1"));
  EXPECT_EQ(scripts_->Eval(fail_, {"o1"}, {"dup"}).status(), absl::AlreadyExistsError("order o1"));
  ASSERT_TRUE(client_->Command({"SET", "text", "abc"}).ok());
  EXPECT_EQ(scripts_->Eval(fail_, {"text"}, {"bug"}).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(scripts_->Eval(fail_, {"k"}, {"fine"})->str(), "ok");
  EXPECT_EQ(scripts_->Eval(99, {}, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ScriptRegistryTest, EvalPipelineRunsAllCallsInOrder) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  std::vector<ScriptCall> calls;
  for (int i = 0; i < 500; ++i) calls.push_back({{"total"}, {"1"}});
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      scripts_->EvalPipeline(add_, calls);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ((*replies)[i]->integer(), i + 1);
}

TEST_F(ScriptRegistryTest, EvalPipelineKeepsPerCallErrors) {
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies = scripts_->EvalPipeline(
      fail_, {{{"a"}, {"fine"}}, {{"m9"}, {"missing"}}, {{"o9"}, {"dup"}}, {{"b"}, {"fine"}}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[0]->str(), "ok");
  EXPECT_EQ((*replies)[1].status(), absl::NotFoundError("member m9"));
  EXPECT_EQ((*replies)[2].status(), absl::AlreadyExistsError("order o9"));
  EXPECT_EQ((*replies)[3]->str(), "ok");
}

TEST_F(ScriptRegistryTest, EvalPipelineAfterFlushReloadsAndAppliesEachCallOnce) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  ASSERT_TRUE(client_->Command({"SCRIPT", "FLUSH"}).ok());
  std::vector<ScriptCall> calls;
  for (int i = 1; i <= 100; ++i) calls.push_back({{"sum"}, {absl::StrCat(i)}});
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      scripts_->EvalPipeline(add_, calls);
  ASSERT_TRUE(replies.ok()) << replies.status();
  int64_t running = 0;
  for (int i = 1; i <= 100; ++i) {
    running += i;
    ASSERT_TRUE((*replies)[i - 1].ok()) << (*replies)[i - 1].status();
    EXPECT_EQ((*replies)[i - 1]->integer(), running);
  }
  EXPECT_EQ(*client_->Command({"GET", "sum"})->AsInteger(), 5050);
  EXPECT_TRUE(ScriptCached(add_));
}

// A call that answers NOSCRIPT while its neighbours succeed: only that call is sent again (once),
// the others are not repeated.
TEST_F(ScriptRegistryTest, EvalPipelineResendsOnlyTheCallsThatFailed) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      scripts_->EvalPipeline(fail_, {{{"applied"}, {"count"}},
                                     {{"attempts"}, {"fake_noscript"}},
                                     {{"applied"}, {"count"}},
                                     {{"applied"}, {"count"}}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[0]->str(), "ok");
  EXPECT_TRUE(IsNoScriptError((*replies)[1].status()));  // still failing after one resend
  EXPECT_EQ((*replies)[2]->str(), "ok");
  EXPECT_EQ((*replies)[3]->str(), "ok");
  EXPECT_EQ(*client_->Command({"GET", "applied"})->AsInteger(), 3);   // each ran once
  EXPECT_EQ(*client_->Command({"GET", "attempts"})->AsInteger(), 2);  // sent, resent once
}

// SCRIPT FLUSH racing with pipelines: whatever mix of NOSCRIPT a batch meets, every call that
// reports success was applied exactly once and no failed call was applied.
TEST_F(ScriptRegistryTest, EvalPipelineUnderConcurrentFlushesAppliesEachSuccessOnce) {
  std::atomic<bool> stop{false};
  std::thread flusher([&] {
    while (!stop.load()) {
      client_->Command({"SCRIPT", "FLUSH"}).IgnoreError();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // pacing, not synchronisation
    }
  });
  int64_t succeeded = 0;
  bool transport_ok = true;
  std::vector<ScriptCall> calls(200, ScriptCall{{"exact"}, {"1"}});
  for (int round = 0; round < 50 && transport_ok; ++round) {
    absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
        scripts_->EvalPipeline(add_, calls);
    transport_ok = replies.ok();
    if (!transport_ok) break;
    for (const absl::StatusOr<RedisReply>& reply : *replies) {
      if (reply.ok()) ++succeeded;
    }
  }
  stop.store(true);
  flusher.join();
  ASSERT_TRUE(transport_ok);
  EXPECT_GT(succeeded, 0);
  EXPECT_EQ(*client_->Command({"GET", "exact"})->AsInteger(), succeeded);
}

TEST_F(ScriptRegistryTest, ConcurrentEvalsAcrossAFlush) {
  ASSERT_TRUE(scripts_->LoadAll().ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (t == 0 && i == 100) client_->Command({"SCRIPT", "FLUSH"}).IgnoreError();
        if (!scripts_->Eval(add_, {"n"}, {"1"}).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*client_->Command({"GET", "n"})->AsInteger(), 1600);
}

}  // namespace
}  // namespace dunbar::redis
