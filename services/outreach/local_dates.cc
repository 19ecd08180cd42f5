#include "services/outreach/local_dates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dunbar::outreach {

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view field, const std::string& name) {
  absl::TimeZone zone;
  // LoadTimeZone also accepts fixed offsets such as "UTC+8" and file paths; an IANA name never
  // starts with '/' nor contains "..", and that keeps callers from probing the file system.
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos ||
      !absl::LoadTimeZone(name, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", name, "\" is not an IANA timezone name (e.g. Asia/Shanghai)"));
  }
  return zone;
}

absl::CivilDay LocalDay(absl::Time time, absl::TimeZone zone) {
  return absl::ToCivilDay(time, zone);
}

absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone zone) {
  const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(day));
  // In a gap (midnight skipped by DST) `pre` is the instant after it; otherwise both agree or, in
  // an overlap, `pre` is the earlier one.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

std::string FormatDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view value) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", value, "\" is not a date YYYY-MM-DD"));
  };
  if (value.size() != 10 || value[4] != '-' || value[7] != '-') return invalid();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) return invalid();
  }
  absl::CivilDay day;
  if (!absl::ParseCivilTime(value, &day)) return invalid();
  // CivilDay normalizes ("2026-02-30" -> March 2): a date that does not round-trip does not exist.
  if (FormatDate(day) != value || day.year() < 1000) return invalid();
  return day;
}

v1::Weekday WeekdayOf(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return v1::MONDAY;
    case absl::Weekday::tuesday:
      return v1::TUESDAY;
    case absl::Weekday::wednesday:
      return v1::WEDNESDAY;
    case absl::Weekday::thursday:
      return v1::THURSDAY;
    case absl::Weekday::friday:
      return v1::FRIDAY;
    case absl::Weekday::saturday:
      return v1::SATURDAY;
    case absl::Weekday::sunday:
      return v1::SUNDAY;
  }
  return v1::WEEKDAY_UNSPECIFIED;
}

int DaysBetween(absl::CivilDay from, absl::CivilDay to) { return static_cast<int>(to - from); }

std::vector<std::string> DatesBetween(absl::CivilDay from, absl::CivilDay to) {
  std::vector<std::string> dates;
  for (absl::CivilDay day = from; day <= to; ++day) dates.push_back(FormatDate(day));
  return dates;
}

}  // namespace dunbar::outreach
