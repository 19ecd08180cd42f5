// Dates in the cohort API: "YYYY-MM-DD" real calendar days, and the UTC day lists of stats.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "services/cohort/calendar_date.h"

namespace dunbar::cohort {
namespace {

TEST(ValidateDateTest, AcceptsRealDays) {
  for (const char* good : {"2025-01-01", "2024-02-29", "2000-02-29", "2025-12-31", "1000-01-01",
                           "9999-12-31", "2025-04-30"}) {
    EXPECT_TRUE(ValidateDate("start_date", good).ok()) << good;
  }
}

TEST(ValidateDateTest, RejectsDaysThatDoNotExistAndOtherShapes) {
  for (const char* bad :
       {"2025-02-29", "1900-02-29", "2025-04-31", "2025-00-01", "2025-13-01", "2025-01-00",
        "2025-1-1", "2025-01-1", "20250101", "2025/01/01", "2025-01-01 ", " 2025-01-01",
        "２０２５-01-01", "2025-0a-01", "", "0999-12-31", "-025-01-01"}) {
    const absl::Status status = ValidateDate("start_date", bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(status.message(), "start_date: ")) << status.message();
  }
}

TEST(UtcDatesEndingAtTest, OldestFirstEndingToday) {
  // 1970-01-01T00:00:00Z.
  EXPECT_EQ(UtcDatesEndingAt(absl::FromUnixSeconds(0), 3),
            (std::vector<std::string>{"1969-12-30", "1969-12-31", "1970-01-01"}));
  // 2024-03-01T23:59:59Z: the leap day is in the list; the UTC date, not a local one.
  EXPECT_EQ(UtcDatesEndingAt(absl::FromUnixSeconds(1709337599), 2),
            (std::vector<std::string>{"2024-02-29", "2024-03-01"}));
  EXPECT_EQ(UtcDatesEndingAt(absl::FromUnixSeconds(1709337600), 1),
            (std::vector<std::string>{"2024-03-02"}));
}

TEST(UtcDatesEndingAtTest, FullYearIsContiguous) {
  const std::vector<std::string> dates = UtcDatesEndingAt(absl::FromUnixSeconds(1735689600), 366);
  ASSERT_EQ(dates.size(), 366u);
  EXPECT_EQ(dates.front(), "2024-01-02");  // 2024 has 366 days: 2024-01-02..2025-01-01
  EXPECT_EQ(dates.back(), "2025-01-01");
  for (const std::string& date : dates) EXPECT_TRUE(ValidateDate("d", date).ok()) << date;
}

}  // namespace
}  // namespace dunbar::cohort
