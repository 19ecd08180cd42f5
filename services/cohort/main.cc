// The cohort server: parses flags (with environment fallbacks), connects the Redis pool, loads the
// tokens, opens the channel to membership, assembles the service and runs it until SIGTERM/SIGINT
// (then drains and exits 0). A bad configuration exits 2 with a message naming the flag.
//
//   cohort --listen 0.0.0.0:50052 --redis-url redis://redis:6379/1 --tokens-file /etc/dunbar/tokens
//          --membership-addr dns:///membership:50051
//          --membership-token-file /etc/dunbar/cohort-service-token   (one line)
//
// cohort-specific flags (the shared ones are in common/server/server_config.h; --listen defaults
// to 0.0.0.0:50052 here):
//   --membership-addr               DUNBAR_MEMBERSHIP_ADDR            127.0.0.1:50051
//   --membership-token-file         DUNBAR_MEMBERSHIP_TOKEN_FILE      (this or the next)
//   --membership-token              DUNBAR_MEMBERSHIP_TOKEN
//   --membership-timeout-ms         DUNBAR_MEMBERSHIP_TIMEOUT_MS      1000
//   --admission-cache-ttl-seconds   DUNBAR_ADMISSION_CACHE_TTL        600
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/token_file.h"
#include "common/auth/token_store.h"
#include "common/client/grpc_client.h"
#include "common/metrics/redis_metrics.h"
#include "common/redis/redis_client.h"
#include "common/server/server_config.h"
#include "common/server/server_runner.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/cohort/cohort_server.h"

namespace {

constexpr int kMaxMembershipTimeoutMs = 60000;
constexpr int kMaxAdmissionCacheTtlSeconds = 7 * 24 * 3600;

struct MembershipFlags {
  std::string address = "127.0.0.1:50051";
  std::string token_file;
  std::string token;
  int timeout_ms = 1000;
  int admission_cache_ttl_seconds = 600;
};

int Fail(std::string_view what, const absl::Status& status) {
  std::cerr << "cohort: " << what << ": " << status.message() << "\n";
  return 2;
}

// Checks the membership flags and fills `options` from them.
absl::Status ApplyMembershipFlags(const MembershipFlags& flags,
                                  dunbar::cohort::CohortOptions& options) {
  if (flags.address.empty()) {
    return absl::InvalidArgumentError(
        "--membership-addr (env DUNBAR_MEMBERSHIP_ADDR): must not be empty");
  }
  if (flags.token_file.empty() == flags.token.empty()) {
    return absl::InvalidArgumentError(
        "set exactly one of --membership-token-file (env DUNBAR_MEMBERSHIP_TOKEN_FILE) and "
        "--membership-token (env DUNBAR_MEMBERSHIP_TOKEN): the service token cohort presents "
        "to membership");
  }
  if (flags.timeout_ms < 1 || flags.timeout_ms > kMaxMembershipTimeoutMs) {
    return absl::InvalidArgumentError(
        absl::StrCat("--membership-timeout-ms (env DUNBAR_MEMBERSHIP_TIMEOUT_MS): must be between "
                     "1 and ",
                     kMaxMembershipTimeoutMs, ", got ", flags.timeout_ms));
  }
  if (flags.admission_cache_ttl_seconds < 1 ||
      flags.admission_cache_ttl_seconds > kMaxAdmissionCacheTtlSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--admission-cache-ttl-seconds (env DUNBAR_ADMISSION_CACHE_TTL): must be between 1 and ",
        kMaxAdmissionCacheTtlSeconds, ", got ", flags.admission_cache_ttl_seconds));
  }
  if (!flags.token_file.empty()) {
    absl::StatusOr<std::string> token = dunbar::auth::ReadTokenFile(
        flags.token_file, "--membership-token-file (env DUNBAR_MEMBERSHIP_TOKEN_FILE)");
    if (!token.ok()) return token.status();
    options.membership_token = *std::move(token);
  } else {
    options.membership_token = flags.token;
  }
  options.membership_timeout = absl::Milliseconds(flags.timeout_ms);
  options.admission_cache_ttl = absl::Seconds(flags.admission_cache_ttl_seconds);
  return absl::OkStatus();
}

void AddMembershipFlags(CLI::App& app, MembershipFlags& flags) {
  app.add_option("--membership-addr", flags.address,
                 "membership service target (host:port, dns:///host:port, unix:/path)")
      ->envname("DUNBAR_MEMBERSHIP_ADDR")
      ->capture_default_str();
  app.add_option("--membership-token-file", flags.token_file,
                 "file whose first line is the service token presented to membership")
      ->envname("DUNBAR_MEMBERSHIP_TOKEN_FILE");
  app.add_option("--membership-token", flags.token,
                 "the service token presented to membership (prefer the file: argv is visible)")
      ->envname("DUNBAR_MEMBERSHIP_TOKEN");
  app.add_option("--membership-timeout-ms", flags.timeout_ms,
                 "deadline of each entitlement check (shortened to the caller's deadline)")
      ->envname("DUNBAR_MEMBERSHIP_TIMEOUT_MS")
      ->capture_default_str();
  app.add_option("--admission-cache-ttl-seconds", flags.admission_cache_ttl_seconds,
                 "how long membership's answer to an entitlement check is cached")
      ->envname("DUNBAR_ADMISSION_CACHE_TTL")
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  using dunbar::cohort::CohortOptions;
  using dunbar::cohort::CohortServer;

  CLI::App app{"dunbar cohort service: programmes sold as capped, numbered batches"};
  dunbar::server::ServerConfig config;
  config.listen = "0.0.0.0:50052";  // the cohort service's default; membership has 50051
  dunbar::server::AddServerFlags(app, config);
  MembershipFlags membership_flags;
  AddMembershipFlags(app, membership_flags);
  CLI11_PARSE(app, argc, argv);

  if (absl::Status valid = dunbar::server::ValidateServerConfig(config); !valid.ok()) {
    return Fail("bad configuration", valid);
  }
  CohortOptions options;
  if (absl::Status valid = ApplyMembershipFlags(membership_flags, options); !valid.ok()) {
    return Fail("bad configuration", valid);
  }

  // First: its metrics registry (null without --metrics-listen) is handed to what follows.
  dunbar::server::ServerRunner runner(config);
  options.metrics = runner.metrics_registry();
  auto redis = dunbar::redis::RedisClient::Connect(
      config.redis,
      dunbar::metrics::MakeRedisMetricsIfEnabled(runner.metrics_registry().get(), "main"));
  if (!redis.ok()) return Fail("--redis-url", redis.status());
  auto tokens = dunbar::auth::TokenStore::FromFile(config.tokens_file);
  if (!tokens.ok()) return Fail("--tokens-file", tokens.status());
  auto membership_channel = dunbar::client::MakeServiceChannel(
      membership_flags.address, dunbar::membership::v1::MembershipService::service_full_name());
  auto cohort = CohortServer::Create(*redis, *tokens, membership_channel, std::move(options));
  if (!cohort.ok()) return Fail("bad configuration", cohort.status());

  runner.AddService((*cohort)->service());
  runner.SetHealthProbe([server = cohort->get()] { return server->Probe(); });
  return runner.Run();
}
