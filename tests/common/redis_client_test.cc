// The pooled Redis client against a real redis-server (tests/support/redis_server_process.h).
#include "common/redis/redis_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::shared_ptr<RedisClient> MakeClient(const RedisOptions& options) {
  absl::StatusOr<std::shared_ptr<RedisClient>> client = RedisClient::Connect(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *client : nullptr;
}

RedisOptions OptionsFor(const RedisServerProcess& redis) {
  RedisOptions options;
  options.url = redis.url();
  return options;
}

// Retries PING until it succeeds or `limit` passes (the client may be in reconnect backoff).
bool WaitUntilServing(RedisClient& client, std::chrono::milliseconds limit) {
  const Clock::time_point deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (client.Command({"PING"}).ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetEnabled(false);  // expected failures would otherwise flood the test output
    ASSERT_TRUE(redis_.Start().ok());
    client_ = MakeClient(OptionsFor(redis_));
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override { log::SetEnabled(true); }

  RedisServerProcess redis_;
  std::shared_ptr<RedisClient> client_;
};

// --- Error mapping (no server needed) ---

TEST(RedisErrorsTest, DomainCodesMapToTheirCodeWithTheRestAsMessage) {
  const std::pair<std::string, absl::StatusCode> cases[] = {
      {"INVALID_ARGUMENT name too long", absl::StatusCode::kInvalidArgument},
      {"NOT_FOUND member m1", absl::StatusCode::kNotFound},
      {"ALREADY_EXISTS order o1", absl::StatusCode::kAlreadyExists},
      {"FAILED_PRECONDITION batch closed", absl::StatusCode::kFailedPrecondition},
      {"RESOURCE_EXHAUSTED batch full", absl::StatusCode::kResourceExhausted},
      {"PERMISSION_DENIED tenant t2", absl::StatusCode::kPermissionDenied},
      {"ABORTED request changed", absl::StatusCode::kAborted},
      {"OUT_OF_RANGE page token", absl::StatusCode::kOutOfRange},
  };
  for (const auto& [text, code] : cases) {
    absl::Status status = StatusFromErrorReply(text);
    EXPECT_EQ(status.code(), code) << text;
    EXPECT_EQ(status.message(), text.substr(text.find(' ') + 1)) << text;
    EXPECT_FALSE(IsConnectionError(status));
  }
  EXPECT_EQ(StatusFromErrorReply("NOT_FOUND"), absl::NotFoundError("NOT_FOUND"));
}

TEST(RedisErrorsTest, OtherErrorsAreInternalWithoutRedisText) {
  log::SetEnabled(false);
  for (const char* text : {"ERR unknown command 'FOO'", "WRONGTYPE Operation against a key",
                           "NOT_FOUNDX member", "not_found member", "OOM command not allowed"}) {
    absl::Status status = StatusFromErrorReply(text);
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << text;
    EXPECT_EQ(status.message(), "internal storage error") << text;
  }
  log::SetEnabled(true);
}

TEST(RedisErrorsTest, TransientAndAuthErrorsAreUnavailable) {
  log::SetEnabled(false);
  for (const char* text : {"LOADING Redis is loading the dataset in memory", "BUSY Redis is busy",
                           "READONLY You can't write against a read only replica.",
                           "NOAUTH Authentication required.", "WRONGPASS invalid password"}) {
    absl::Status status = StatusFromErrorReply(text);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << text;
    EXPECT_FALSE(IsConnectionError(status)) << text;  // the connection itself is fine
  }
  log::SetEnabled(true);
}

TEST(RedisErrorsTest, NoScriptIsRecognised) {
  absl::Status status = StatusFromErrorReply("NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(IsNoScriptError(status));
  EXPECT_FALSE(IsNoScriptError(absl::InternalError("NOSCRIPT")));
  EXPECT_TRUE(IsConnectionError(TransportTimeoutError("t")));
  EXPECT_EQ(TransportTimeoutError("t").code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(IsConnectionError(absl::UnavailableError("x")));
}

TEST(RedisReplyTest, Accessors) {
  EXPECT_EQ(RedisReply::Nil().AsOptionalString(), std::nullopt);
  EXPECT_EQ(RedisReply::Integer(7).AsOptionalString(), "7");
  EXPECT_EQ(*RedisReply::String("42").AsInteger(), 42);
  EXPECT_EQ(RedisReply::String("4x").AsInteger().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RedisReply::Nil().AsInteger().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RedisReply::Array({RedisReply::String("a\n"), RedisReply::Integer(1), RedisReply()})
                .DebugString(),
            "[\"a\\n\", (integer) 1, (nil)]");
}

// --- Options validation ---

TEST(RedisClientConnectTest, RejectsBadOptions) {
  RedisOptions options;
  options.url = "memcached://h";
  EXPECT_EQ(RedisClient::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = RedisOptions();
  options.pool_size = 0;
  EXPECT_EQ(RedisClient::Connect(options).status(),
            absl::InvalidArgumentError("pool_size must be at least 1"));
  options = RedisOptions();
  options.command_timeout = absl::ZeroDuration();
  EXPECT_EQ(RedisClient::Connect(options).status(),
            absl::InvalidArgumentError("command_timeout must be positive and finite"));
  options = RedisOptions();
  options.reconnect_backoff_max = absl::Milliseconds(1);
  EXPECT_EQ(RedisClient::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RedisClientConnectTest, ConnectSucceedsWhileRedisIsDownAndCommandsAreUnavailable) {
  log::SetEnabled(false);
  RedisOptions options;
  options.url = "unix:///tmp/dunbar-no-such-dir/redis.sock";
  std::shared_ptr<RedisClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<RedisReply> reply = client->Command({"PING"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IsConnectionError(reply.status()));
  EXPECT_EQ(client->Stats().open, 0);
  log::SetEnabled(true);
}

// --- Commands and reply types ---

TEST_F(RedisClientTest, ReplyTypes) {
  absl::StatusOr<RedisReply> set = client_->Command({"SET", "k", "v"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type(), RedisReply::Type::kStatus);
  EXPECT_EQ(set->str(), "OK");

  absl::StatusOr<RedisReply> get = client_->Command({"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->type(), RedisReply::Type::kString);
  EXPECT_EQ(get->AsOptionalString(), "v");

  absl::StatusOr<RedisReply> missing = client_->Command({"GET", "nope"});
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_TRUE(missing->is_nil());
  EXPECT_EQ(missing->AsOptionalString(), std::nullopt);

  absl::StatusOr<RedisReply> incr = client_->Command(std::vector<std::string>{"INCRBY", "n", "41"});
  ASSERT_TRUE(incr.ok());
  EXPECT_EQ(incr->type(), RedisReply::Type::kInteger);
  EXPECT_EQ(incr->integer(), 41);
  EXPECT_EQ(*incr->AsInteger(), 41);

  ASSERT_TRUE(client_->Command({"RPUSH", "l", "a", "b", "c"}).ok());
  absl::StatusOr<RedisReply> range = client_->Command({"LRANGE", "l", "0", "-1"});
  ASSERT_TRUE(range.ok());
  ASSERT_TRUE(range->is_array());
  ASSERT_EQ(range->elements().size(), 3u);
  EXPECT_EQ(range->elements()[0].str(), "a");
  EXPECT_EQ(range->elements()[2].str(), "c");

  absl::StatusOr<RedisReply> mixed = client_->Command({"MGET", "k", "nope"});
  ASSERT_TRUE(mixed.ok());
  ASSERT_EQ(mixed->elements().size(), 2u);
  EXPECT_EQ(mixed->elements()[0].str(), "v");
  EXPECT_TRUE(mixed->elements()[1].is_nil());
}

TEST_F(RedisClientTest, ArgumentsAreBinarySafe) {
  const std::string key("bin\0key", 7);
  const std::string value("a\0b\r\n$3\r\nc\xff", 12);
  ASSERT_TRUE(client_->Command({"SET", key, value}).ok());
  absl::StatusOr<RedisReply> get = client_->Command({"GET", key});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->str(), value);
  EXPECT_EQ(get->str().size(), 12u);
  // The key with the NUL is distinct from its prefix.
  EXPECT_TRUE(client_->Command({"GET", "bin"})->is_nil());
}

TEST_F(RedisClientTest, ManyArgumentsUseTheHeapPath) {
  std::vector<std::string> command = {"RPUSH", "many"};
  for (int i = 0; i < 100; ++i) command.push_back(absl::StrCat("v", i));
  absl::StatusOr<RedisReply> reply = client_->Command(command);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->integer(), 100);
}

TEST_F(RedisClientTest, PipelineOfAThousandCommands) {
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 1000; ++i) commands.push_back({"RPUSH", "seq", absl::StrCat(i)});
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies = client_->Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE((*replies)[i].ok());
    EXPECT_EQ((*replies)[i]->integer(), i + 1);  // in order
  }
  absl::StatusOr<RedisReply> last = client_->Command({"LINDEX", "seq", "-1"});
  EXPECT_EQ(last->str(), "999");
  EXPECT_EQ(client_->Stats().connects, 1);  // one connection carried the whole batch
}

TEST_F(RedisClientTest, PipelineKeepsPerCommandErrors) {
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      client_->Pipeline({{"SET", "s", "text"}, {"INCR", "s"}, {"GET", "s"}, {"GET", "missing"}});
  ASSERT_TRUE(replies.ok());
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_TRUE((*replies)[0].ok());
  EXPECT_EQ((*replies)[1].status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ((*replies)[2]->str(), "text");
  EXPECT_TRUE((*replies)[3]->is_nil());
  EXPECT_TRUE(client_->Pipeline(std::vector<std::vector<std::string>>{})->empty());
}

TEST_F(RedisClientTest, EmptyCommandIsInvalidAndDoesNotBreakTheConnection) {
  EXPECT_EQ(client_->Command(std::vector<std::string>{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->Pipeline({{"SET", "a", "1"}, {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(client_->Command({"GET", "a"})->is_nil());  // the SET was never sent
  EXPECT_EQ(client_->Stats().discarded, 0);
}

TEST_F(RedisClientTest, ErrorReplyIsInternalAndKeepsTheConnection) {
  absl::StatusOr<RedisReply> reply = client_->Command({"NOSUCHCOMMAND", "x"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(reply.status().message(), "internal storage error");
  EXPECT_FALSE(IsConnectionError(reply.status()));
  EXPECT_TRUE(client_->Command({"PING"}).ok());
  PoolStats stats = client_->Stats();
  EXPECT_EQ(stats.discarded, 0);
  EXPECT_EQ(stats.connects, 1);
}

TEST_F(RedisClientTest, DomainErrorReplyFromLuaMapsToItsCode) {
  absl::StatusOr<RedisReply> reply = client_->Command(
      {"EVAL", "return redis.error_reply('NOT_FOUND member ' .. ARGV[1])", "0", "m1"});
  EXPECT_EQ(reply.status(), absl::NotFoundError("member m1"));
  reply =
      client_->Command({"EVAL", "return redis.error_reply('RESOURCE_EXHAUSTED batch full')", "0"});
  EXPECT_EQ(reply.status(), absl::ResourceExhaustedError("batch full"));
}

TEST_F(RedisClientTest, SixteenThreadsThroughAPoolOfFour) {
  RedisOptions options = OptionsFor(redis_);
  options.pool_size = 4;
  std::shared_ptr<RedisClient> client = MakeClient(options);
  constexpr int kThreads = 16;
  constexpr int kIncrements = 500;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!client->Command({"INCR", "counter"}).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*client->Command({"GET", "counter"})->AsInteger(), kThreads * kIncrements);
  PoolStats stats = client->Stats();
  EXPECT_EQ(stats.size, 4);
  EXPECT_LE(stats.open, 4);
  EXPECT_GE(stats.open, 1);
  EXPECT_LE(stats.connects, 4);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.discarded, 0);
}

TEST_F(RedisClientTest, StaleIdleConnectionIsReplacedAfterARestart) {
  ASSERT_TRUE(client_->Command({"SET", "durable", "yes"}).ok());
  redis_.Stop();
  ASSERT_TRUE(redis_.Start().ok());
  // The pooled connection was closed by the old server; the pool notices before using it.
  absl::StatusOr<RedisReply> reply = client_->Command({"GET", "durable"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->str(), "yes");
  PoolStats stats = client_->Stats();
  EXPECT_EQ(stats.discarded, 1);
  EXPECT_EQ(stats.connects, 2);
}

TEST_F(RedisClientTest, RedisDownFailsFastThenRecoversWithoutANewClient) {
  RedisOptions options = OptionsFor(redis_);
  options.connect_timeout = absl::Seconds(1);
  options.reconnect_backoff_min = absl::Milliseconds(20);
  options.reconnect_backoff_max = absl::Milliseconds(200);
  std::shared_ptr<RedisClient> client = MakeClient(options);
  ASSERT_TRUE(client->Command({"SET", "kept", "42"}).ok());

  redis_.Stop();
  const Clock::time_point start = Clock::now();
  constexpr int kCalls = 200;
  for (int i = 0; i < kCalls; ++i) {
    absl::StatusOr<RedisReply> reply = client->Command({"GET", "kept"});
    ASSERT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << i;
  }
  const int64_t elapsed_ms = MillisSince(start);
  // 200 calls together take far less than one connect timeout (1 s).
  EXPECT_LT(elapsed_ms, 250) << "calls while Redis is down must fail fast";

  ASSERT_TRUE(redis_.Start().ok());
  // Recovery needs at most one backoff period (<= 200 ms) after Redis is back.
  const Clock::time_point restarted = Clock::now();
  ASSERT_TRUE(WaitUntilServing(*client, std::chrono::seconds(3)));
  EXPECT_LT(MillisSince(restarted), 1000);
  absl::StatusOr<RedisReply> kept = client->Command({"GET", "kept"});
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->str(), "42");  // replayed from the AOF
  EXPECT_GE(client->Stats().connects, 2);
}

// A TCP listener whose accept queue is full: SYNs are dropped, so connects hang until the connect
// timeout, like a Redis host that vanished from the network.
class BlackholeListener {
 public:
  BlackholeListener() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listener_, 0);
    socklen_t length = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    for (int i = 0; i < 4; ++i) {  // fill the accept queue (never accepted)
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      fillers_.push_back(fd);
    }
  }
  ~BlackholeListener() {
    for (int fd : fillers_) ::close(fd);
    ::close(listener_);
  }
  int port() const { return port_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

TEST(RedisClientBackoffTest, UnreachableRedisCostsOneConnectTimeoutThenFailsFast) {
  log::SetEnabled(false);
  BlackholeListener blackhole;
  RedisOptions options;
  options.url = absl::StrCat("redis://127.0.0.1:", blackhole.port());
  options.connect_timeout = absl::Milliseconds(300);
  options.reconnect_backoff_min = absl::Seconds(5);
  options.reconnect_backoff_max = absl::Seconds(5);
  std::shared_ptr<RedisClient> client = MakeClient(options);

  Clock::time_point start = Clock::now();
  EXPECT_EQ(client->Command({"PING"}).status().code(), absl::StatusCode::kUnavailable);
  const int64_t first_ms = MillisSince(start);
  EXPECT_GE(first_ms, 250);  // the first caller pays the connect timeout

  // Every caller while the backoff runs: UNAVAILABLE without touching the network.
  std::vector<std::thread> threads;
  std::atomic<int64_t> slowest_ms{0};
  std::atomic<int> unavailable{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const Clock::time_point call = Clock::now();
        if (client->Command({"PING"}).status().code() == absl::StatusCode::kUnavailable) {
          unavailable.fetch_add(1);
        }
        int64_t ms = MillisSince(call);
        int64_t seen = slowest_ms.load();
        while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unavailable.load(), 400);
  EXPECT_LT(slowest_ms.load(), 30) << "first call took " << first_ms << " ms";
  log::SetEnabled(true);
}

TEST(RedisClientTimeoutTest, SlowCommandIsDeadlineExceededAndTheConnectionIsReplaced) {
  log::SetEnabled(false);
  RedisServerProcess redis({"--enable-debug-command", "yes"});
  ASSERT_TRUE(redis.Start().ok());
  RedisOptions options = OptionsFor(redis);
  options.command_timeout = absl::Milliseconds(200);
  std::shared_ptr<RedisClient> client = MakeClient(options);
  ASSERT_TRUE(client->Command({"SET", "k", "v"}).ok());

  const Clock::time_point start = Clock::now();
  absl::StatusOr<RedisReply> slow = client->Command({"DEBUG", "SLEEP", "0.8"});
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded) << slow.status();
  EXPECT_TRUE(IsConnectionError(slow.status()));
  const int64_t elapsed_ms = MillisSince(start);
  EXPECT_GE(elapsed_ms, 150);
  EXPECT_LT(elapsed_ms, 700);
  PoolStats stats = client->Stats();
  EXPECT_EQ(stats.discarded, 1);
  EXPECT_EQ(stats.open, 0);

  // Wait for the server to finish sleeping, using a client with a generous timeout.
  RedisOptions patient = OptionsFor(redis);
  patient.command_timeout = absl::Seconds(5);
  ASSERT_TRUE(MakeClient(patient)->Command({"PING"}).ok());

  absl::StatusOr<RedisReply> next = client->Command({"GET", "k"});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->str(), "v");  // not the stale reply of the timed-out command
  EXPECT_EQ(client->Stats().connects, 2);
  log::SetEnabled(true);
}

TEST(RedisClientAuthTest, PasswordFromTheUrl) {
  log::SetEnabled(false);
  RedisServerProcess redis({"--requirepass", "s3cr@t"});
  ASSERT_TRUE(redis.Start().ok());
  const std::string path = redis.socket_path();

  RedisOptions right;
  right.url = "unix://:s3cr%40t@" + path;
  std::shared_ptr<RedisClient> client = MakeClient(right);
  ASSERT_TRUE(client->Command({"SET", "k", "v"}).ok());
  EXPECT_EQ(client->Command({"GET", "k"})->str(), "v");

  RedisOptions with_user;
  with_user.url = "unix://default:s3cr%40t@" + path;
  EXPECT_EQ(MakeClient(with_user)->Command({"GET", "k"})->str(), "v");

  RedisOptions wrong;
  wrong.url = "unix://:nope@" + path;
  std::shared_ptr<RedisClient> rejected = MakeClient(wrong);
  absl::StatusOr<RedisReply> reply = rejected->Command({"GET", "k"});
  EXPECT_EQ(reply.status(),
            absl::UnavailableError(
                "Redis rejected the credentials (check the user and password in the Redis URL)"));
  EXPECT_EQ(rejected->Stats().open, 0);
  // Still a clean error on the next call (fail fast during backoff), never a crash.
  EXPECT_EQ(rejected->Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);

  RedisOptions none;
  none.url = redis.url();
  absl::StatusOr<RedisReply> unauthenticated = MakeClient(none)->Command({"GET", "k"});
  EXPECT_EQ(unauthenticated.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(unauthenticated.status().message().find("credentials"), absl::string_view::npos);
  log::SetEnabled(true);
}

// A free TCP port on loopback (bound then released; good enough for a test).
int FreeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t length = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(RedisClientTcpTest, TcpUrlWithDatabaseSelectsIt) {
  const int port = FreeTcpPort();
  RedisServerProcess redis({"--port", absl::StrCat(port), "--bind", "127.0.0.1"});
  ASSERT_TRUE(redis.Start().ok());
  RedisOptions tcp;
  tcp.url = absl::StrCat("redis://127.0.0.1:", port, "/2");
  std::shared_ptr<RedisClient> client = MakeClient(tcp);
  ASSERT_TRUE(client->Command({"SET", "where", "db2"}).ok());

  RedisOptions db2;
  db2.url = redis.url() + "?db=2";
  EXPECT_EQ(MakeClient(db2)->Command({"GET", "where"})->str(), "db2");
  RedisOptions db0;
  db0.url = redis.url();
  EXPECT_TRUE(MakeClient(db0)->Command({"GET", "where"})->is_nil());

  RedisOptions bad_db;
  bad_db.url = absl::StrCat("redis://127.0.0.1:", port, "/999");
  log::SetEnabled(false);
  EXPECT_EQ(MakeClient(bad_db)->Command({"PING"}).status(),
            absl::UnavailableError("Redis rejected database 999 from the Redis URL"));
  log::SetEnabled(true);
}

}  // namespace
}  // namespace dunbar::redis
