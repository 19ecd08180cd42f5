// Shared server flags: defaults, environment fallbacks, flags winning over the environment, and
// validation that names the offending flag.
#include "common/server/server_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace dunbar::server {
namespace {

// Sets environment variables for one test and restores the previous values afterwards.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<std::string, std::string>> vars) {
    for (const auto& [name, value] : vars) {
      const char* previous = std::getenv(name.c_str());
      saved_.push_back({name, previous != nullptr, previous != nullptr ? previous : ""});
      ::setenv(name.c_str(), value.c_str(), /*overwrite=*/1);
    }
  }
  ~ScopedEnv() {
    for (const auto& saved : saved_) {
      if (saved.existed) {
        ::setenv(saved.name.c_str(), saved.value.c_str(), 1);
      } else {
        ::unsetenv(saved.name.c_str());
      }
    }
  }

 private:
  struct Saved {
    std::string name;
    bool existed;
    std::string value;
  };
  std::vector<Saved> saved_;
};

ServerConfig Parse(const std::string& command_line) {
  CLI::App app{"test"};
  ServerConfig config;
  AddServerFlags(app, config);
  app.parse(command_line, /*program_name_included=*/false);
  return config;
}

ServerConfig ValidConfig() {
  ServerConfig config;
  config.tokens_file = "/etc/dunbar/tokens";
  return config;
}

TEST(ServerConfigTest, DefaultsWithoutFlagsOrEnvironment) {
  ServerConfig config = Parse("");
  EXPECT_EQ(config.listen, "127.0.0.1:50051");
  EXPECT_EQ(config.redis.url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(config.tokens_file, "");
  EXPECT_EQ(config.drain_timeout_seconds, 20);
  EXPECT_EQ(config.max_message_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(config.max_connection_age_seconds, 300);
  EXPECT_EQ(config.keepalive_time_seconds, 30);
  EXPECT_EQ(config.log_level, "info");
}

TEST(ServerConfigTest, EnvironmentFillsEveryFlagNotGiven) {
  ScopedEnv env({{"DUNBAR_LISTEN", "0.0.0.0:6000"},
                 {"DUNBAR_REDIS_URL", "unix:///run/redis.sock"},
                 {"DUNBAR_REDIS_POOL_SIZE", "12"},
                 {"DUNBAR_TOKENS_FILE", "/secrets/tokens"},
                 {"DUNBAR_DRAIN_TIMEOUT", "7"},
                 {"DUNBAR_MAX_MESSAGE_BYTES", "65536"},
                 {"DUNBAR_MAX_CONNECTION_AGE", "120"},
                 {"DUNBAR_KEEPALIVE_TIME", "45"},
                 {"DUNBAR_LOG_LEVEL", "debug"}});
  ServerConfig config = Parse("");
  EXPECT_EQ(config.listen, "0.0.0.0:6000");
  EXPECT_EQ(config.redis.url, "unix:///run/redis.sock");
  EXPECT_EQ(config.redis.pool_size, 12);
  EXPECT_EQ(config.tokens_file, "/secrets/tokens");
  EXPECT_EQ(config.drain_timeout_seconds, 7);
  EXPECT_EQ(config.max_message_bytes, 65536);
  EXPECT_EQ(config.max_connection_age_seconds, 120);
  EXPECT_EQ(config.keepalive_time_seconds, 45);
  EXPECT_EQ(config.log_level, "debug");
  EXPECT_TRUE(ValidateServerConfig(config).ok()) << ValidateServerConfig(config);
}

TEST(ServerConfigTest, FlagWinsOverEnvironment) {
  ScopedEnv env({{"DUNBAR_LISTEN", "0.0.0.0:6000"}, {"DUNBAR_DRAIN_TIMEOUT", "7"}});
  ServerConfig config = Parse("--listen 127.0.0.1:7000 --drain-timeout-seconds 3");
  EXPECT_EQ(config.listen, "127.0.0.1:7000");
  EXPECT_EQ(config.drain_timeout_seconds, 3);
}

TEST(ServerConfigTest, NonNumericValueIsAParseError) {
  ScopedEnv env({{"DUNBAR_DRAIN_TIMEOUT", "soon"}});
  EXPECT_THROW(Parse(""), CLI::ParseError);
  EXPECT_THROW(Parse("--max-message-bytes 4MB"), CLI::ParseError);
}

TEST(ServerConfigTest, ValidConfigPasses) { EXPECT_TRUE(ValidateServerConfig(ValidConfig()).ok()); }

struct InvalidCase {
  std::string flag;
  void (*mutate)(ServerConfig&);
};

TEST(ServerConfigTest, InvalidValuesAreInvalidArgumentNamingTheFlag) {
  const std::vector<InvalidCase> cases = {
      {"--listen", [](ServerConfig& c) { c.listen = ""; }},
      {"--listen", [](ServerConfig& c) { c.listen = "localhost"; }},
      {"--listen", [](ServerConfig& c) { c.listen = "127.0.0.1:65536"; }},
      {"--redis-url", [](ServerConfig& c) { c.redis.url = "http://redis:6379"; }},
      {"--redis-pool-size", [](ServerConfig& c) { c.redis.pool_size = 0; }},
      {"--tokens-file", [](ServerConfig& c) { c.tokens_file = ""; }},
      {"--drain-timeout-seconds", [](ServerConfig& c) { c.drain_timeout_seconds = -1; }},
      {"--max-message-bytes", [](ServerConfig& c) { c.max_message_bytes = 100; }},
      {"--max-connection-age-s", [](ServerConfig& c) { c.max_connection_age_seconds = 0; }},
      {"--keepalive-time-s", [](ServerConfig& c) { c.keepalive_time_seconds = 1; }},
      {"--log-level", [](ServerConfig& c) { c.log_level = "verbose"; }},
  };
  for (const InvalidCase& test_case : cases) {
    ServerConfig config = ValidConfig();
    test_case.mutate(config);
    absl::Status status = ValidateServerConfig(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << test_case.flag;
    EXPECT_EQ(status.message().rfind(test_case.flag, 0), 0u)
        << "message should start with " << test_case.flag << ": " << status.message();
  }
}

TEST(ServerConfigTest, RedisUrlErrorNeverEchoesThePassword) {
  ServerConfig config = ValidConfig();
  config.redis.url = "redis://:hunter2-secret@redis:notaport/0";
  absl::Status status = ValidateServerConfig(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().find("hunter2"), std::string::npos) << status;
}

TEST(ServerConfigTest, ListenAddressForms) {
  for (const char* good : {"127.0.0.1:0", "0.0.0.0:50051", "[::]:50051", "[::1]:1", "localhost:80",
                           "unix:/tmp/dunbar.sock", "unix:relative.sock"}) {
    EXPECT_TRUE(ValidateListenAddress("--listen", good).ok()) << good;
  }
  for (const char* bad : {"", "50051", ":50051", "host:", "host:-1", "host:12a", "host:70000",
                          "::1:50051", "[::1:50051", "unix:"}) {
    absl::Status status = ValidateListenAddress("--listen", bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ServerConfigTest, LogLevels) {
  EXPECT_EQ(ParseLogLevel("debug").value(), log::Level::kDebug);
  EXPECT_EQ(ParseLogLevel("INFO").value(), log::Level::kInfo);
  EXPECT_EQ(ParseLogLevel("Warn").value(), log::Level::kWarn);
  EXPECT_EQ(ParseLogLevel("error").value(), log::Level::kError);
  EXPECT_EQ(ParseLogLevel("trace").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dunbar::server
