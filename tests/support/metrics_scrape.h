// Reading Prometheus metrics in tests: fetch a /metrics page over HTTP (cpp-httplib) and find one
// sample in the text exposition format.
//
//   absl::StatusOr<std::string> page = ScrapeMetrics(port);
//   std::optional<double> ok = SampleValue(*page, "dunbar_grpc_server_handled_total",
//                                          {{"method", "GetMember"}, {"code", "OK"}});
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace dunbar::testing {

// GET http://127.0.0.1:<port>/metrics; UNAVAILABLE if it cannot connect, INTERNAL on a non-200.
absl::StatusOr<std::string> ScrapeMetrics(int port);

// The value of the first sample named exactly `name` whose labels include all of `labels` (other
// labels may be present); nullopt if there is none.
std::optional<double> SampleValue(const std::string& page, const std::string& name,
                                  const std::map<std::string, std::string>& labels = {});

// How many samples are named exactly `name` (and carry `labels`).
int SampleCount(const std::string& page, const std::string& name,
                const std::map<std::string, std::string>& labels = {});

}  // namespace dunbar::testing
