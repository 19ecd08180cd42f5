// Local dates in the policy's timezone: date boundaries, weekdays, parsing, zone validation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "services/outreach/local_dates.h"

namespace dunbar::outreach {
namespace {

absl::Time At(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) << error;
  return time;
}

absl::TimeZone Zone(const std::string& name) {
  absl::StatusOr<absl::TimeZone> zone = LoadZone("policy.timezone", name);
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.value_or(absl::UTCTimeZone());
}

TEST(LocalDayTest, SameInstantIsADifferentDateAcrossZones) {
  const absl::Time instant = At("2026-11-25T23:30:00Z");
  EXPECT_EQ(FormatDate(LocalDay(instant, Zone("Asia/Shanghai"))), "2026-11-26");
  EXPECT_EQ(FormatDate(LocalDay(instant, Zone("America/Los_Angeles"))), "2026-11-25");
  EXPECT_EQ(FormatDate(LocalDay(instant, Zone("UTC"))), "2026-11-25");
}

TEST(LocalDayTest, MidnightBoundaryInShanghai) {
  // Shanghai is UTC+8 all year: 16:00Z is local midnight.
  EXPECT_EQ(FormatDate(LocalDay(At("2026-11-25T15:59:59Z"), Zone("Asia/Shanghai"))), "2026-11-25");
  EXPECT_EQ(FormatDate(LocalDay(At("2026-11-25T16:00:00Z"), Zone("Asia/Shanghai"))), "2026-11-26");
}

TEST(StartOfDayTest, FirstInstantOfTheLocalDay) {
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 11, 26), Zone("Asia/Shanghai")),
            At("2026-11-25T16:00:00Z"));
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 11, 26), Zone("America/Los_Angeles")),
            At("2026-11-26T08:00:00Z"));
  // Sao Paulo skipped midnight on 2018-11-04 (DST began at 00:00): the day starts at 01:00 local.
  EXPECT_EQ(StartOfDay(absl::CivilDay(2018, 11, 4), Zone("America/Sao_Paulo")),
            At("2018-11-04T03:00:00Z"));
}

TEST(WeekdayOfTest, MapsEveryDay) {
  // 2026-11-23 is a Monday.
  const std::vector<v1::Weekday> expected = {v1::MONDAY, v1::TUESDAY,  v1::WEDNESDAY, v1::THURSDAY,
                                             v1::FRIDAY, v1::SATURDAY, v1::SUNDAY};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(WeekdayOf(absl::CivilDay(2026, 11, 23) + i), expected[i]) << i;
  }
}

TEST(LoadZoneTest, RejectsUnknownNamesNamingTheField) {
  for (const char* bad : {"Mars/Olympus", "", "/etc/passwd", "../zoneinfo/UTC", "Asia/"}) {
    const absl::Status status = LoadZone("policy.timezone", bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(status.message(), "policy.timezone: ")) << status.message();
  }
  EXPECT_TRUE(LoadZone("policy.timezone", "Europe/Berlin").ok());
}

TEST(ParseDateTest, AcceptsRealDaysOnly) {
  absl::StatusOr<absl::CivilDay> day = ParseDate("date", "2024-02-29");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, absl::CivilDay(2024, 2, 29));
  for (const char* bad : {"2026-02-29", "2026-04-31", "2026-13-01", "2026-1-01", "20261101",
                          "2026/11/01", " 2026-11-01", "", "0999-12-31", "tomorrow"}) {
    const absl::Status status = ParseDate("date", bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(status.message(), "date: ")) << status.message();
  }
}

TEST(DateArithmeticTest, DaysBetweenAndRanges) {
  EXPECT_EQ(DaysBetween(absl::CivilDay(2026, 2, 27), absl::CivilDay(2026, 3, 2)), 3);
  EXPECT_EQ(DaysBetween(absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 2, 27)), -3);
  EXPECT_EQ(FormatDate(absl::CivilDay(2026, 12, 30) + 3), "2027-01-02");
  EXPECT_EQ(DatesBetween(absl::CivilDay(2024, 2, 28), absl::CivilDay(2024, 3, 1)),
            (std::vector<std::string>{"2024-02-28", "2024-02-29", "2024-03-01"}));
  EXPECT_TRUE(DatesBetween(absl::CivilDay(2024, 3, 1), absl::CivilDay(2024, 2, 28)).empty());
}

}  // namespace
}  // namespace dunbar::outreach
