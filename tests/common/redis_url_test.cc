#include "common/redis/redis_url.h"

#include <string>

#include "gtest/gtest.h"

namespace dunbar::redis {
namespace {

RedisEndpoint ParseOk(const std::string& url) {
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisUrl(url);
  EXPECT_TRUE(endpoint.ok()) << url << ": " << endpoint.status();
  return endpoint.ok() ? *endpoint : RedisEndpoint();
}

TEST(RedisUrlTest, TcpWithPortAndDb) {
  RedisEndpoint e = ParseOk("redis://127.0.0.1:6380/2");
  EXPECT_EQ(e.kind, RedisEndpoint::Kind::kTcp);
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 2);
  EXPECT_EQ(e.username, "");
  EXPECT_EQ(e.password, "");
}

TEST(RedisUrlTest, TcpDefaults) {
  RedisEndpoint e = ParseOk("redis://redis.internal");
  EXPECT_EQ(e.host, "redis.internal");
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.db, 0);
  EXPECT_EQ(ParseOk("redis://h/").db, 0);
  EXPECT_EQ(ParseOk("REDIS://h:1").port, 1);
}

TEST(RedisUrlTest, PasswordOnly) {
  RedisEndpoint e = ParseOk("redis://:secret@h:7000/1");
  EXPECT_EQ(e.username, "");
  EXPECT_EQ(e.password, "secret");
  EXPECT_EQ(e.host, "h");
  EXPECT_EQ(e.port, 7000);
  EXPECT_EQ(e.db, 1);
}

TEST(RedisUrlTest, UserAndPercentEncodedPassword) {
  RedisEndpoint e = ParseOk("redis://alice:s3cr%40t%3A@h/3");
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.password, "s3cr@t:");
  EXPECT_EQ(e.db, 3);
}

TEST(RedisUrlTest, CredentialsEndAtTheLastAt) {
  RedisEndpoint e = ParseOk("redis://:p@ss/w@rd@h:7000");
  EXPECT_EQ(e.password, "p@ss/w@rd");
  EXPECT_EQ(e.host, "h");
  EXPECT_EQ(e.port, 7000);
}

TEST(RedisUrlTest, BracketedIpv6) {
  RedisEndpoint e = ParseOk("redis://[::1]:6390/4");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 6390);
  EXPECT_EQ(e.db, 4);
  EXPECT_EQ(e.Describe(), "[::1]:6390");
  EXPECT_EQ(ParseOk("redis://[fe80::2]").port, 6379);
}

TEST(RedisUrlTest, UnixSocket) {
  RedisEndpoint e = ParseOk("unix:///tmp/dunbar/redis.sock");
  EXPECT_EQ(e.kind, RedisEndpoint::Kind::kUnix);
  EXPECT_EQ(e.path, "/tmp/dunbar/redis.sock");
  EXPECT_EQ(e.db, 0);
  EXPECT_EQ(e.Describe(), "unix:///tmp/dunbar/redis.sock");
}

TEST(RedisUrlTest, UnixSocketWithDbAndCredentials) {
  RedisEndpoint e = ParseOk("unix://worker:pw%2F1@/run/redis.sock?db=5");
  EXPECT_EQ(e.path, "/run/redis.sock");
  EXPECT_EQ(e.username, "worker");
  EXPECT_EQ(e.password, "pw/1");
  EXPECT_EQ(e.db, 5);
  EXPECT_EQ(ParseOk("unix://:pw@/run/redis.sock").password, "pw");
}

TEST(RedisUrlTest, DescribeNeverShowsThePassword) {
  EXPECT_EQ(ParseOk("redis://u:topsecret@h:1/0").Describe(), "h:1");
}

class BadRedisUrlTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BadRedisUrlTest, IsInvalidArgument) {
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisUrl(GetParam());
  EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << GetParam();
  // Messages never echo the URL: it may hold a password.
  EXPECT_EQ(std::string(endpoint.status().message()).find("hunter2"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, BadRedisUrlTest,
    ::testing::Values("", "http://h:6379", "rediss://h:6379", "redis://", "redis://:6379",
                      "redis://h:0", "redis://h:65536", "redis://h:abc",
                      "redis://h:", "redis://h:+80", "redis://h/x", "redis://h/-1",
                      "redis://h/99999999999", "redis://h?db=1", "redis://hunter2@h",
                      "redis://user:@h", "redis://:%zzhunter2@h", "redis://:hunter2%4@h",
                      "redis://::1:6379", "redis://[::1", "redis://[::1]x", "unix://", "unix:///",
                      "unix://relative/redis.sock", "unix:///tmp/r.sock?db=x",
                      "unix:///tmp/r.sock?db=", "unix:///tmp/r.sock?password=hunter2",
                      "unix:///" + std::string(200, 'a') + "/redis.sock"));

TEST(RedisUrlTest, ErrorsNameTheProblem) {
  EXPECT_EQ(ParseRedisUrl("redis://h:70000").status().message(),
            "Redis URL: port must be a number from 1 to 65535");
  EXPECT_EQ(ParseRedisUrl("rediss://h").status().message(),
            "Redis URL: TLS (rediss://) is not supported by hiredis 0.14; use redis:// or unix://");
  EXPECT_EQ(ParseRedisUrl("redis://h/x").status().message(),
            "Redis URL: database must be a non-negative integer");
}

}  // namespace
}  // namespace dunbar::redis
