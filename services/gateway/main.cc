// The gateway: an HTTP/1.1 JSON API (and the dashboard's files) in front of membership, cohort and
// outreach. Parses flags (with environment fallbacks), reads the service token and webhook
// secrets, binds the port and serves until SIGTERM/SIGINT, then stops accepting, answers what is
// in flight and exits 0. A bad configuration exits 2 with a message naming the flag.
//
//   gateway --listen 0.0.0.0:8080 --membership-addr dns:///membership:50051
//           --cohort-addr dns:///cohort:50052 --outreach-addr dns:///outreach:50053
//           --service-token-file /etc/dunbar/gateway-service-token
//           --webhook-secrets-file /etc/dunbar/webhook-secrets --cors-origins https://app.example
//
//   --listen                     DUNBAR_GATEWAY_LISTEN             127.0.0.1:8080
//   --membership-addr            DUNBAR_MEMBERSHIP_ADDR            127.0.0.1:50051
//   --cohort-addr                DUNBAR_COHORT_ADDR                127.0.0.1:50052
//   --outreach-addr              DUNBAR_OUTREACH_ADDR              127.0.0.1:50053
//   --timeout-ms                 DUNBAR_GATEWAY_TIMEOUT_MS         5000 (each backend call)
//   --max-body-bytes             DUNBAR_GATEWAY_MAX_BODY_BYTES     1048576 (larger: 413)
//   --cors-origins               DUNBAR_GATEWAY_CORS_ORIGINS       "" (none; comma list; "*")
//   --service-token-file         DUNBAR_SERVICE_TOKEN_FILE         "" (the webhook's calls only)
//   --webhook-secrets-file       DUNBAR_WEBHOOK_SECRETS_FILE       "" ("tenant secret" lines)
//   --webhook-tolerance-seconds  DUNBAR_WEBHOOK_TOLERANCE_SECONDS  300
//   --threads                    DUNBAR_GATEWAY_THREADS            16 (HTTP worker threads)
//   --web-root                   DUNBAR_GATEWAY_WEB_ROOT           "" (embedded dashboard)
//   --log-level                  DUNBAR_LOG_LEVEL                  info
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth/token_file.h"
#include "common/log/json_log.h"
#include "common/server/server_config.h"
#include "common/status/status_macros.h"
#include "services/gateway/gateway_server.h"

namespace {

constexpr int kMaxTimeoutMs = 600'000;
constexpr int kMaxThreads = 1024;
constexpr int64_t kMaxBodyBytes = int64_t{1} << 30;

struct GatewayFlags {
  std::string listen = "127.0.0.1:8080";
  std::string membership_address = "127.0.0.1:50051";
  std::string cohort_address = "127.0.0.1:50052";
  std::string outreach_address = "127.0.0.1:50053";
  int timeout_ms = 5000;
  int64_t max_body_bytes = 1 << 20;
  std::string cors_origins;
  std::string service_token_file;
  std::string webhook_secrets_file;
  int webhook_tolerance_seconds = 300;
  int threads = 16;
  std::string web_root;
  std::string log_level = "info";
};

int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "gateway: " << what << ": " << status.message() << "\n";
  return 2;
}

absl::Status CheckRange(const std::string& flag, const std::string& env, int64_t value, int64_t min,
                        int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " (env ", env, "): must be between ", min, " and ", max, ", got ", value));
}

void AddFlags(CLI::App& app, GatewayFlags& flags) {
  app.add_option("--listen", flags.listen, "HTTP listen address host:port")
      ->envname("DUNBAR_GATEWAY_LISTEN")
      ->capture_default_str();
  app.add_option("--membership-addr", flags.membership_address, "membership service target")
      ->envname("DUNBAR_MEMBERSHIP_ADDR")
      ->capture_default_str();
  app.add_option("--cohort-addr", flags.cohort_address, "cohort service target")
      ->envname("DUNBAR_COHORT_ADDR")
      ->capture_default_str();
  app.add_option("--outreach-addr", flags.outreach_address, "outreach service target")
      ->envname("DUNBAR_OUTREACH_ADDR")
      ->capture_default_str();
  app.add_option("--timeout-ms", flags.timeout_ms, "deadline of each backend call")
      ->envname("DUNBAR_GATEWAY_TIMEOUT_MS")
      ->capture_default_str();
  app.add_option("--max-body-bytes", flags.max_body_bytes, "larger request bodies get 413")
      ->envname("DUNBAR_GATEWAY_MAX_BODY_BYTES")
      ->capture_default_str();
  app.add_option("--cors-origins", flags.cors_origins,
                 "comma-separated origins allowed to call from a browser ('*' = any; empty = no "
                 "CORS headers)")
      ->envname("DUNBAR_GATEWAY_CORS_ORIGINS");
  app.add_option("--service-token-file", flags.service_token_file,
                 "file whose first line is the service token the payment webhook presents")
      ->envname("DUNBAR_SERVICE_TOKEN_FILE");
  app.add_option("--webhook-secrets-file", flags.webhook_secrets_file,
                 "file of \"tenant secret\" lines: the payment webhook's HMAC secrets")
      ->envname("DUNBAR_WEBHOOK_SECRETS_FILE");
  app.add_option("--webhook-tolerance-seconds", flags.webhook_tolerance_seconds,
                 "how far a signed webhook timestamp may be from now")
      ->envname("DUNBAR_WEBHOOK_TOLERANCE_SECONDS")
      ->capture_default_str();
  app.add_option("--threads", flags.threads, "HTTP worker threads")
      ->envname("DUNBAR_GATEWAY_THREADS")
      ->capture_default_str();
  app.add_option("--web-root", flags.web_root,
                 "serve the dashboard from this folder instead of the embedded copy")
      ->envname("DUNBAR_GATEWAY_WEB_ROOT");
  app.add_option("--log-level", flags.log_level, "debug, info, warn or error")
      ->envname("DUNBAR_LOG_LEVEL")
      ->capture_default_str();
}

absl::Status ApplyFlags(const GatewayFlags& flags, dunbar::gateway::GatewayOptions& options) {
  DUNBAR_RETURN_IF_ERROR(
      CheckRange("--timeout-ms", "DUNBAR_GATEWAY_TIMEOUT_MS", flags.timeout_ms, 1, kMaxTimeoutMs));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--max-body-bytes", "DUNBAR_GATEWAY_MAX_BODY_BYTES",
                                    flags.max_body_bytes, 1, kMaxBodyBytes));
  DUNBAR_RETURN_IF_ERROR(CheckRange("--webhook-tolerance-seconds",
                                    "DUNBAR_WEBHOOK_TOLERANCE_SECONDS",
                                    flags.webhook_tolerance_seconds, 1, 24 * 3600));
  DUNBAR_RETURN_IF_ERROR(
      CheckRange("--threads", "DUNBAR_GATEWAY_THREADS", flags.threads, 1, kMaxThreads));
  for (const auto& [flag, value] :
       {std::pair<std::string, std::string>{"--membership-addr", flags.membership_address},
        {"--cohort-addr", flags.cohort_address},
        {"--outreach-addr", flags.outreach_address}}) {
    if (value.empty()) return absl::InvalidArgumentError(flag + ": must not be empty");
  }
  options.backends = {flags.membership_address, flags.cohort_address, flags.outreach_address};
  options.timeout = absl::Milliseconds(flags.timeout_ms);
  options.max_body_bytes = static_cast<size_t>(flags.max_body_bytes);
  for (absl::string_view origin : absl::StrSplit(flags.cors_origins, ',', absl::SkipWhitespace())) {
    options.cors_origins.emplace_back(absl::StripAsciiWhitespace(origin));
  }
  if (!flags.service_token_file.empty()) {
    DUNBAR_ASSIGN_OR_RETURN(
        options.service_token,
        dunbar::auth::ReadTokenFile(flags.service_token_file,
                                    "--service-token-file (env DUNBAR_SERVICE_TOKEN_FILE)"));
  }
  if (!flags.webhook_secrets_file.empty()) {
    absl::StatusOr<dunbar::gateway::WebhookSecrets> secrets =
        dunbar::gateway::WebhookSecrets::FromFile(flags.webhook_secrets_file);
    if (!secrets.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--webhook-secrets-file (env DUNBAR_WEBHOOK_SECRETS_FILE): ",
                       secrets.status().message()));
    }
    if (secrets->size() > 0 && options.service_token.empty()) {
      return absl::InvalidArgumentError(
          "--webhook-secrets-file needs --service-token-file: the webhook acts with the service "
          "token");
    }
    options.webhook_secrets =
        std::make_shared<dunbar::gateway::WebhookSecrets>(*std::move(secrets));
  }
  options.webhook_tolerance = absl::Seconds(flags.webhook_tolerance_seconds);
  options.threads = flags.threads;
  options.web_root = flags.web_root;
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  // SIGTERM/SIGINT are blocked in every thread (the mask is set before any thread exists and
  // inherited) and taken synchronously by one thread with sigwait(2). Not a handler plus self-pipe
  // (common/server/shutdown_signal): under ThreadSanitizer a handler is deferred while its thread
  // sits in read(2) or in uninstrumented library code (httplib's accept loop), so SIGTERM was lost.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  CLI::App app{"dunbar gateway: HTTP/JSON API and dashboard in front of the dunbar services"};
  GatewayFlags flags;
  AddFlags(app, flags);
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<dunbar::log::Level> level = dunbar::server::ParseLogLevel(flags.log_level);
  if (!level.ok()) return Fail("bad configuration", level.status());
  dunbar::log::SetMinLevel(*level);
  auto listen =
      dunbar::gateway::ParseListenAddress(flags.listen, "--listen (env DUNBAR_GATEWAY_LISTEN)");
  if (!listen.ok()) return Fail("bad configuration", listen.status());
  dunbar::gateway::GatewayOptions options;
  if (absl::Status valid = ApplyFlags(flags, options); !valid.ok()) {
    return Fail("bad configuration", valid);
  }
  auto gateway = dunbar::gateway::GatewayServer::Create(std::move(options));
  if (!gateway.ok()) return Fail("bad configuration", gateway.status());
  absl::StatusOr<int> port = (*gateway)->Bind(listen->first, listen->second);
  if (!port.ok()) return Fail("--listen", port.status());

  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&shutdown_signals, &signal_number);
    signalled = true;
    dunbar::log::Info("gateway.draining", {{"signal", signal_number}});
    (*gateway)->Stop();
  });
  dunbar::log::Info("gateway.listening", {{"host", listen->first}, {"port", *port}});
  (*gateway)->Serve();
  // Serve may also end without a signal (e.g. the socket failed): wake the stopper.
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  dunbar::log::Info("gateway.stopped");
  return 0;
}
