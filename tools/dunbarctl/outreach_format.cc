#include "tools/dunbarctl/outreach_format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace dunbar::dunbarctl {

namespace outreach_api = ::dunbar::outreach::v1;

namespace {

// "No_Response" -> "no-response": the one spelling the parsers compare against.
std::string Canonical(absl::string_view text) {
  return absl::StrReplaceAll(absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)), {{"_", "-"}});
}

// An enum value's proto name as a label: "NO_RESPONSE" -> "no-response".
std::string EnumLabel(const std::string& proto_name) { return Canonical(proto_name); }

struct OutcomeName {
  const char* label;
  outreach_api::Outcome outcome;
};
constexpr OutcomeName kOutcomes[] = {
    {"replied", outreach_api::REPLIED},         {"interested", outreach_api::INTERESTED},
    {"enrolled", outreach_api::ENROLLED},       {"declined", outreach_api::DECLINED},
    {"no-response", outreach_api::NO_RESPONSE}, {"opted-out", outreach_api::OPTED_OUT},
};

constexpr const char* kWeekdayShort[] = {"", "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kWeekdayLong[] = {"",         "monday", "tuesday",  "wednesday",
                                        "thursday", "friday", "saturday", "sunday"};

}  // namespace

absl::StatusOr<outreach_api::Outcome> ParseOutcome(absl::string_view field,
                                                   absl::string_view text) {
  const std::string wanted = Canonical(text);
  for (const OutcomeName& name : kOutcomes) {
    if (wanted == name.label) return name.outcome;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", text,
                   "' is not one of replied, interested, enrolled, declined, no-response, "
                   "opted-out"));
}

std::string OutcomeLabel(outreach_api::Outcome outcome) {
  for (const OutcomeName& name : kOutcomes) {
    if (outcome == name.outcome) return name.label;
  }
  return outcome == outreach_api::OUTCOME_UNSPECIFIED ? "" : absl::StrCat(outcome);
}

absl::StatusOr<std::vector<outreach_api::Weekday>> ParseWeekdays(absl::string_view field,
                                                                 absl::string_view text) {
  std::vector<outreach_api::Weekday> days;
  auto add_range = [&days](int first, int last) {
    for (int day = first; day <= last; ++day) days.push_back(outreach_api::Weekday(day));
  };
  for (absl::string_view piece : absl::StrSplit(text, absl::ByAnyChar(", "), absl::SkipEmpty())) {
    const std::string word = Canonical(piece);
    if (word == "all") {
      add_range(outreach_api::MONDAY, outreach_api::SUNDAY);
      continue;
    }
    if (word == "weekdays") {
      add_range(outreach_api::MONDAY, outreach_api::FRIDAY);
      continue;
    }
    bool known = false;
    for (int day = outreach_api::MONDAY; day <= outreach_api::SUNDAY; ++day) {
      if (word == kWeekdayShort[day] || word == kWeekdayLong[day]) {
        days.push_back(outreach_api::Weekday(day));
        known = true;
      }
    }
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", piece,
                       "' is not a weekday (use mon,tue,wed,thu,fri,sat,sun, all or weekdays)"));
    }
  }
  if (days.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": name at least one weekday"));
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

std::string WeekdaysLabel(const google::protobuf::RepeatedField<int>& weekdays) {
  if (weekdays.size() == 7) return "every day";
  std::vector<std::string> names;
  for (int day : weekdays) {
    names.push_back(day >= outreach_api::MONDAY && day <= outreach_api::SUNDAY ? kWeekdayShort[day]
                                                                               : absl::StrCat(day));
  }
  return absl::StrJoin(names, " ");
}

std::string WeekdayName(outreach_api::Weekday weekday) {
  if (weekday < outreach_api::MONDAY || weekday > outreach_api::SUNDAY) return "";
  std::string name = kWeekdayLong[weekday];
  name[0] = absl::ascii_toupper(name[0]);
  return name;
}

absl::StatusOr<outreach_api::TaskStatus> ParseTaskStatus(absl::string_view field,
                                                         absl::string_view text) {
  const std::string wanted = Canonical(text);
  if (wanted == "open") return outreach_api::OPEN;
  if (wanted == "done") return outreach_api::DONE;
  if (wanted == "cancelled" || wanted == "canceled") return outreach_api::CANCELLED;
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", text, "' is not one of open, done, cancelled"));
}

std::string TaskStatusLabel(outreach_api::TaskStatus status) {
  if (status == outreach_api::TASK_STATUS_UNSPECIFIED) return "";
  return EnumLabel(outreach_api::TaskStatus_Name(status));
}

std::string TaskKindLabel(outreach_api::TaskKind kind) {
  switch (kind) {
    case outreach_api::WARM_CONTACT:
      return "warm";
    case outreach_api::CAMPAIGN:
      return "campaign";
    case outreach_api::FOLLOW_UP:
      return "follow-up";
    default:
      return kind == outreach_api::TASK_KIND_UNSPECIFIED ? "" : absl::StrCat(kind);
  }
}

std::string CampaignStateLabel(outreach_api::CampaignState state) {
  if (state == outreach_api::CAMPAIGN_STATE_UNSPECIFIED) return "";
  return EnumLabel(outreach_api::CampaignState_Name(state));
}

absl::Status CheckDateArg(absl::string_view field, absl::string_view text) {
  if (text.empty()) return absl::OkStatus();
  absl::Time parsed;
  std::string error;
  // ParseTime normalizes 2024-02-30 to March 1st: a date that does not print back was not real.
  if (text.size() != 10 ||
      !absl::ParseTime("%Y-%m-%d", std::string(text), absl::UTCTimeZone(), &parsed, &error) ||
      absl::FormatTime("%Y-%m-%d", parsed, absl::UTCTimeZone()) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text, "' is not a date (use YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

std::string DaysSinceContactLabel(int days) {
  if (days < 0) return "never contacted";
  if (days == 0) return "contacted today";
  return absl::StrCat("last contact ", days, days == 1 ? " day ago" : " days ago");
}

std::string PreferredHandle(const outreach_api::ContactCard& contact) {
  if (!contact.wechat_id().empty()) return absl::StrCat("WeChat ", contact.wechat_id());
  if (!contact.phone().empty()) return absl::StrCat("phone ", contact.phone());
  if (!contact.email().empty()) return absl::StrCat("email ", contact.email());
  return "";
}

std::string PercentLabel(double rate) {
  if (!(rate > 0)) return "0%";
  return absl::StrCat(static_cast<int64_t>(std::llround(rate * 100)), "%");
}

}  // namespace dunbar::dunbarctl
