// Settings every dunbar server shares, from flags with environment fallbacks, validated at start.
//
//   flag                      env                         default
//   --listen                  DUNBAR_LISTEN               127.0.0.1:50051
//   --metrics-listen          DUNBAR_METRICS_LISTEN       (empty: off)
//   --redis-url               DUNBAR_REDIS_URL            redis://127.0.0.1:6379/0
//   --redis-pool-size         DUNBAR_REDIS_POOL_SIZE      16
//   --tokens-file             DUNBAR_TOKENS_FILE          (required)
//   --drain-timeout-seconds   DUNBAR_DRAIN_TIMEOUT        20
//   --max-message-bytes       DUNBAR_MAX_MESSAGE_BYTES    4194304
//   --max-connection-age-s    DUNBAR_MAX_CONNECTION_AGE   300
//   --log-level               DUNBAR_LOG_LEVEL            info
//
// A flag given on the command line wins over the environment. Services add their own options to
// the same CLI::App before parsing (see services/membership/main.cc).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/redis/redis_options.h"

namespace dunbar::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";
  std::string metrics_listen;
  std::string tokens_file;
  std::string log_level = "info";
  redis::RedisOptions redis;
  int drain_timeout_seconds = 20;
  int max_message_bytes = 4 * 1024 * 1024;
  int max_connection_age_seconds = 300;
  int keepalive_time_seconds = 30;
};

// Registers the shared options (with env fallbacks) on `app`, writing into `config`.
void AddServerFlags(CLI::App& app, ServerConfig& config);

// Checks ranges and the Redis URL; INVALID_ARGUMENT naming the flag.
absl::Status ValidateServerConfig(const ServerConfig& config);

}  // namespace dunbar::server
