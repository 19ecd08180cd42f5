#include "services/gateway/gateway_server.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/json_log.h"
#include "common/server/server_config.h"
#include "common/status/grpc_status.h"
#include "gateway_lib_docs_assets.h"
#include "services/gateway/http_status.h"
#include "services/gateway/route_table.h"

namespace dunbar::gateway {
namespace {

constexpr char kJson[] = "application/json";
constexpr char kWebhookPath[] = "/v1/webhooks/payments";
constexpr char kAllowHeaders[] = "Authorization, Content-Type, Idempotency-Key";
constexpr char kAllowMethods[] = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
// The gateway's own GET-only routes (anything else outside /v1 is a dashboard file).
const std::vector<std::string> kOwnGetPaths = {"/healthz", "/readyz", "/metrics", "/openapi.json"};

void SetJson(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), kJson);
}

void SetError(httplib::Response& res, const HttpError& error) {
  SetJson(res, error.http_status, error.body);
}

void SetMethodNotAllowed(httplib::Response& res, const std::vector<std::string>& allowed,
                         const std::string& method) {
  res.set_header("Allow", absl::StrJoin(allowed, ", "));
  SetError(res, MakeHttpError(405, grpc::StatusCode::UNIMPLEMENTED,
                              absl::StrCat("method ", method, " is not allowed here; use ",
                                           absl::StrJoin(allowed, " or "))));
}

absl::string_view EmbeddedOpenApi() {
  for (const auto& [name, bytes] : docs::GatewayDocs()) {
    if (name == "openapi.json") return absl::string_view(bytes.data(), bytes.size());
  }
  return "{}";
}

// set_header appends; headers the error paths may set twice must stay single.
void SetHeaderOnce(httplib::Response& res, const char* key, const std::string& value) {
  if (!res.has_header(key)) res.set_header(key, value);
}

}  // namespace

absl::StatusOr<std::pair<std::string, int>> ParseListenAddress(const std::string& address,
                                                               const std::string& flag) {
  // The same rules as every other --listen flag; httplib listens on TCP only.
  if (absl::StartsWith(address, "unix:")) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": must be host:port (no unix: sockets)"));
  }
  if (absl::Status valid = server::ValidateListenAddress(flag, address); !valid.ok()) return valid;
  const size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": bad port"));  // validated above
  }
  return std::make_pair(host, port);
}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Create(GatewayOptions options) {
  absl::StatusOr<Router> router = Router::Create(ApiRoutes());
  if (!router.ok()) return router.status();
  if (options.threads < 1) return absl::InvalidArgumentError("threads: must be at least 1");
  if (options.webhook_secrets == nullptr)
    options.webhook_secrets = std::make_shared<WebhookSecrets>();
  std::unique_ptr<GatewayServer> server(new GatewayServer(std::move(options), *std::move(router)));
  if (absl::Status s = server->bridge_.CheckRoutes(server->router_.routes()); !s.ok()) return s;
  server->Install();
  return server;
}

GatewayServer::GatewayServer(GatewayOptions options, Router router)
    : options_(std::move(options)),
      router_(std::move(router)),
      backends_(options_.backends),
      bridge_(backends_, options_.timeout),
      webhook_(backends_, options_.webhook_secrets,
               PaymentWebhookOptions{options_.service_token, options_.webhook_tolerance,
                                     options_.timeout, options_.clock}),
      assets_(options_.web_root.empty() ? StaticAssets::Embedded()
                                        : StaticAssets::FromDirectory(options_.web_root)) {}

GatewayServer::~GatewayServer() { Stop(); }

void GatewayServer::Install() {
  const int threads = options_.threads;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.set_payload_max_length(options_.max_body_bytes);

  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    const absl::Time start = absl::Now();
    std::string route_label = "unmatched";
    HandleRequest(req, res, &route_label);
    Finish(req, res, route_label, start);
  };
  server_.Get(".*", dispatch);
  server_.Post(".*", dispatch);
  server_.Put(".*", dispatch);
  server_.Patch(".*", dispatch);
  server_.Delete(".*", dispatch);
  server_.Options(".*", [this](const httplib::Request& req, httplib::Response& res) {
    const absl::Time start = absl::Now();
    HandlePreflight(req, res);
    Finish(req, res, "preflight", start);
  });

  // What httplib answers itself (413 body too large, 400 bad request line, ...) has no body yet:
  // give it the JSON error document. Our own errors already carry one and pass through.
  server_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
        std::string message = "malformed HTTP request";
        if (res.status == 413) {
          code = grpc::StatusCode::RESOURCE_EXHAUSTED;
          message = absl::StrCat("body: larger than ", options_.max_body_bytes, " bytes");
        } else if (res.status == 404) {
          code = grpc::StatusCode::NOT_FOUND;
          message = absl::StrCat("no route for ", req.method, " ", req.path);
        } else if (res.status >= 500) {
          code = grpc::StatusCode::INTERNAL;
          message = "internal error";
        }
        SetError(res, MakeHttpError(res.status, code, message));
        ApplyCors(req, res);
        metrics_.Observe("unmatched", req.method, res.status, absl::ZeroDuration());
        return httplib::Server::HandlerResponse::Handled;
      }));
  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log::Error("http.exception", {{"method", req.method}, {"what", what}});
        SetError(res, MakeHttpError(500, grpc::StatusCode::INTERNAL, "internal error"));
      });
}

absl::StatusOr<int> GatewayServer::Bind(const std::string& host, int port) {
  if (port == 0) {
    const int bound = server_.bind_to_any_port(host);
    if (bound < 0) return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":0"));
    return bound;
  }
  if (!server_.bind_to_port(host, port)) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port));
  }
  return port;
}

void GatewayServer::Serve() {
  serving_ = true;
  if (!stopping_) server_.listen_after_bind();
  serving_ = false;
}

void GatewayServer::Stop() {
  stopping_ = true;
  // Serve() may be between its check and httplib's loop: stop() is a no-op until it runs.
  while (serving_ && !server_.is_running()) std::this_thread::yield();
  server_.stop();
}

void GatewayServer::Finish(const httplib::Request& req, httplib::Response& res,
                           const std::string& route_label, absl::Time start) {
  ApplyCors(req, res);
  SetHeaderOnce(res, "Cache-Control", "no-cache");
  const absl::Duration elapsed = absl::Now() - start;
  metrics_.Observe(route_label, req.method, res.status, elapsed);
  log::Info("http", {{"method", req.method},
                     {"route", route_label},
                     {"status", res.status},
                     {"latency_ms", absl::ToDoubleMilliseconds(elapsed)}});
}

void GatewayServer::HandleRequest(const httplib::Request& req, httplib::Response& res,
                                  std::string* route_label) {
  if (req.path == kWebhookPath) {
    *route_label = kWebhookPath;
    if (req.method != "POST") return SetMethodNotAllowed(res, {"POST"}, req.method);
    ApiReply reply = webhook_.Handle(req.get_header_value("Dunbar-Signature"), req.body);
    return SetJson(res, reply.http_status, std::move(reply.body));
  }
  if (req.path == "/v1" || absl::StartsWith(req.path, "/v1/") ||
      absl::StartsWith(req.path, "/v1:")) {
    return HandleApi(req, res, route_label);
  }
  for (const std::string& own : kOwnGetPaths) {
    if (req.path != own) continue;
    *route_label = own;
    if (req.method != "GET" && req.method != "HEAD") {
      return SetMethodNotAllowed(res, {"GET"}, req.method);
    }
    if (own == "/healthz") return SetJson(res, 200, R"({"status":"SERVING"})");
    if (own == "/readyz") return HandleReady(res);
    if (own == "/metrics") {
      res.status = 200;
      return res.set_content(metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
    }
    return SetJson(res, 200, std::string(EmbeddedOpenApi()));
  }
  *route_label = "static";
  std::optional<StaticFile> file;
  if (req.method == "GET" || req.method == "HEAD") file = assets_.Find(req.path);
  if (!file) {
    return SetError(res, MakeHttpError(404, grpc::StatusCode::NOT_FOUND,
                                       absl::StrCat("no route for ", req.method, " ", req.path)));
  }
  res.status = 200;
  res.set_content(std::move(file->content), file->content_type.c_str());
}

void GatewayServer::HandleApi(const httplib::Request& req, httplib::Response& res,
                              std::string* route_label) {
  RouteMatch match = router_.Match(req.method, req.path);
  if (match.kind == RouteMatch::kNotFound) {
    return SetError(res, MakeHttpError(404, grpc::StatusCode::NOT_FOUND,
                                       absl::StrCat("no route for ", req.method, " ", req.path)));
  }
  if (match.kind == RouteMatch::kMethodNotAllowed) {
    return SetMethodNotAllowed(res, match.allowed_methods, req.method);
  }
  *route_label = match.route->pattern;
  ApiRequest request;
  request.route = match.route;
  request.params = std::move(match.params);
  request.body = req.body;
  request.query = &req.params;
  request.authorization = req.get_header_value("Authorization");
  request.idempotency_key = req.get_header_value("Idempotency-Key");
  ApiReply reply = bridge_.Handle(request);
  SetJson(res, reply.http_status, std::move(reply.body));
}

void GatewayServer::HandleReady(httplib::Response& res) {
  nlohmann::ordered_json backends = nlohmann::ordered_json::object();
  std::vector<std::string> down;
  for (const BackendHealth& health : backends_.CheckHealth(options_.timeout)) {
    if (health.status.ok()) {
      backends[health.name] = "SERVING";
    } else {
      backends[health.name] = absl::StrCat(GrpcCodeName(health.status.error_code()), ": ",
                                           health.status.error_message());
      down.push_back(health.name);
    }
  }
  if (down.empty()) {
    return SetJson(res, 200,
                   nlohmann::ordered_json{{"status", "SERVING"}, {"backends", backends}}.dump());
  }
  HttpError error =
      MakeHttpError(503, grpc::StatusCode::UNAVAILABLE,
                    absl::StrCat("not ready: ", absl::StrJoin(down, ", "), " not serving"));
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(error.body);
  body["backends"] = backends;
  SetJson(res, 503, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

std::string GatewayServer::AllowedOrigin(const httplib::Request& req) const {
  const std::string origin = req.get_header_value("Origin");
  if (origin.empty()) return "";
  for (const std::string& allowed : options_.cors_origins) {
    if (allowed == "*") return "*";
    if (allowed == origin) return origin;
  }
  return "";
}

void GatewayServer::ApplyCors(const httplib::Request& req, httplib::Response& res) const {
  if (options_.cors_origins.empty()) return;
  SetHeaderOnce(res, "Vary", "Origin");
  const std::string origin = AllowedOrigin(req);
  if (origin.empty()) return;
  SetHeaderOnce(res, "Access-Control-Allow-Origin", origin);
}

void GatewayServer::HandlePreflight(const httplib::Request& req, httplib::Response& res) {
  res.status = 204;
  if (AllowedOrigin(req).empty()) return;  // no CORS headers: the browser refuses the call
  res.set_header("Access-Control-Allow-Methods", kAllowMethods);
  res.set_header("Access-Control-Allow-Headers", kAllowHeaders);
  res.set_header("Access-Control-Max-Age", "600");
}

}  // namespace dunbar::gateway
