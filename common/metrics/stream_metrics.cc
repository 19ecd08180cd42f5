#include "common/metrics/stream_metrics.h"

#include <prometheus/registry.h>

namespace dunbar::metrics {

StreamGroupMetrics::StreamGroupMetrics(prometheus::Registry& registry)
    : lag_(prometheus::BuildGauge()
               .Name("dunbar_stream_consumer_lag")
               .Help("Entries in the stream not yet delivered to the consumer group.")
               .Register(registry)),
      pending_(prometheus::BuildGauge()
                   .Name("dunbar_stream_consumer_pending")
                   .Help("Entries delivered to the consumer group and not yet acknowledged.")
                   .Register(registry)) {}

void StreamGroupMetrics::Report(const std::string& stream, const std::string& group, int64_t lag,
                                int64_t pending) {
  // Family::Add returns the existing series for known labels (and locks internally); this runs
  // every few seconds per stream kind, not per entry.
  const prometheus::Labels labels = {{"stream", stream}, {"group", group}};
  lag_.Add(labels).Set(static_cast<double>(lag));
  pending_.Add(labels).Set(static_cast<double>(pending));
}

}  // namespace dunbar::metrics
