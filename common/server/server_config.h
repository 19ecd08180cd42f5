// Settings every dunbar server shares, from flags with environment fallbacks, validated at start.
//
//   flag                      env                         default
//   --listen                  DUNBAR_LISTEN               127.0.0.1:50051
//   --redis-url               DUNBAR_REDIS_URL            redis://127.0.0.1:6379/0
//   --redis-pool-size         DUNBAR_REDIS_POOL_SIZE      8
//   --tokens-file             DUNBAR_TOKENS_FILE          (required)
//   --drain-timeout-seconds   DUNBAR_DRAIN_TIMEOUT        20
//   --max-message-bytes       DUNBAR_MAX_MESSAGE_BYTES    4194304
//   --max-connection-age-s    DUNBAR_MAX_CONNECTION_AGE   300
//   --keepalive-time-s        DUNBAR_KEEPALIVE_TIME       30
//   --log-level               DUNBAR_LOG_LEVEL            info
//   --metrics-listen          DUNBAR_METRICS_LISTEN       (empty: no metrics endpoint)
//
// A flag given on the command line wins over the environment. Services add their own options to
// the same CLI::App before parsing (see services/membership/main.cc):
//
//   CLI::App app{"membership"};
//   dunbar::server::ServerConfig config;
//   dunbar::server::AddServerFlags(app, config);
//   CLI11_PARSE(app, argc, argv);
//   if (absl::Status s = dunbar::server::ValidateServerConfig(config); !s.ok()) {
//     std::cerr << s.message() << "\n";
//     return 2;
//   }
//
// `listen` takes host:port ("0.0.0.0:50051", "[::]:0", port 0 = any free
// port) or unix:/path/to/socket.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/log/json_log.h"
#include "common/redis/redis_options.h"

namespace dunbar::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";
  std::string tokens_file;
  std::string log_level = "info";
  redis::RedisOptions redis;
  int drain_timeout_seconds = 20;
  int max_message_bytes = 4 * 1024 * 1024;
  int max_connection_age_seconds = 300;
  int keepalive_time_seconds = 30;
  // host:port of the Prometheus endpoint (GET /metrics), e.g. "0.0.0.0:9464"; empty = none.
  std::string metrics_listen;
};

// Registers the shared options (with env fallbacks) on `app`, writing into `config`.
void AddServerFlags(CLI::App& app, ServerConfig& config);

// Checks ranges and the Redis URL; INVALID_ARGUMENT naming the flag.
absl::Status ValidateServerConfig(const ServerConfig& config);

// INVALID_ARGUMENT naming `flag` unless `address` is host:port (port 0..65535) or unix:/path.
absl::Status ValidateListenAddress(std::string_view flag, std::string_view address);

// "debug" | "info" | "warn" | "error" (case-insensitive); INVALID_ARGUMENT naming --log-level.
absl::StatusOr<log::Level> ParseLogLevel(std::string_view value);

}  // namespace dunbar::server
