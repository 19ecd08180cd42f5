// Warmth maths: the log-domain running score must equal the naive decayed sum, adding an
// interaction must not disturb the order of others, and the order must hold at every later time.
#include "services/membership/warmth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace dunbar::membership {
namespace {

const absl::Duration kHalfLife = absl::Hours(24 * 30);
const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

struct Event {
  double weight;
  absl::Time at;
};

double NaiveWarmth(const std::vector<Event>& events, absl::Time now) {
  double sum = 0;
  for (const Event& e : events) {
    sum += e.weight * std::exp2(-absl::FDivDuration(now - e.at, kHalfLife));
  }
  return sum;
}

double Score(const std::vector<Event>& events) {
  double score = kNoWarmth;
  for (const Event& e : events)
    score = AddLogWarmth(score, LogWarmthTerm(e.weight, e.at, kHalfLife));
  return score;
}

TEST(WarmthTest, WeightsByKind) {
  EXPECT_EQ(InteractionWeight(v1::LIKED), 1);
  EXPECT_EQ(InteractionWeight(v1::COMMENTED), 2);
  EXPECT_EQ(InteractionWeight(v1::REPLIED), 3);
  EXPECT_EQ(InteractionWeight(v1::ATTENDED), 4);
  EXPECT_EQ(InteractionWeight(v1::PURCHASED), 8);
  EXPECT_EQ(InteractionWeight(v1::REFERRED), 6);
  EXPECT_EQ(InteractionWeight(v1::CONTACTED), 0);
  EXPECT_EQ(InteractionWeight(v1::INTERACTION_KIND_UNSPECIFIED), 0);
}

TEST(WarmthTest, NoInteractionsIsZero) {
  EXPECT_EQ(WarmthAt(kNoWarmth, kNow, kHalfLife), 0);
  EXPECT_EQ(LogWarmthTerm(0, kNow, kHalfLife), kNoWarmth);
  EXPECT_EQ(AddLogWarmth(kNoWarmth, kNoWarmth), kNoWarmth);
  EXPECT_EQ(AddLogWarmth(kNoWarmth, 2.5), 2.5);
  EXPECT_EQ(AddLogWarmth(2.5, kNoWarmth), 2.5);
}

TEST(WarmthTest, HalvesEveryHalfLife) {
  const double score = LogWarmthTerm(8, kNow, kHalfLife);
  EXPECT_NEAR(WarmthAt(score, kNow, kHalfLife), 8.0, 1e-9);
  EXPECT_NEAR(WarmthAt(score, kNow + kHalfLife, kHalfLife), 4.0, 1e-9);
  EXPECT_NEAR(WarmthAt(score, kNow + 3 * kHalfLife, kHalfLife), 1.0, 1e-9);
}

TEST(WarmthTest, AddLogWarmthIsLogOfSum) {
  EXPECT_NEAR(AddLogWarmth(3, 3), 4, 1e-12);                              // 8 + 8 = 16
  EXPECT_NEAR(AddLogWarmth(0, 1), std::log2(3.0), 1e-12);                 // 1 + 2 = 3
  EXPECT_NEAR(AddLogWarmth(1000, 1000), 1001, 1e-9);                      // no overflow
  EXPECT_NEAR(AddLogWarmth(-1000, -1001), -1000 + std::log2(1.5), 1e-9);  // no underflow
}

TEST(WarmthTest, LogSumEqualsNaiveSumForRandomHistories) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int> kind(1, 6);
  std::uniform_int_distribution<int> age_hours(0, 24 * 400);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<Event> events;
    const int count = 1 + trial % 40;
    for (int i = 0; i < count; ++i) {
      events.push_back({InteractionWeight(static_cast<v1::InteractionKind>(kind(random))),
                        kNow - absl::Hours(age_hours(random))});
    }
    const double score = Score(events);
    for (absl::Duration later :
         {absl::ZeroDuration(), absl::Hours(24 * 7), absl::Hours(24 * 365)}) {
      const double naive = NaiveWarmth(events, kNow + later);
      EXPECT_NEAR(WarmthAt(score, kNow + later, kHalfLife), naive, naive * 1e-9)
          << "trial " << trial;
    }
  }
}

TEST(WarmthTest, OrderOfInsertionDoesNotMatter) {
  const std::vector<Event> events = {
      {3, kNow - absl::Hours(5)}, {8, kNow - absl::Hours(24 * 90)}, {1, kNow}};
  const std::vector<Event> reversed(events.rbegin(), events.rend());
  EXPECT_NEAR(Score(events), Score(reversed), 1e-12);
}

TEST(WarmthTest, ScoreOrderIsWarmthOrderAtEveryLaterTime) {
  // A: one big old purchase. B: recent small likes. Which is warmer depends only on the scores,
  // and stays the same as time passes without new interactions.
  const std::vector<Event> a = {{8, kNow - absl::Hours(24 * 60)}};                        // 2.0 now
  const std::vector<Event> b = {{1, kNow - absl::Hours(1)}, {1, kNow - absl::Hours(2)}};  // 1.998
  const std::vector<Event> c = {{3, kNow - absl::Hours(24 * 10)}};                        // 2.38
  const double sa = Score(a), sb = Score(b), sc = Score(c);
  for (int days : {0, 1, 30, 365, 3650}) {
    const absl::Time t = kNow + absl::Hours(24 * days);
    const double wa = NaiveWarmth(a, t), wb = NaiveWarmth(b, t), wc = NaiveWarmth(c, t);
    EXPECT_EQ(sa < sb, wa < wb) << days;
    EXPECT_EQ(sb < sc, wb < wc) << days;
    EXPECT_EQ(sa < sc, wa < wc) << days;
  }
  EXPECT_GT(sc, sa);
  EXPECT_GT(sa, sb);
}

TEST(WarmthTest, NewInteractionOvertakesOlderWarmth) {
  // An old contact with much warmth is overtaken by one interaction today when the old warmth has
  // decayed below it: the score of the untouched member never has to be rewritten.
  const double old_score = Score({{8, kNow - absl::Hours(24 * 120)}});  // 8 / 16 = 0.5 now
  const double fresh = Score({{1, kNow}});                              // 1 now
  EXPECT_GT(fresh, old_score);
  EXPECT_NEAR(WarmthAt(old_score, kNow, kHalfLife), 0.5, 1e-9);
}

TEST(WarmthTest, ScoresStayComparableAcrossEpochOffsets) {
  // Interactions before the epoch give negative scores, which still order and sum correctly.
  const absl::Time before_epoch =
      absl::FromUnixMillis(kWarmthEpochUnixMillis) - absl::Hours(24 * 365);
  const double score = Score({{4, before_epoch}, {2, before_epoch}});
  EXPECT_LT(score, 0);
  EXPECT_NEAR(WarmthAt(score, before_epoch, kHalfLife), 6.0, 1e-9);
}

}  // namespace
}  // namespace dunbar::membership
