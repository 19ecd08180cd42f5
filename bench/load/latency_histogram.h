// A log-linear latency histogram in the spirit of HdrHistogram: constant memory, O(1) record,
// mergeable, quantiles within 1/64 (1.6 %) of the true value.
//
// Values below 128 ns get a bucket each; above that every power of two is split into 64 equal
// buckets. Quantiles report the highest value a bucket can hold (conservative, as Hdr does).
//
//   LatencyHistogram h;
//   h.Record(absl::Microseconds(250));
//   absl::Duration p99 = h.Quantile(0.99);
//   total.Merge(h);  // per-thread histograms merged after the run
#pragma once

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace dunbar::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(absl::Duration latency);
  void RecordNanos(int64_t nanos);
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  absl::Duration min() const;
  absl::Duration max() const;
  absl::Duration mean() const;
  // q in [0, 1]; the smallest bucket bound below which at least q of the samples fall.
  // Zero when empty.
  absl::Duration Quantile(double q) const;

  // Exposed for tests of the bucket maths.
  static int BucketIndex(uint64_t nanos);
  static uint64_t BucketUpperBound(int index);

 private:
  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t min_ns_ = 0;
  int64_t max_ns_ = 0;
  long double sum_ns_ = 0;
};

}  // namespace dunbar::bench
