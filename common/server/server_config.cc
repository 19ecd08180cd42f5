#include "common/server/server_config.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_url.h"

namespace dunbar::server {
namespace {

// Ranges are generous on purpose: they catch typos (a negative drain, a 0-byte message limit),
// not unusual but valid deployments.
constexpr int kMaxRedisPoolSize = 1024;
constexpr int kMaxDrainTimeoutSeconds = 3600;
constexpr int kMinMessageBytes = 1024;
constexpr int kMaxMessageBytes = 1 << 30;
constexpr int kMaxConnectionAgeSeconds = 7 * 24 * 3600;
// gRPC clients are told not to ping more often than every 10 s; the server keeps the same floor.
constexpr int kMinKeepaliveSeconds = 10;
constexpr int kMaxKeepaliveSeconds = 24 * 3600;

absl::Status FlagError(absl::string_view flag, absl::string_view env, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " (env ", env, "): ", problem));
}

absl::Status CheckRange(absl::string_view flag, absl::string_view env, int value, int min,
                        int max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return FlagError(flag, env, absl::StrCat("must be between ", min, " and ", max, ", got ", value));
}

absl::Status ListenError(absl::string_view flag, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(flag, ": ", problem));
}

}  // namespace

void AddServerFlags(CLI::App& app, ServerConfig& config) {
  app.add_option("--listen", config.listen, "gRPC listen address, host:port or unix:/path")
      ->envname("DUNBAR_LISTEN")
      ->capture_default_str();
  app.add_option("--redis-url", config.redis.url,
                 "redis://[[user]:password@]host:port/db or unix:///path/to/redis.sock")
      ->envname("DUNBAR_REDIS_URL")
      ->capture_default_str();
  app.add_option("--redis-pool-size", config.redis.pool_size, "Redis connections kept open")
      ->envname("DUNBAR_REDIS_POOL_SIZE")
      ->capture_default_str();
  app.add_option("--tokens-file", config.tokens_file, "File of SHA-256 token hashes (required)")
      ->envname("DUNBAR_TOKENS_FILE");
  app.add_option("--drain-timeout-seconds", config.drain_timeout_seconds,
                 "On SIGTERM, how long in-flight RPCs may run before they are cancelled")
      ->envname("DUNBAR_DRAIN_TIMEOUT")
      ->capture_default_str();
  app.add_option("--max-message-bytes", config.max_message_bytes,
                 "Largest gRPC message received or sent")
      ->envname("DUNBAR_MAX_MESSAGE_BYTES")
      ->capture_default_str();
  app.add_option("--max-connection-age-s", config.max_connection_age_seconds,
                 "Connections are closed (gracefully) after this age so clients rebalance")
      ->envname("DUNBAR_MAX_CONNECTION_AGE")
      ->capture_default_str();
  app.add_option("--keepalive-time-s", config.keepalive_time_seconds,
                 "Idle time before the server pings a connection to check it is alive")
      ->envname("DUNBAR_KEEPALIVE_TIME")
      ->capture_default_str();
  app.add_option("--log-level", config.log_level, "debug, info, warn or error")
      ->envname("DUNBAR_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--metrics-listen", config.metrics_listen,
                 "host:port serving Prometheus metrics at /metrics (empty: no metrics)")
      ->envname("DUNBAR_METRICS_LISTEN");
}

absl::Status ValidateListenAddress(std::string_view flag_view, std::string_view address_view) {
  // Debian's abseil has its own string_view type (ABSL_OPTION_USE_STD_STRING_VIEW 0).
  const absl::string_view flag(flag_view.data(), flag_view.size());
  const absl::string_view address(address_view.data(), address_view.size());
  if (address.empty()) return ListenError(flag, "must not be empty");
  if (absl::StartsWith(address, "unix:")) {
    if (address.size() == absl::string_view("unix:").size()) {
      return ListenError(flag, "unix: needs a socket path");
    }
    return absl::OkStatus();
  }
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return ListenError(flag, "must be host:port or unix:/path");
  }
  absl::string_view host = address.substr(0, colon);
  absl::string_view port_text = address.substr(colon + 1);
  if (host.empty()) return ListenError(flag, "host is missing (use 0.0.0.0 or [::] for all)");
  if (host.front() == '[' ? host.back() != ']' : host.find(':') != absl::string_view::npos) {
    return ListenError(flag, "IPv6 hosts must be in brackets, e.g. [::]:50051");
  }
  int port = -1;
  if (port_text.empty() ||
      !absl::c_all_of(port_text,
                      [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
      !absl::SimpleAtoi(port_text, &port) || port > 65535) {
    return ListenError(flag, "port must be a number from 0 to 65535");
  }
  return absl::OkStatus();
}

absl::StatusOr<log::Level> ParseLogLevel(std::string_view value) {
  const std::string lower = absl::AsciiStrToLower(absl::string_view(value.data(), value.size()));
  if (lower == "debug") return log::Level::kDebug;
  if (lower == "info") return log::Level::kInfo;
  if (lower == "warn") return log::Level::kWarn;
  if (lower == "error") return log::Level::kError;
  return FlagError("--log-level", "DUNBAR_LOG_LEVEL", "must be debug, info, warn or error");
}

absl::Status ValidateServerConfig(const ServerConfig& config) {
  if (absl::Status s = ValidateListenAddress("--listen (env DUNBAR_LISTEN)", config.listen);
      !s.ok()) {
    return s;
  }
  if (absl::StatusOr<redis::RedisEndpoint> endpoint = redis::ParseRedisUrl(config.redis.url);
      !endpoint.ok()) {
    // The parser's message never echoes the URL (it may carry a password).
    return FlagError("--redis-url", "DUNBAR_REDIS_URL", endpoint.status().message());
  }
  if (absl::Status s = CheckRange("--redis-pool-size", "DUNBAR_REDIS_POOL_SIZE",
                                  config.redis.pool_size, 1, kMaxRedisPoolSize);
      !s.ok()) {
    return s;
  }
  if (config.tokens_file.empty()) {
    return FlagError("--tokens-file", "DUNBAR_TOKENS_FILE", "is required");
  }
  if (absl::Status s = CheckRange("--drain-timeout-seconds", "DUNBAR_DRAIN_TIMEOUT",
                                  config.drain_timeout_seconds, 0, kMaxDrainTimeoutSeconds);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("--max-message-bytes", "DUNBAR_MAX_MESSAGE_BYTES",
                                  config.max_message_bytes, kMinMessageBytes, kMaxMessageBytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("--max-connection-age-s", "DUNBAR_MAX_CONNECTION_AGE",
                                  config.max_connection_age_seconds, 1, kMaxConnectionAgeSeconds);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckRange("--keepalive-time-s", "DUNBAR_KEEPALIVE_TIME", config.keepalive_time_seconds,
                     kMinKeepaliveSeconds, kMaxKeepaliveSeconds);
      !s.ok()) {
    return s;
  }
  if (!config.metrics_listen.empty()) {
    if (absl::StartsWith(config.metrics_listen, "unix:")) {
      return FlagError("--metrics-listen", "DUNBAR_METRICS_LISTEN", "must be host:port");
    }
    if (absl::Status s = ValidateListenAddress("--metrics-listen (env DUNBAR_METRICS_LISTEN)",
                                               config.metrics_listen);
        !s.ok()) {
      return s;
    }
  }
  return ParseLogLevel(config.log_level).status();
}

}  // namespace dunbar::server
