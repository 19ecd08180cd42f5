// The gateway's Prometheus metrics (prometheus-cpp core registry), served at /metrics on the HTTP
// port in the text format:
//   dunbar_gateway_requests_total{route="/v1/programs/{program_id}",method="GET",code="200"}
//   dunbar_gateway_request_duration_seconds_bucket{route=...,le="0.005"} (histogram per route)
// `route` is the route's pattern (or a fixed name: "/healthz", "static", "unmatched"), never
// the raw path, so ids do not explode the label space.
//
//   HttpMetrics metrics;
//   metrics.Observe("/v1/programs", "GET", 200, absl::Milliseconds(3));
//   std::string text = metrics.Render();
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace dunbar::gateway {

class HttpMetrics {
 public:
  HttpMetrics();

  // Thread-safe.
  void Observe(const std::string& route, const std::string& method, int http_status,
               absl::Duration elapsed);
  // Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
};

}  // namespace dunbar::gateway
