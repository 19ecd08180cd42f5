#include "common/metrics/metrics_endpoint.h"

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <exception>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/server/server_config.h"

namespace dunbar::metrics {

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, std::shared_ptr<prometheus::Registry> registry) {
  if (absl::StartsWith(listen, "unix:")) {
    return absl::InvalidArgumentError("--metrics-listen: must be host:port (no unix: sockets)");
  }
  if (absl::Status valid = server::ValidateListenAddress("--metrics-listen", listen); !valid.ok()) {
    return valid;
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // One thread: a scrape every few seconds never needs more, and each thread is a stack.
    exposer = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    // civetweb reports bind failures as exceptions; the text names the address, never secrets.
    return absl::UnavailableError(
        absl::StrCat("--metrics-listen: cannot listen on ", listen, ": ", e.what()));
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty() || ports.front() <= 0) {
    return absl::UnavailableError(absl::StrCat("--metrics-listen: cannot listen on ", listen));
  }
  exposer->RegisterCollectable(registry, kMetricsPath);
  const int port = ports.front();
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(exposer), port));
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port)
    : exposer_(std::move(exposer)), port_(port) {}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace dunbar::metrics
