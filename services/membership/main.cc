// The membership server: parses flags (with environment fallbacks), connects the Redis pool, loads
// the tokens, assembles the service and runs it until SIGTERM/SIGINT (then drains and exits 0).
//
//   membership --listen 0.0.0.0:50051 --redis-url redis://redis:6379/0
//              --tokens-file /etc/dunbar/tokens --default-country CN  (one line)
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "common/auth/token_store.h"
#include "common/metrics/redis_metrics.h"
#include "common/redis/redis_client.h"
#include "common/server/server_config.h"
#include "common/server/server_runner.h"
#include "common/validation/validation.h"
#include "services/membership/membership_server.h"

namespace {

int Fail(std::string_view what, const absl::Status& status) {
  std::cerr << "membership: " << what << ": " << status.message() << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using dunbar::membership::MembershipOptions;
  using dunbar::membership::MembershipServer;

  CLI::App app{"dunbar membership service: an operator's contact book"};
  dunbar::server::ServerConfig config;
  dunbar::server::AddServerFlags(app, config);
  MembershipOptions options;
  double half_life_days = 30;
  app.add_option("--default-country", options.default_country,
                 "ISO 3166 alpha-2 region for phone numbers without a leading +")
      ->envname("DUNBAR_DEFAULT_COUNTRY")
      ->capture_default_str();
  app.add_option("--warmth-half-life-days", half_life_days,
                 "days after which an interaction's warmth has halved")
      ->envname("DUNBAR_WARMTH_HALF_LIFE_DAYS")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (absl::Status valid = dunbar::server::ValidateServerConfig(config); !valid.ok()) {
    return Fail("bad configuration", valid);
  }
  if (!(half_life_days > 0 && half_life_days <= 3650)) {
    return Fail("bad configuration",
                absl::InvalidArgumentError("--warmth-half-life-days: must be in (0, 3650]"));
  }
  auto country =
      dunbar::validation::ValidateCountryCode("--default-country", options.default_country);
  if (!country.ok()) return Fail("bad configuration", country.status());
  options.default_country = *country;
  options.warmth_half_life = absl::Hours(24) * half_life_days;

  // First: its metrics registry (null without --metrics-listen) is handed to what follows.
  dunbar::server::ServerRunner runner(config);
  auto redis = dunbar::redis::RedisClient::Connect(
      config.redis,
      dunbar::metrics::MakeRedisMetricsIfEnabled(runner.metrics_registry().get(), "main"));
  if (!redis.ok()) return Fail("--redis-url", redis.status());
  auto tokens = dunbar::auth::TokenStore::FromFile(config.tokens_file);
  if (!tokens.ok()) return Fail("--tokens-file", tokens.status());
  auto membership = MembershipServer::Create(*redis, *tokens, options);
  if (!membership.ok()) return Fail("bad configuration", membership.status());

  runner.AddService((*membership)->service());
  runner.SetHealthProbe([server = membership->get()] { return server->Probe(); });
  // Watch streams would otherwise hold the drain until its deadline.
  runner.OnDrain([server = membership->get()] { server->BeginDrain(); });
  return runner.Run();
}
