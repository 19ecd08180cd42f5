#include "bench/load/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dunbar::bench {
namespace {

constexpr int kLinearBuckets = 128;  // one bucket per ns below this
constexpr int kSubBuckets = 64;      // buckets per power of two above it
// 64-bit values: msb up to 63, shift up to 57.
constexpr int kBucketCount = kLinearBuckets + 58 * kSubBuckets;

int MostSignificantBit(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

int LatencyHistogram::BucketIndex(uint64_t nanos) {
  if (nanos < kLinearBuckets) return static_cast<int>(nanos);
  // shift puts the top 7 bits (64..127) in `mantissa`.
  const int shift = MostSignificantBit(nanos) - 6;
  const uint64_t mantissa = nanos >> shift;
  return kLinearBuckets + (shift - 1) * kSubBuckets + static_cast<int>(mantissa - kSubBuckets);
}

uint64_t LatencyHistogram::BucketUpperBound(int index) {
  if (index < kLinearBuckets) return static_cast<uint64_t>(index);
  const int k = index - kLinearBuckets;
  const int shift = k / kSubBuckets + 1;
  const uint64_t mantissa = static_cast<uint64_t>(k % kSubBuckets + kSubBuckets);
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::Record(absl::Duration latency) {
  RecordNanos(absl::ToInt64Nanoseconds(latency));
}

void LatencyHistogram::RecordNanos(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  ++buckets_[BucketIndex(static_cast<uint64_t>(nanos))];
  if (count_ == 0 || nanos < min_ns_) min_ns_ = nanos;
  if (count_ == 0 || nanos > max_ns_) max_ns_ = nanos;
  ++count_;
  sum_ns_ += nanos;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  min_ns_ = count_ == 0 ? other.min_ns_ : std::min(min_ns_, other.min_ns_);
  max_ns_ = count_ == 0 ? other.max_ns_ : std::max(max_ns_, other.max_ns_);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

absl::Duration LatencyHistogram::min() const { return absl::Nanoseconds(min_ns_); }
absl::Duration LatencyHistogram::max() const { return absl::Nanoseconds(max_ns_); }

absl::Duration LatencyHistogram::mean() const {
  if (count_ == 0) return absl::ZeroDuration();
  return absl::Nanoseconds(static_cast<int64_t>(sum_ns_ / count_));
}

absl::Duration LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return absl::ZeroDuration();
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the sample we want, 1-based: at least one sample.
  const int64_t rank =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * static_cast<double>(count_))));
  int64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      // Never report beyond the largest sample actually seen.
      const uint64_t bound = BucketUpperBound(static_cast<int>(i));
      return absl::Nanoseconds(std::min<int64_t>(static_cast<int64_t>(bound), max_ns_));
    }
  }
  return max();
}

}  // namespace dunbar::bench
