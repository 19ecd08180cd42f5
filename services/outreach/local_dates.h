// Local calendar dates of the outreach service: "YYYY-MM-DD" in the policy's IANA timezone.
// Plans, tasks and funnel days are keyed by these dates; instants become dates only through a
// timezone loaded here (tzdata under /usr/share/zoneinfo).
//
//   DUNBAR_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone("policy.timezone", "Asia/Shanghai"));
//   absl::CivilDay today = LocalDay(absl::Now(), zone);
//   std::string key = FormatDate(today + 3);             // "2026-11-29"
//   v1::Weekday weekday = WeekdayOf(today);              // v1::THURSDAY
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::outreach {

// INVALID_ARGUMENT "<field>: ..." unless `name` is an IANA zone name the system knows.
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view field, const std::string& name);

// The local date `time` falls on in `zone`.
absl::CivilDay LocalDay(absl::Time time, absl::TimeZone zone);

// The first instant of `day` in `zone` (after a DST gap, the first instant that exists).
absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone zone);

// "YYYY-MM-DD".
std::string FormatDate(absl::CivilDay day);

// INVALID_ARGUMENT "<field>: ..." unless `value` is "YYYY-MM-DD" (years 1000..9999) naming a day
// that exists ("2026-02-29" does not).
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view value);

v1::Weekday WeekdayOf(absl::CivilDay day);

// Whole days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(absl::CivilDay from, absl::CivilDay to);

// Every date from `from` to `to`, both included, oldest first (empty when `to` < `from`).
std::vector<std::string> DatesBetween(absl::CivilDay from, absl::CivilDay to);

}  // namespace dunbar::outreach
