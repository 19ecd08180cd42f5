// Calendar dates as the cohort API spells them: "YYYY-MM-DD" (a real date of the proleptic
// Gregorian calendar, years 1000..9999), and the UTC date lists behind GetProgramStats.
//
//   DUNBAR_RETURN_IF_ERROR(ValidateDate("start_date", request.start_date()));
//   UtcDatesEndingAt(absl::FromUnixSeconds(0), 3)  // {"1969-12-30", "1969-12-31", "1970-01-01"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace dunbar::cohort {

// INVALID_ARGUMENT naming `field` unless `value` is "YYYY-MM-DD" and that day exists
// ("2025-02-29" does not). Empty is an error too: callers skip optional empty dates.
absl::Status ValidateDate(std::string_view field, std::string_view value);

// The `days` UTC dates ending with the one `now` falls on, oldest first. `days` >= 1.
std::vector<std::string> UtcDatesEndingAt(absl::Time now, int days);

}  // namespace dunbar::cohort
