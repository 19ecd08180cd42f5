#include "bench/load/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace dunbar::bench {
namespace {

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 128; ++v) {
    EXPECT_EQ(LatencyHistogram::BucketIndex(v), static_cast<int>(v));
    EXPECT_EQ(LatencyHistogram::BucketUpperBound(static_cast<int>(v)), v);
  }
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndContainTheirValues) {
  // Every value maps into a bucket whose bound is >= the value and within 1/64 of it.
  for (uint64_t v :
       {128ull, 129ull, 255ull, 256ull, 1000ull, 123456ull, 999999999ull, (1ull << 40) + 12345}) {
    const int index = LatencyHistogram::BucketIndex(v);
    const uint64_t bound = LatencyHistogram::BucketUpperBound(index);
    EXPECT_GE(bound, v) << v;
    EXPECT_LE(static_cast<double>(bound - v) / static_cast<double>(v), 1.0 / 64) << v;
    // The bucket below ends just before this one starts.
    EXPECT_LT(LatencyHistogram::BucketUpperBound(index - 1), v) << v;
  }
  // Consecutive indices near the linear/log boundary.
  EXPECT_EQ(LatencyHistogram::BucketIndex(127), 127);
  EXPECT_EQ(LatencyHistogram::BucketIndex(128), 128);
  EXPECT_EQ(LatencyHistogram::BucketIndex(129), 128);  // 128..129 share a 2-ns bucket
  EXPECT_EQ(LatencyHistogram::BucketIndex(130), 129);
  EXPECT_EQ(LatencyHistogram::BucketUpperBound(128), 129u);
}

TEST(LatencyHistogramTest, QuantilesMatchSortedSamplesWithinResolution) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(200000.0), 0.8);  // ~200 us median
  std::vector<int64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    const int64_t ns = static_cast<int64_t>(dist(rng));
    samples.push_back(ns);
    h.RecordNanos(ns);
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const int64_t exact = samples[static_cast<size_t>(std::ceil(q * samples.size())) - 1];
    const int64_t got = absl::ToInt64Nanoseconds(h.Quantile(q));
    EXPECT_GE(got, exact) << q;
    EXPECT_LE(static_cast<double>(got - exact) / static_cast<double>(exact), 1.0 / 64) << q;
  }
  EXPECT_EQ(h.count(), 100000);
  EXPECT_EQ(absl::ToInt64Nanoseconds(h.min()), samples.front());
  EXPECT_EQ(absl::ToInt64Nanoseconds(h.max()), samples.back());
  EXPECT_EQ(absl::ToInt64Nanoseconds(h.Quantile(1.0)), samples.back());
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    (i % 3 == 0 ? a : b).RecordNanos(i * 1000);
    all.RecordNanos(i * 1000);
  }
  LatencyHistogram merged;
  merged.Merge(a);
  merged.Merge(b);
  EXPECT_EQ(merged.count(), 1000);
  EXPECT_EQ(merged.min(), absl::Microseconds(1));
  EXPECT_EQ(merged.max(), absl::Microseconds(1000));
  EXPECT_EQ(merged.mean(), all.mean());
  for (double q : {0.0, 0.5, 0.99, 0.999, 1.0}) EXPECT_EQ(merged.Quantile(q), all.Quantile(q));
}

TEST(LatencyHistogramTest, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.Quantile(0.99), absl::ZeroDuration());
  EXPECT_EQ(h.mean(), absl::ZeroDuration());
}

}  // namespace
}  // namespace dunbar::bench
