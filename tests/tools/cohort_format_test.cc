// Fill bars, sparklines and the cohort-specific conversions (rollover, prices, durations).
#include "tools/dunbarctl/cohort_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/dunbarctl/display_width.h"
#include "tools/dunbarctl/fill_bar.h"

namespace dunbar::dunbarctl {
namespace {

namespace cohort_api = ::dunbar::cohort::v1;

TEST(FillBarTest, FillsWholeTenthsAndIsOnlyFullWhenEverySeatIsTaken) {
  EXPECT_EQ(FillBar(142, 150), "[█████████░] 142/150");
  EXPECT_EQ(FillBar(149, 150), "[█████████░] 149/150");
  EXPECT_EQ(FillBar(150, 150), "[██████████] 150/150");
  EXPECT_EQ(FillBar(0, 50), "[░░░░░░░░░░] 0/50");
  EXPECT_EQ(FillBar(1, 2), "[█████░░░░░] 1/2");
  EXPECT_EQ(FillBar(1, 1, 4), "[████] 1/1");
}

TEST(FillBarTest, ClampsTheBarButShowsTheRealCounts) {
  EXPECT_EQ(FillBar(3, 2, 4), "[████] 3/2");
  EXPECT_EQ(FillBar(-1, 2, 4), "[░░░░] -1/2");
  EXPECT_EQ(FillBar(0, 0, 4), "[░░░░] 0/0");
}

TEST(FillBarTest, EveryBarOfAGivenWidthTakesTheSameColumns) {
  // Block characters are one column wide, so bars line up in a table.
  EXPECT_EQ(DisplayWidth(FillBar(7, 150)), DisplayWidth(FillBar(7, 150)));
  EXPECT_EQ(DisplayWidth("[█████████░]"), 12u);
}

TEST(SparklineTest, ScalesToTheLargestValue) {
  EXPECT_EQ(Sparkline({0, 1, 4, 8}), "▁▂▄█");
  EXPECT_EQ(Sparkline({0, 0, 0}), "▁▁▁");
  EXPECT_EQ(Sparkline({5}), "█");
  // Any positive count stays visible above the zero days.
  EXPECT_EQ(Sparkline({0, 1, 100}), "▁▂█");
  EXPECT_EQ(Sparkline({}), "");
}

TEST(CohortFormatTest, ParsesRolloverPolicies) {
  EXPECT_EQ(*ParseRolloverPolicy("--rollover", "auto"), cohort_api::AUTO_OPEN_NEXT);
  EXPECT_EQ(*ParseRolloverPolicy("--rollover", "Auto-Open-Next"), cohort_api::AUTO_OPEN_NEXT);
  EXPECT_EQ(*ParseRolloverPolicy("--rollover", "AUTO_OPEN_NEXT"), cohort_api::AUTO_OPEN_NEXT);
  EXPECT_EQ(*ParseRolloverPolicy("--rollover", " waitlist "), cohort_api::WAITLIST);
  const absl::StatusOr<cohort_api::RolloverPolicy> bad = ParseRolloverPolicy("--rollover", "x");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "--rollover: 'x' is not one of auto, waitlist");
}

TEST(CohortFormatTest, Labels) {
  EXPECT_EQ(RolloverLabel(cohort_api::AUTO_OPEN_NEXT), "auto");
  EXPECT_EQ(RolloverLabel(cohort_api::WAITLIST), "waitlist");
  EXPECT_EQ(RolloverLabel(cohort_api::ROLLOVER_POLICY_UNSPECIFIED), "");
  EXPECT_EQ(CohortStateLabel(cohort_api::OPEN), "open");
  EXPECT_EQ(CohortStateLabel(cohort_api::RUNNING), "running");
  EXPECT_EQ(CohortStateLabel(cohort_api::COHORT_STATE_UNSPECIFIED), "");
}

TEST(CohortFormatTest, ParsesMajorAmountsByTheCurrencysDecimals) {
  EXPECT_EQ(*ParseMajorAmount("--price", "199.00", "CNY"), 19900);
  EXPECT_EQ(*ParseMajorAmount("--price", "199", "CNY"), 19900);
  EXPECT_EQ(*ParseMajorAmount("--price", "199.5", "cny"), 19950);
  EXPECT_EQ(*ParseMajorAmount("--price", "0.01", "USD"), 1);
  EXPECT_EQ(*ParseMajorAmount("--price", "0", "CNY"), 0);
  EXPECT_EQ(*ParseMajorAmount("--price", "1000", "JPY"), 1000);
}

TEST(CohortFormatTest, RejectsMalformedAmountsNamingTheFlag) {
  auto message = [](absl::string_view text, absl::string_view currency) {
    const absl::StatusOr<int64_t> parsed = ParseMajorAmount("--price", text, currency);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << text;
    return std::string(parsed.status().message());
  };
  EXPECT_EQ(message("1.001", "CNY"), "--price: '1.001' has more than 2 decimals");
  EXPECT_EQ(message("1000.5", "JPY"), "--price: '1000.5' has decimals, but JPY has no minor unit");
  EXPECT_EQ(message("-5", "CNY"), "--price: '-5' is not a non-negative amount (use e.g. 199.00)");
  EXPECT_EQ(message("1,99", "CNY"),
            "--price: '1,99' is not a non-negative amount (use e.g. 199.00)");
  EXPECT_EQ(message("", "CNY"), "--price: '' is not an amount (use e.g. 199 or 199.00)");
  EXPECT_EQ(message(".5", "CNY"), "--price: '.5' is not an amount (use e.g. 199 or 199.00)");
  EXPECT_EQ(message("5.", "CNY"), "--price: '5.' is not an amount (use e.g. 199 or 199.00)");
  EXPECT_EQ(message("99999999999999999999", "CNY"),
            "--price: '99999999999999999999' is not a non-negative amount (use e.g. 199.00)");
}

TEST(CohortFormatTest, HumanizesDurationsWithTheTwoLargestUnits) {
  EXPECT_EQ(HumanizeDuration(0), "0s");
  EXPECT_EQ(HumanizeDuration(-3), "0s");
  EXPECT_EQ(HumanizeDuration(45), "45s");
  EXPECT_EQ(HumanizeDuration(750), "12m 30s");
  EXPECT_EQ(HumanizeDuration(12000), "3h 20m");
  EXPECT_EQ(HumanizeDuration(3600), "1h");
  EXPECT_EQ(HumanizeDuration(2 * 86400 + 5 * 3600 + 59), "2d 5h");
  EXPECT_EQ(HumanizeDuration(86400 + 59), "1d");
}

}  // namespace
}  // namespace dunbar::dunbarctl
