#include "tools/dunbarctl/cohort_format.h"

#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/dunbarctl/field_format.h"

namespace dunbar::dunbarctl {

namespace cohort_api = ::dunbar::cohort::v1;

absl::StatusOr<cohort_api::RolloverPolicy> ParseRolloverPolicy(absl::string_view field,
                                                               absl::string_view text) {
  const std::string wanted =
      absl::StrReplaceAll(absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)), {{"-", "_"}});
  if (wanted == "auto" || wanted == "auto_open_next") return cohort_api::AUTO_OPEN_NEXT;
  if (wanted == "waitlist") return cohort_api::WAITLIST;
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", text, "' is not one of auto, waitlist"));
}

std::string RolloverLabel(cohort_api::RolloverPolicy policy) {
  switch (policy) {
    case cohort_api::AUTO_OPEN_NEXT:
      return "auto";
    case cohort_api::WAITLIST:
      return "waitlist";
    default:
      return policy == cohort_api::ROLLOVER_POLICY_UNSPECIFIED ? "" : absl::StrCat(policy);
  }
}

std::string CohortStateLabel(cohort_api::CohortState state) {
  if (state == cohort_api::COHORT_STATE_UNSPECIFIED) return "";
  const std::string& name = cohort_api::CohortState_Name(state);
  return name.empty() ? absl::StrCat(state) : absl::AsciiStrToLower(name);
}

absl::StatusOr<int64_t> ParseMajorAmount(absl::string_view field, absl::string_view text,
                                         absl::string_view currency) {
  const int digits = CurrencyMinorDigits(currency);
  const absl::string_view input = absl::StripAsciiWhitespace(text);
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": '", text, "' ", why));
  };
  const size_t dot = input.find('.');
  const absl::string_view whole = input.substr(0, dot);
  const absl::string_view fraction =
      dot == absl::string_view::npos ? absl::string_view() : input.substr(dot + 1);
  if (whole.empty() || (dot != absl::string_view::npos && fraction.empty())) {
    return invalid("is not an amount (use e.g. 199 or 199.00)");
  }
  if (static_cast<int>(fraction.size()) > digits) {
    return invalid(digits == 0 ? absl::StrCat("has decimals, but ", currency, " has no minor unit")
                               : absl::StrCat("has more than ", digits, " decimals"));
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t minor = 0;
  auto append_digit = [&](char c) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    if (minor > (kMax - (c - '0')) / 10) return false;
    minor = minor * 10 + (c - '0');
    return true;
  };
  for (char c : whole) {
    if (!append_digit(c)) return invalid("is not a non-negative amount (use e.g. 199.00)");
  }
  for (int i = 0; i < digits; ++i) {
    const char c = i < static_cast<int>(fraction.size()) ? fraction[i] : '0';
    if (!append_digit(c)) return invalid("is not a non-negative amount (use e.g. 199.00)");
  }
  return minor;
}

std::string HumanizeDuration(int64_t seconds) {
  if (seconds <= 0) return "0s";
  struct Unit {
    int64_t seconds;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (size_t i = 0; i < 4; ++i) {
    if (seconds < kUnits[i].seconds) continue;
    std::string text = absl::StrCat(seconds / kUnits[i].seconds, kUnits[i].suffix);
    if (i + 1 < 4) {
      const int64_t rest = (seconds % kUnits[i].seconds) / kUnits[i + 1].seconds;
      if (rest > 0) absl::StrAppend(&text, " ", rest, kUnits[i + 1].suffix);
    }
    return text;
  }
  return "0s";
}

}  // namespace dunbar::dunbarctl
