// The outreach server: parses flags (with environment fallbacks), connects the Redis pools (its
// own, and the ones holding cohort's and membership's event streams), loads the tokens, opens the
// channels to membership and cohort, assembles the service and runs it until SIGTERM/SIGINT (then
// stops the worker threads, drains and exits 0). A bad configuration exits 2 with a message naming
// the flag.
//
//   outreach --listen 0.0.0.0:50053 --redis-url redis://redis:6379/2 --tokens-file
//   /etc/dunbar/tokens
//            --membership-addr dns:///membership:50051 --cohort-addr dns:///cohort:50052
//            --service-token-file /etc/dunbar/outreach-service-token
//            --membership-events-redis-url redis://redis:6379/0
//            --cohort-events-redis-url redis://redis:6379/1 --mode both   (one line)
//
// --mode: "server" serves the API only; "worker" runs only the queue consumers (and serves only the
// gRPC health service, so Kubernetes can probe it); "both" (the default) does both in one process.
//
// outreach-specific flags (the shared ones are in common/server/server_config.h; --listen defaults
// to 0.0.0.0:50053 here):
//   --membership-addr               DUNBAR_MEMBERSHIP_ADDR              127.0.0.1:50051
//   --cohort-addr                   DUNBAR_COHORT_ADDR                  127.0.0.1:50052
//   --service-token-file            DUNBAR_SERVICE_TOKEN_FILE           (this or the next)
//   --service-token                 DUNBAR_SERVICE_TOKEN
//   --membership-timeout-ms         DUNBAR_MEMBERSHIP_TIMEOUT_MS        2000
//   --cohort-timeout-ms             DUNBAR_COHORT_TIMEOUT_MS            2000
//   --mode                          DUNBAR_OUTREACH_MODE                both
//   --worker-threads                DUNBAR_WORKER_THREADS               1
//   --worker-consumer               DUNBAR_WORKER_CONSUMER              <hostname>-<pid>
//   --worker-max-attempts           DUNBAR_WORKER_MAX_ATTEMPTS          5
//   --worker-reclaim-idle-ms        DUNBAR_WORKER_RECLAIM_IDLE_MS       30000
//   --worker-poll-ms                DUNBAR_WORKER_POLL_MS               200
//   --cohort-events-redis-url       DUNBAR_COHORT_EVENTS_REDIS_URL      (--redis-url)
//   --membership-events-redis-url   DUNBAR_MEMBERSHIP_EVENTS_REDIS_URL  (--redis-url)
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/token_file.h"
#include "common/auth/token_store.h"
#include "common/client/grpc_client.h"
#include "common/log/json_log.h"
#include "common/metrics/redis_metrics.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_url.h"
#include "common/server/server_config.h"
#include "common/server/server_runner.h"
#include "common/status/status_macros.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/outreach/outreach_server.h"

namespace {

constexpr int kMaxTimeoutMs = 60000;
constexpr int kMaxWorkerThreads = 64;
constexpr int kMaxAttempts = 100;
constexpr int kMaxReclaimIdleMs = 24 * 3600 * 1000;

struct OutreachFlags {
  std::string membership_address = "127.0.0.1:50051";
  std::string cohort_address = "127.0.0.1:50052";
  std::string token_file;
  std::string token;
  int membership_timeout_ms = 2000;
  int cohort_timeout_ms = 2000;
  std::string mode = "both";
  int worker_threads = 1;
  std::string worker_consumer;  // "" -> <hostname>-<pid>
  int worker_max_attempts = 5;
  int worker_reclaim_idle_ms = 30000;
  int worker_poll_ms = 200;
  std::string cohort_events_redis_url;      // "" -> --redis-url
  std::string membership_events_redis_url;  // "" -> --redis-url
};

int Fail(std::string_view what, const absl::Status& status) {
  std::cerr << "outreach: " << what << ": " << status.message() << "\n";
  return 2;
}

absl::Status CheckRange(const std::string& flag, const std::string& env, int value, int min,
                        int max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " (env ", env, "): must be between ", min, " and ", max, ", got ", value));
}

absl::Status CheckRedisUrl(const std::string& flag, const std::string& env,
                           const std::string& url) {
  if (url.empty()) return absl::OkStatus();  // defaults to --redis-url
  absl::StatusOr<dunbar::redis::RedisEndpoint> endpoint = dunbar::redis::ParseRedisUrl(url);
  if (endpoint.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " (env ", env, "): ", endpoint.status().message()));
}

std::string DefaultConsumerName() {
  char host[HOST_NAME_MAX + 1] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    return absl::StrCat("outreach-", getpid());
  }
  return absl::StrCat(host, "-", getpid());
}

// Checks the outreach flags and fills `options` from them.
absl::Status ApplyOutreachFlags(const OutreachFlags& flags,
                                dunbar::outreach::OutreachOptions& options) {
  if (flags.membership_address.empty()) {
    return absl::InvalidArgumentError(
        "--membership-addr (env DUNBAR_MEMBERSHIP_ADDR): must not be empty");
  }
  if (flags.cohort_address.empty()) {
    return absl::InvalidArgumentError("--cohort-addr (env DUNBAR_COHORT_ADDR): must not be empty");
  }
  if (flags.token_file.empty() == flags.token.empty()) {
    return absl::InvalidArgumentError(
        "set exactly one of --service-token-file (env DUNBAR_SERVICE_TOKEN_FILE) and "
        "--service-token (env DUNBAR_SERVICE_TOKEN): the service token outreach presents to "
        "membership and cohort");
  }
  if (flags.mode != "server" && flags.mode != "worker" && flags.mode != "both") {
    return absl::InvalidArgumentError(
        absl::StrCat("--mode (env DUNBAR_OUTREACH_MODE): must be server, worker or both, got \"",
                     flags.mode, "\""));
  }
  DUNBAR_RETURN_IF_ERROR(CheckRange("--membership-timeout-ms", "DUNBAR_MEMBERSHIP_TIMEOUT_MS",
                                    flags.membership_timeout_ms, 1, kMaxTimeoutMs));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--cohort-timeout-ms", "DUNBAR_COHORT_TIMEOUT_MS",
                                    flags.cohort_timeout_ms, 1, kMaxTimeoutMs));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--worker-threads", "DUNBAR_WORKER_THREADS",
                                    flags.worker_threads, 1, kMaxWorkerThreads));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--worker-max-attempts", "DUNBAR_WORKER_MAX_ATTEMPTS",
                                    flags.worker_max_attempts, 1, kMaxAttempts));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--worker-reclaim-idle-ms", "DUNBAR_WORKER_RECLAIM_IDLE_MS",
                                    flags.worker_reclaim_idle_ms, 100, kMaxReclaimIdleMs));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--worker-poll-ms", "DUNBAR_WORKER_POLL_MS",
                                    flags.worker_poll_ms, 1, kMaxTimeoutMs));
  DUNBAR_RETURN_IF_ERROR(CheckRedisUrl("--cohort-events-redis-url",
                                       "DUNBAR_COHORT_EVENTS_REDIS_URL",
                                       flags.cohort_events_redis_url));
  DUNBAR_RETURN_IF_ERROR(CheckRedisUrl("--membership-events-redis-url",
                                       "DUNBAR_MEMBERSHIP_EVENTS_REDIS_URL",
                                       flags.membership_events_redis_url));
  if (!flags.token_file.empty()) {
    DUNBAR_ASSIGN_OR_RETURN(
        options.domain.service_token,
        dunbar::auth::ReadTokenFile(flags.token_file,
                                    "--service-token-file (env DUNBAR_SERVICE_TOKEN_FILE)"));
  } else {
    options.domain.service_token = flags.token;
  }
  options.domain.membership_timeout = absl::Milliseconds(flags.membership_timeout_ms);
  options.domain.cohort_timeout = absl::Milliseconds(flags.cohort_timeout_ms);
  options.run_worker = flags.mode != "server";
  options.worker_threads = flags.worker_threads;
  options.worker.consumer =
      flags.worker_consumer.empty() ? DefaultConsumerName() : flags.worker_consumer;
  options.worker.max_attempts = flags.worker_max_attempts;
  options.worker.min_idle_for_reclaim = absl::Milliseconds(flags.worker_reclaim_idle_ms);
  options.worker.poll_interval = absl::Milliseconds(flags.worker_poll_ms);
  return absl::OkStatus();
}

void AddOutreachFlags(CLI::App& app, OutreachFlags& flags) {
  app.add_option("--membership-addr", flags.membership_address,
                 "membership service target (host:port, dns:///host:port, unix:/path)")
      ->envname("DUNBAR_MEMBERSHIP_ADDR")
      ->capture_default_str();
  app.add_option("--cohort-addr", flags.cohort_address,
                 "cohort service target (host:port, dns:///host:port, unix:/path)")
      ->envname("DUNBAR_COHORT_ADDR")
      ->capture_default_str();
  app.add_option("--service-token-file", flags.token_file,
                 "file whose first line is the service token presented to membership and cohort")
      ->envname("DUNBAR_SERVICE_TOKEN_FILE");
  app.add_option("--service-token", flags.token,
                 "the service token presented to membership and cohort (prefer the file: argv "
                 "is visible)")
      ->envname("DUNBAR_SERVICE_TOKEN");
  app.add_option("--membership-timeout-ms", flags.membership_timeout_ms,
                 "deadline of each call to membership (shortened to the caller's deadline)")
      ->envname("DUNBAR_MEMBERSHIP_TIMEOUT_MS")
      ->capture_default_str();
  app.add_option("--cohort-timeout-ms", flags.cohort_timeout_ms,
                 "deadline of each call to cohort (shortened to the caller's deadline)")
      ->envname("DUNBAR_COHORT_TIMEOUT_MS")
      ->capture_default_str();
  app.add_option("--mode", flags.mode,
                 "server (API only), worker (queue consumers; health only) or both")
      ->envname("DUNBAR_OUTREACH_MODE")
      ->capture_default_str();
  app.add_option("--worker-threads", flags.worker_threads, "worker consumers in this process")
      ->envname("DUNBAR_WORKER_THREADS")
      ->capture_default_str();
  app.add_option("--worker-consumer", flags.worker_consumer,
                 "consumer name prefix, unique per live process (default <hostname>-<pid>)")
      ->envname("DUNBAR_WORKER_CONSUMER");
  app.add_option("--worker-max-attempts", flags.worker_max_attempts,
                 "deliveries of an entry before it goes to the dead-letter stream")
      ->envname("DUNBAR_WORKER_MAX_ATTEMPTS")
      ->capture_default_str();
  app.add_option("--worker-reclaim-idle-ms", flags.worker_reclaim_idle_ms,
                 "an entry pending this long with its consumer is taken over by another")
      ->envname("DUNBAR_WORKER_RECLAIM_IDLE_MS")
      ->capture_default_str();
  app.add_option("--worker-poll-ms", flags.worker_poll_ms, "sleep after a round with no work")
      ->envname("DUNBAR_WORKER_POLL_MS")
      ->capture_default_str();
  app.add_option("--cohort-events-redis-url", flags.cohort_events_redis_url,
                 "the Redis holding cohort's event streams (default: --redis-url)")
      ->envname("DUNBAR_COHORT_EVENTS_REDIS_URL");
  app.add_option("--membership-events-redis-url", flags.membership_events_redis_url,
                 "the Redis holding membership's event streams (default: --redis-url)")
      ->envname("DUNBAR_MEMBERSHIP_EVENTS_REDIS_URL");
}

// A pool for another service's event streams; null (= outreach's own pool) when it is the same URL.
// `pool` names it in the Redis metrics (when `metrics` is set).
absl::StatusOr<std::shared_ptr<dunbar::redis::RedisClient>> EventsRedis(
    const dunbar::redis::RedisOptions& own, const std::string& url, prometheus::Registry* metrics,
    const std::string& pool) {
  if (url.empty() || url == own.url) return std::shared_ptr<dunbar::redis::RedisClient>();
  dunbar::redis::RedisOptions options = own;
  options.url = url;
  return dunbar::redis::RedisClient::Connect(
      options, dunbar::metrics::MakeRedisMetricsIfEnabled(metrics, pool));
}

}  // namespace

int main(int argc, char** argv) {
  using dunbar::outreach::OutreachOptions;
  using dunbar::outreach::OutreachRedis;
  using dunbar::outreach::OutreachServer;

  CLI::App app{"dunbar outreach service: daily warm-contact plans, outcomes, campaigns, workers"};
  dunbar::server::ServerConfig config;
  config.listen = "0.0.0.0:50053";  // membership has 50051, cohort 50052
  dunbar::server::AddServerFlags(app, config);
  OutreachFlags flags;
  AddOutreachFlags(app, flags);
  CLI11_PARSE(app, argc, argv);

  if (absl::Status valid = dunbar::server::ValidateServerConfig(config); !valid.ok()) {
    return Fail("bad configuration", valid);
  }
  OutreachOptions options;
  if (absl::Status valid = ApplyOutreachFlags(flags, options); !valid.ok()) {
    return Fail("bad configuration", valid);
  }

  // First: its metrics registry (null without --metrics-listen) is handed to what follows.
  dunbar::server::ServerRunner runner(config);
  prometheus::Registry* metrics = runner.metrics_registry().get();
  options.metrics = runner.metrics_registry();
  OutreachRedis redis;
  auto own = dunbar::redis::RedisClient::Connect(
      config.redis, dunbar::metrics::MakeRedisMetricsIfEnabled(metrics, "main"));
  if (!own.ok()) return Fail("--redis-url", own.status());
  redis.redis = *own;
  auto cohort_events =
      EventsRedis(config.redis, flags.cohort_events_redis_url, metrics, "cohort_events");
  if (!cohort_events.ok()) return Fail("--cohort-events-redis-url", cohort_events.status());
  redis.cohort_events = *cohort_events;
  auto membership_events =
      EventsRedis(config.redis, flags.membership_events_redis_url, metrics, "membership_events");
  if (!membership_events.ok()) {
    return Fail("--membership-events-redis-url", membership_events.status());
  }
  redis.membership_events = *membership_events;

  auto tokens = dunbar::auth::TokenStore::FromFile(config.tokens_file);
  if (!tokens.ok()) return Fail("--tokens-file", tokens.status());
  auto outreach = OutreachServer::Create(
      std::move(redis), *tokens,
      dunbar::client::MakeServiceChannel(
          flags.membership_address, dunbar::membership::v1::MembershipService::service_full_name()),
      dunbar::client::MakeServiceChannel(flags.cohort_address,
                                         dunbar::cohort::v1::CohortService::service_full_name()),
      std::move(options));
  if (!outreach.ok()) return Fail("bad configuration", outreach.status());
  dunbar::log::Info("outreach.mode",
                    {{"mode", flags.mode},
                     {"worker_threads", flags.mode == "server" ? 0 : flags.worker_threads}});

  // Worker mode serves only the health service (Kubernetes probes it); the API stays with servers.
  if (flags.mode != "worker") runner.AddService((*outreach)->service());
  runner.SetHealthProbe([server = outreach->get()] { return server->Probe(); });
  runner.OnDrain([server = outreach->get()] { server->StopWorkers(); });
  return runner.Run();
}
