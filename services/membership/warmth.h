// Warmth: how strongly recent interactions tie a contact to the operator.
//
//   warmth(now) = sum over interactions of weight(kind) * 2^(-(now - at) / half_life)
//
// Stored without ever rewriting old scores: each member keeps the log-domain score
//
//   score = log2( sum weight * 2^((at - T0) / half_life) )        (T0 = kWarmthEpoch)
//
// so warmth(now) = 2^(score - (now - T0) / half_life). Every member's warmth decays by the same
// factor over time, so ordering members by `score` orders them by warmth at any moment; adding an
// interaction is a log-sum-exp of the old score and the new term (lua/record_interaction.lua does
// the same sum as AddLogWarmth). No interactions: score -infinity, warmth 0.
//
//   double score = kNoWarmth;
//   score = AddLogWarmth(score, LogWarmthTerm(InteractionWeight(v1::REPLIED), at, half_life));
//   double now_warmth = WarmthAt(score, absl::Now(), half_life);
//
// The score depends on half_life: changing the half-life needs the scores recomputed.
#pragma once

#include <limits>
#include <optional>

#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

// T0 = 2024-01-01T00:00:00Z. Scores stay small (about years*12 for a 30-day half-life).
inline constexpr int64_t kWarmthEpochUnixMillis = 1704067200000;
inline constexpr double kNoWarmth = -std::numeric_limits<double>::infinity();

// LIKED 1, COMMENTED 2, REPLIED 3, ATTENDED 4, PURCHASED 8, REFERRED 6; CONTACTED 0 (the operator's
// own touch sets last_contacted_at but is no sign of the contact's warmth); unknown kinds 0.
double InteractionWeight(v1::InteractionKind kind);

// log2(weight * 2^((at - T0) / half_life)); kNoWarmth for weight <= 0.
double LogWarmthTerm(double weight, absl::Time at, absl::Duration half_life);

// log2(2^a + 2^b), computed without overflow; kNoWarmth is the identity.
double AddLogWarmth(double a, double b);

// The decayed sum at `now` for a stored score (0 for kNoWarmth).
double WarmthAt(double score, absl::Time now, absl::Duration half_life);

}  // namespace dunbar::membership
