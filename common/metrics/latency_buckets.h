// Histogram bucket bounds (seconds) shared by dunbar's latency histograms, so dashboards can put
// RPC and Redis latencies on the same axis.
#pragma once

#include <prometheus/histogram.h>

namespace dunbar::metrics {

// gRPC handling time: 0.5 ms .. 10 s. The top buckets cover the 1-2 s membership timeouts and the
// 20 s drain budget's long tail.
inline prometheus::Histogram::BucketBoundaries RpcLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// One Redis round trip: 100 us .. 2.5 s (the default command timeout is 2 s).
inline prometheus::Histogram::BucketBoundaries RedisLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5};
}

}  // namespace dunbar::metrics
