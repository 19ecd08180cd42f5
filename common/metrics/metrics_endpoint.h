// The HTTP endpoint Prometheus scrapes: serves a registry in the text exposition format at
// http://<listen>/metrics, with prometheus-cpp's pull exposer (civetweb inside, its own threads).
//
//   auto registry = std::make_shared<prometheus::Registry>();
//   DUNBAR_ASSIGN_OR_RETURN(auto endpoint, MetricsEndpoint::Start("0.0.0.0:9464", registry));
//   endpoint->port();  // the bound port (useful with port 0 in tests)
//
// `listen` is host:port (IPv6 hosts in brackets); unix sockets are not supported by the exposer.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace dunbar::metrics {

// The path Prometheus scrapes.
inline constexpr char kMetricsPath[] = "/metrics";

class MetricsEndpoint {
 public:
  // INVALID_ARGUMENT for a malformed address, UNAVAILABLE if it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, std::shared_ptr<prometheus::Registry> registry);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace dunbar::metrics
