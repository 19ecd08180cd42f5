#include "services/gateway/http_metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>

#include "common/metrics/latency_buckets.h"

namespace dunbar::gateway {

HttpMetrics::HttpMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("dunbar_gateway_requests_total")
                    .Help("HTTP requests by route pattern, method and status code")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("dunbar_gateway_request_duration_seconds")
                     .Help("HTTP request latency by route pattern")
                     .Register(*registry_)) {}

void HttpMetrics::Observe(const std::string& route, const std::string& method, int http_status,
                          absl::Duration elapsed) {
  // Family::Add is thread-safe and returns the existing child for known labels.
  requests_.Add({{"route", route}, {"method", method}, {"code", std::to_string(http_status)}})
      .Increment();
  durations_.Add({{"route", route}}, metrics::RpcLatencyBuckets())
      .Observe(absl::ToDoubleSeconds(elapsed));
}

std::string HttpMetrics::Render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace dunbar::gateway
