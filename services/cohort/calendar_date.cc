#include "services/cohort/calendar_date.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dunbar::cohort {
namespace {

// Parses exactly `count` ASCII digits at `text[pos]`; -1 if any is not a digit.
int Digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

absl::Status NotADate(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(field.data(), field.size()), ": ",
                   absl::string_view(problem.data(), problem.size())));
}

}  // namespace

absl::Status ValidateDate(std::string_view field, std::string_view value) {
  if (value.size() != 10 || value[4] != '-' || value[7] != '-') {
    return NotADate(field, "must be a date like 2025-03-01 (YYYY-MM-DD)");
  }
  const int year = Digits(value, 0, 4);
  const int month = Digits(value, 5, 2);
  const int day = Digits(value, 8, 2);
  if (year < 0 || month < 0 || day < 0) {
    return NotADate(field, "must be a date like 2025-03-01 (YYYY-MM-DD)");
  }
  if (year < 1000) return NotADate(field, "year must be 1000..9999");
  // CivilDay normalizes out-of-range fields (Feb 30 -> Mar 2): a real date survives unchanged.
  const absl::CivilDay civil(year, month, day);
  if (civil.month() != month || civil.day() != day || civil.year() != year) {
    return NotADate(field, "no such day in the calendar");
  }
  return absl::OkStatus();
}

std::vector<std::string> UtcDatesEndingAt(absl::Time now, int days) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  std::vector<std::string> dates;
  dates.reserve(days > 0 ? days : 0);
  for (int back = days - 1; back >= 0; --back) {
    dates.push_back(absl::FormatCivilTime(today - back));
  }
  return dates;
}

}  // namespace dunbar::cohort
