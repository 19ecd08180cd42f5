#include "services/membership/warmth.h"

#include <algorithm>
#include <cmath>

namespace dunbar::membership {
namespace {

double HalfLivesSinceEpoch(absl::Time t, absl::Duration half_life) {
  const absl::Duration since = t - absl::FromUnixMillis(kWarmthEpochUnixMillis);
  return absl::FDivDuration(since, half_life);
}

}  // namespace

double InteractionWeight(v1::InteractionKind kind) {
  switch (kind) {
    case v1::LIKED:
      return 1;
    case v1::COMMENTED:
      return 2;
    case v1::REPLIED:
      return 3;
    case v1::ATTENDED:
      return 4;
    case v1::PURCHASED:
      return 8;
    case v1::REFERRED:
      return 6;
    case v1::CONTACTED:
    default:
      return 0;
  }
}

double LogWarmthTerm(double weight, absl::Time at, absl::Duration half_life) {
  if (!(weight > 0)) return kNoWarmth;
  return std::log2(weight) + HalfLivesSinceEpoch(at, half_life);
}

double AddLogWarmth(double a, double b) {
  if (a == kNoWarmth) return b;
  if (b == kNoWarmth) return a;
  const double high = std::max(a, b);
  const double low = std::min(a, b);
  return high + std::log2(1.0 + std::exp2(low - high));
}

double WarmthAt(double score, absl::Time now, absl::Duration half_life) {
  if (score == kNoWarmth) return 0;
  return std::exp2(score - HalfLivesSinceEpoch(now, half_life));
}

}  // namespace dunbar::membership
