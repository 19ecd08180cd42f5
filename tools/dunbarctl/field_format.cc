#include "tools/dunbarctl/field_format.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"

namespace dunbar::dunbarctl {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// The label of an enum value: its name without `prefix`, lower-cased.
std::string Label(const EnumValueDescriptor* value, absl::string_view prefix) {
  absl::string_view name = value->name();
  absl::ConsumePrefix(&name, prefix);
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<int> ParseEnum(const EnumDescriptor* descriptor, absl::string_view prefix,
                              absl::string_view field, absl::string_view text) {
  const std::string wanted = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  std::vector<std::string> labels;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const EnumValueDescriptor* value = descriptor->value(i);
    if (value->number() == 0) continue;  // UNSPECIFIED is never a choice
    const std::string label = Label(value, prefix);
    if (wanted == label || wanted == absl::AsciiStrToLower(value->name())) return value->number();
    labels.push_back(label);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", text, "' is not one of ", absl::StrJoin(labels, ", ")));
}

std::string LabelOf(const EnumDescriptor* descriptor, absl::string_view prefix, int number) {
  if (number == 0) return "";
  const EnumValueDescriptor* value = descriptor->FindValueByNumber(number);
  return value == nullptr ? absl::StrCat(number) : Label(value, prefix);
}

}  // namespace

absl::StatusOr<v1::Stage> ParseStage(absl::string_view field, absl::string_view text) {
  absl::StatusOr<int> value = ParseEnum(v1::Stage_descriptor(), "STAGE_", field, text);
  if (!value.ok()) return value.status();
  return static_cast<v1::Stage>(*value);
}

absl::StatusOr<v1::InteractionKind> ParseInteractionKind(absl::string_view field,
                                                         absl::string_view text) {
  absl::StatusOr<int> value = ParseEnum(v1::InteractionKind_descriptor(), "", field, text);
  if (!value.ok()) return value.status();
  return static_cast<v1::InteractionKind>(*value);
}

absl::StatusOr<v1::Channel> ParseChannel(absl::string_view field, absl::string_view text) {
  absl::StatusOr<int> value = ParseEnum(v1::Channel_descriptor(), "CHANNEL_", field, text);
  if (!value.ok()) return value.status();
  return static_cast<v1::Channel>(*value);
}

absl::StatusOr<v1::HandleKind> ParseHandleKind(absl::string_view field, absl::string_view text) {
  absl::StatusOr<int> value = ParseEnum(v1::HandleKind_descriptor(), "HANDLE_", field, text);
  if (!value.ok()) return value.status();
  return static_cast<v1::HandleKind>(*value);
}

std::string StageLabel(v1::Stage stage) { return LabelOf(v1::Stage_descriptor(), "STAGE_", stage); }

std::string InteractionKindLabel(v1::InteractionKind kind) {
  return LabelOf(v1::InteractionKind_descriptor(), "", kind);
}

std::string ChannelLabel(v1::Channel channel) {
  return LabelOf(v1::Channel_descriptor(), "CHANNEL_", channel);
}

absl::StatusOr<absl::Time> ParseTimeArg(absl::string_view field, absl::string_view text,
                                        absl::TimeZone zone) {
  const std::string input(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, input, &time, &error)) return time;
  const std::string dashed = absl::StrReplaceAll(input, {{"/", "-"}});
  for (const char* format :
       {"%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"}) {
    if (absl::ParseTime(format, dashed, zone, &time, &error)) return time;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": '", text, "' is not a date (use 2024-03-01, 2024-03-01 09:30 or RFC 3339)"));
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const int64_t nanos = absl::ToUnixNanos(time);
  int64_t seconds = nanos / 1000000000;
  int64_t remainder = nanos % 1000000000;
  if (remainder < 0) {  // Timestamp wants non-negative nanos
    remainder += 1000000000;
    --seconds;
  }
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(remainder));
  return timestamp;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp, absl::TimeZone zone) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  const absl::Time time =
      absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%d %H:%M", time, zone);
}

int CurrencyMinorDigits(absl::string_view currency) {
  static constexpr absl::string_view kZeroDecimal[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                                       "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
                                                       "VUV", "XAF", "XOF", "XPF"};
  const std::string upper = absl::AsciiStrToUpper(currency);
  for (absl::string_view code : kZeroDecimal) {
    if (upper == code) return 0;
  }
  return 2;
}

std::string FormatMinorAmount(int64_t amount_minor, absl::string_view currency) {
  const std::string upper = absl::AsciiStrToUpper(currency);
  if (CurrencyMinorDigits(upper) == 0) return absl::StrCat(amount_minor, " ", upper);
  const char* sign = amount_minor < 0 ? "-" : "";
  const uint64_t magnitude = amount_minor < 0 ? 0 - static_cast<uint64_t>(amount_minor)
                                              : static_cast<uint64_t>(amount_minor);
  const uint64_t cents = magnitude % 100;
  return absl::StrCat(sign, magnitude / 100, ".", cents < 10 ? "0" : "", cents,
                      upper.empty() ? "" : " ", upper);
}

std::vector<std::string> SplitTags(absl::string_view text) {
  // Fullwidth separators first become ASCII ones, so one split handles both.
  const std::string ascii = absl::StrReplaceAll(text, {{"；", ";"}, {"｜", "|"}, {"，", ","}});
  std::vector<std::string> tags;
  for (absl::string_view piece : absl::StrSplit(ascii, absl::ByAnyChar(";|,"))) {
    piece = absl::StripAsciiWhitespace(piece);
    if (!piece.empty()) tags.emplace_back(piece);
  }
  return tags;
}

}  // namespace dunbar::dunbarctl
