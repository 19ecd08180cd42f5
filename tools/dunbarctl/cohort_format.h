// Conversions between what an operator types or reads and the fields of the cohort API: the
// rollover policy ("auto" <-> AUTO_OPEN_NEXT), cohort states, prices in major units ("199.00" CNY
// <-> 19900 fen) and durations ("3h 20m").
//
//   absl::StatusOr<cohort::v1::RolloverPolicy> p = ParseRolloverPolicy("--rollover", "waitlist");
//   absl::StatusOr<int64_t> fen = ParseMajorAmount("--price", "199.00", "CNY");   // 19900
//   HumanizeDuration(12000);                                                     // "3h 20m"
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dunbar/cohort/v1/cohort.pb.h"

namespace dunbar::dunbarctl {

// Case-insensitive: "auto" (also "auto-open-next", "AUTO_OPEN_NEXT") or "waitlist".
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<cohort::v1::RolloverPolicy> ParseRolloverPolicy(absl::string_view field,
                                                               absl::string_view text);
// "auto", "waitlist"; "" for UNSPECIFIED.
std::string RolloverLabel(cohort::v1::RolloverPolicy policy);
// "open", "full", "running", "closed"; "" for UNSPECIFIED.
std::string CohortStateLabel(cohort::v1::CohortState state);

// A non-negative amount in major units ("199", "199.5", "199.00") as minor units of `currency`
// (2 decimals, 0 for zero-decimal currencies such as JPY). INVALID_ARGUMENT naming `field` for
// signs, more decimals than the currency has, other characters, or overflow.
absl::StatusOr<int64_t> ParseMajorAmount(absl::string_view field, absl::string_view text,
                                         absl::string_view currency);

// The two largest units: "45s", "12m 30s", "3h 20m", "2d 5h" (exact units drop their zero part:
// "3h", "2d"). Negative durations show as "0s".
std::string HumanizeDuration(int64_t seconds);

}  // namespace dunbar::dunbarctl
