// The gateway's HTTP server (cpp-httplib): one catch-all handler per method dispatches every
// request through the router to the gRPC/JSON bridge, the payment webhook or the gateway's own
// routes (/healthz, /readyz, /metrics, /openapi.json, the dashboard's files). It also applies CORS
// (with OPTIONS preflight), the body limit (413) and JSON error bodies for everything httplib
// itself rejects, and counts every request in HttpMetrics.
//
//   auto gateway = GatewayServer::Create(options);          // StatusOr<unique_ptr<...>>
//   absl::StatusOr<int> port = (*gateway)->Bind("127.0.0.1", 0);
//   std::thread serving([&] { (*gateway)->Serve(); });      // until Stop()
//   ...
//   (*gateway)->Stop();                                     // no new connections; in-flight finish
//   serving.join();
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/gateway/backends.h"
#include "services/gateway/grpc_json_bridge.h"
#include "services/gateway/http_metrics.h"
#include "services/gateway/payment_webhook.h"
#include "services/gateway/router.h"
#include "services/gateway/static_assets.h"
#include "services/gateway/webhook_secrets.h"

namespace dunbar::gateway {

struct GatewayOptions {
  BackendAddresses backends;
  absl::Duration timeout = absl::Seconds(5);  // each backend call's deadline
  size_t max_body_bytes = 1 << 20;
  // Origins allowed to call from a browser ("*" = any); empty = no CORS headers at all.
  std::vector<std::string> cors_origins;
  std::string service_token;  // the webhook's calls only
  std::shared_ptr<const WebhookSecrets> webhook_secrets = std::make_shared<WebhookSecrets>();
  absl::Duration webhook_tolerance = absl::Seconds(300);
  int threads = 16;
  std::string web_root;  // non-empty: serve the dashboard from this folder, not the binary
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class GatewayServer {
 public:
  // INVALID_ARGUMENT if the route table does not fit the services' descriptors.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Create(GatewayOptions options);
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  // Binds `host`:`port` (0 = any free port) and returns the port. UNAVAILABLE if it cannot.
  absl::StatusOr<int> Bind(const std::string& host, int port);
  // Serves until Stop(); returns once in-flight requests are answered.
  void Serve();
  // Thread-safe; also fine before Serve() (which then returns at once) and more than once.
  void Stop();

  const Router& router() const { return router_; }
  const HttpMetrics& metrics() const { return metrics_; }

 private:
  GatewayServer(GatewayOptions options, Router router);
  void Install();
  // Everything but preflights: fills `res`; `route_label` is the metrics label.
  void HandleRequest(const httplib::Request& req, httplib::Response& res, std::string* route_label);
  void HandleApi(const httplib::Request& req, httplib::Response& res, std::string* route_label);
  void HandleReady(httplib::Response& res);
  void HandlePreflight(const httplib::Request& req, httplib::Response& res);
  // The Access-Control-Allow-Origin value for `req`'s Origin ("" = none).
  std::string AllowedOrigin(const httplib::Request& req) const;
  void ApplyCors(const httplib::Request& req, httplib::Response& res) const;
  void Finish(const httplib::Request& req, httplib::Response& res, const std::string& route_label,
              absl::Time start);

  GatewayOptions options_;
  Router router_;
  Backends backends_;
  GrpcJsonBridge bridge_;
  PaymentWebhook webhook_;
  StaticAssets assets_;
  HttpMetrics metrics_;
  httplib::Server server_;
  std::atomic<bool> serving_{false};
  std::atomic<bool> stopping_{false};
};

// "127.0.0.1:8080" / "[::1]:8080" -> (host, port), checked by server::ValidateListenAddress like
// every --listen flag (no unix: sockets). INVALID_ARGUMENT naming `flag`.
absl::StatusOr<std::pair<std::string, int>> ParseListenAddress(const std::string& address,
                                                               const std::string& flag);

}  // namespace dunbar::gateway
