// Conversions between what an operator types or reads and the fields of the outreach API:
// outcomes ("no-response" <-> NO_RESPONSE), weekday lists ("mon,tue" <-> MONDAY, TUESDAY), task
// statuses, local dates ("2024-03-05"), and the short labels the outreach tables print.
//
//   absl::StatusOr<outreach::v1::Outcome> o = ParseOutcome("OUTCOME", "Opted-Out");  // OPTED_OUT
//   absl::StatusOr<std::vector<outreach::v1::Weekday>> w = ParseWeekdays("--weekdays", "mon,fri");
//   absl::Status ok = CheckDateArg("--date", "2024-03-05");
//   WeekdaysLabel({MONDAY, TUESDAY});                   // "mon tue"
//   DaysSinceContactLabel(-1);                          // "never contacted"
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dunbar/outreach/v1/outreach.pb.h"
#include "google/protobuf/repeated_field.h"

namespace dunbar::dunbarctl {

// Case-insensitive, '-' and '_' alike: replied, interested, enrolled, declined, no-response,
// opted-out. INVALID_ARGUMENT naming `field` and listing them otherwise.
absl::StatusOr<outreach::v1::Outcome> ParseOutcome(absl::string_view field, absl::string_view text);
// "replied", "no-response", ...; "" for UNSPECIFIED.
std::string OutcomeLabel(outreach::v1::Outcome outcome);

// Comma- or space-separated, case-insensitive: "mon".."sun" or full names ("monday"), plus the
// shorthands "all" (every day) and "weekdays" (mon..fri). Sorted and unique, Monday first.
absl::StatusOr<std::vector<outreach::v1::Weekday>> ParseWeekdays(absl::string_view field,
                                                                 absl::string_view text);
// "mon tue wed"; "every day" for all seven; "" for none.
std::string WeekdaysLabel(const google::protobuf::RepeatedField<int>& weekdays);
// "Monday"; "" for UNSPECIFIED.
std::string WeekdayName(outreach::v1::Weekday weekday);

// open, done, cancelled (case-insensitive).
absl::StatusOr<outreach::v1::TaskStatus> ParseTaskStatus(absl::string_view field,
                                                         absl::string_view text);
// "open", "done", "cancelled", "warm", "campaign", "follow-up", "active", "paused", ...
std::string TaskStatusLabel(outreach::v1::TaskStatus status);
std::string TaskKindLabel(outreach::v1::TaskKind kind);
std::string CampaignStateLabel(outreach::v1::CampaignState state);

// A calendar date written "YYYY-MM-DD" (a real date: 2024-02-30 is refused). INVALID_ARGUMENT
// naming `field` otherwise. The empty text is accepted (the server's default).
absl::Status CheckDateArg(absl::string_view field, absl::string_view text);

// -1 -> "never contacted", 0 -> "contacted today", 1 -> "last contact 1 day ago", n -> "... n days
// ago".
std::string DaysSinceContactLabel(int days);

// The handle to reach the contact on: WeChat, then phone, then email ("WeChat wang_xm",
// "phone +8613800138000", "email a@b.c"); "" when the card has none.
std::string PreferredHandle(const outreach::v1::ContactCard& contact);

// A rate in 0..1 as a whole percentage: 0.6667 -> "67%".
std::string PercentLabel(double rate);

}  // namespace dunbar::dunbarctl
