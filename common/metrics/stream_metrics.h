// Gauges of Redis Stream consumer groups, as read with XINFO GROUPS (queue::GroupStatus):
//
//   dunbar_stream_consumer_lag{stream,group}      entries added after the group's last delivery
//   dunbar_stream_consumer_pending{stream,group}  delivered to a consumer, not yet acknowledged
//
// `stream` is the stream's kind ("cohort_events", "membership_events", "jobs"), not its key: keys
// carry the tenant, and a series per tenant would grow with the customer base. Callers sum over
// tenants and report one value per kind and group.
//
//   StreamGroupMetrics gauges(*registry);
//   gauges.Report("jobs", "outreach-worker", /*lag=*/12, /*pending=*/3);
#pragma once

#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include <string>

namespace prometheus {
class Registry;
}

namespace dunbar::metrics {

class StreamGroupMetrics {
 public:
  // `registry` must outlive this object.
  explicit StreamGroupMetrics(prometheus::Registry& registry);

  // Sets both gauges of (stream, group); the first report creates them. Thread-safe.
  void Report(const std::string& stream, const std::string& group, int64_t lag, int64_t pending);

 private:
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& pending_;
};

}  // namespace dunbar::metrics
