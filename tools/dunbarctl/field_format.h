// Conversions between what an operator types or reads and the proto fields of the membership API:
// enum names ("lead" <-> STAGE_LEAD), times ("2024-03-01", RFC 3339) and money (minor units).
//
//   absl::StatusOr<v1::Stage> stage = ParseStage("Lead");        // STAGE_LEAD
//   std::string label = StageLabel(v1::STAGE_LEAD);              // "lead"
//   absl::StatusOr<absl::Time> t = ParseTimeArg("connection_at", "2024-03-01",
//   absl::UTCTimeZone()); FormatMinorAmount(19900, "CNY");                              // "199.00
//   CNY"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace dunbar::dunbarctl {

namespace v1 = ::dunbar::membership::v1;

// Case-insensitive; accepts the short label ("lead") or the proto name ("STAGE_LEAD").
// INVALID_ARGUMENT naming `field` and listing the accepted labels otherwise.
absl::StatusOr<v1::Stage> ParseStage(absl::string_view field, absl::string_view text);
absl::StatusOr<v1::InteractionKind> ParseInteractionKind(absl::string_view field,
                                                         absl::string_view text);
absl::StatusOr<v1::Channel> ParseChannel(absl::string_view field, absl::string_view text);
absl::StatusOr<v1::HandleKind> ParseHandleKind(absl::string_view field, absl::string_view text);

// Lower-case labels without the enum prefix; "" for the UNSPECIFIED value.
std::string StageLabel(v1::Stage stage);
std::string InteractionKindLabel(v1::InteractionKind kind);
std::string ChannelLabel(v1::Channel channel);

// RFC 3339 ("2024-03-01T09:30:00+08:00"), or a local date/time in `zone`: "2024-03-01",
// "2024/03/01", "2024-03-01 09:30", "2024-03-01 09:30:00", "2024-03-01T09:30:00".
absl::StatusOr<absl::Time> ParseTimeArg(absl::string_view field, absl::string_view text,
                                        absl::TimeZone zone);

google::protobuf::Timestamp ToTimestamp(absl::Time time);
// "2024-03-01 09:30" in `zone`; "" for an unset (zero) timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp, absl::TimeZone zone);

// Digits of the currency's minor unit: 0 for zero-decimal currencies (JPY, KRW...), else 2.
int CurrencyMinorDigits(absl::string_view currency);

// Minor units shown in major units: 2 decimals, 0 for zero-decimal currencies such as JPY, KRW.
std::string FormatMinorAmount(int64_t amount_minor, absl::string_view currency);

// Tags as operators write them: separated by ';', '|', ',' or their fullwidth forms (；｜，),
// trimmed, empty pieces dropped. (Tags may not contain these characters.)
std::vector<std::string> SplitTags(absl::string_view text);

}  // namespace dunbar::dunbarctl
