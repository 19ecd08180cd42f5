#include "services/outreach/outreach_validation.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"
#include "services/outreach/local_dates.h"

namespace dunbar::outreach {
namespace {

absl::Status OutOfRange(absl::string_view field, int max) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be between 1 and ", max, " (0 for the default)"));
}

// 0 -> `fallback`; 1..max kept; anything else INVALID_ARGUMENT naming `field`.
absl::StatusOr<int> DefaultedRange(absl::string_view field, int value, int fallback, int max) {
  if (value == 0) return fallback;
  if (value < 1 || value > max) return OutOfRange(field, max);
  return value;
}

absl::Status NormalizeWeekdays(v1::Policy& policy) {
  std::set<int> days;
  for (int day : policy.active_weekdays()) {
    if (day < v1::MONDAY || day > v1::SUNDAY) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy.active_weekdays: ", day, " is not a weekday (MONDAY..SUNDAY)"));
    }
    days.insert(day);
  }
  if (days.empty()) days = {v1::MONDAY, v1::TUESDAY, v1::WEDNESDAY, v1::THURSDAY, v1::FRIDAY};
  policy.clear_active_weekdays();
  for (int day : days) policy.add_active_weekdays(static_cast<v1::Weekday>(day));
  return absl::OkStatus();
}

absl::Status NormalizeSegment(v1::Segment& segment) {
  std::set<std::string> tags;
  for (int i = 0; i < segment.tags_size(); ++i) {
    DUNBAR_ASSIGN_OR_RETURN(
        std::string tag,
        validation::NormalizeTag(absl::StrCat("campaign.segment.tags[", i, "]"), segment.tags(i)));
    tags.insert(std::move(tag));
  }
  if (tags.size() > validation::kMaxTags) {
    return absl::InvalidArgumentError(
        absl::StrCat("campaign.segment.tags: at most ", validation::kMaxTags, " tags"));
  }
  std::set<std::string> stages;
  for (int i = 0; i < segment.stages_size(); ++i) {
    if (!IsStageName(segment.stages(i))) {
      return absl::InvalidArgumentError(absl::StrCat("campaign.segment.stages[", i, "]: \"",
                                                     segment.stages(i),
                                                     "\" is not CONTACT, LEAD, MEMBER or ALUMNI"));
    }
    stages.insert(segment.stages(i));
  }
  segment.clear_tags();
  for (const std::string& tag : tags) segment.add_tags(tag);
  segment.clear_stages();
  for (const std::string& stage : stages) segment.add_stages(stage);
  return absl::OkStatus();
}

}  // namespace

v1::Policy DefaultPolicy() {
  v1::Policy policy;
  NormalizePolicy(policy).IgnoreError();  // the defaults are valid by construction
  policy.set_is_default(true);
  return policy;
}

absl::Status NormalizePolicy(v1::Policy& policy) {
  DUNBAR_ASSIGN_OR_RETURN(int quota, DefaultedRange("policy.daily_quota", policy.daily_quota(),
                                                    kDefaultDailyQuota, kMaxDailyQuota));
  DUNBAR_ASSIGN_OR_RETURN(int cooldown,
                          DefaultedRange("policy.cooldown_days", policy.cooldown_days(),
                                         kDefaultCooldownDays, kMaxCooldownDays));
  DUNBAR_ASSIGN_OR_RETURN(int follow_up,
                          DefaultedRange("policy.follow_up_days", policy.follow_up_days(),
                                         kDefaultFollowUpDays, kMaxFollowUpDays));
  DUNBAR_ASSIGN_OR_RETURN(int pace,
                          DefaultedRange("policy.auto_campaign_pace", policy.auto_campaign_pace(),
                                         kDefaultCampaignPace, kMaxCampaignPace));
  DUNBAR_RETURN_IF_ERROR(NormalizeWeekdays(policy));
  if (policy.timezone().empty()) policy.set_timezone(std::string(kDefaultTimezone));
  DUNBAR_RETURN_IF_ERROR(LoadZone("policy.timezone", policy.timezone()).status());
  if (!policy.target_program_id().empty()) {
    DUNBAR_RETURN_IF_ERROR(
        validation::ValidateId("policy.target_program_id", policy.target_program_id()));
  }
  policy.set_daily_quota(quota);
  policy.set_cooldown_days(cooldown);
  policy.set_follow_up_days(follow_up);
  policy.set_auto_campaign_pace(pace);
  policy.clear_tenant();
  policy.clear_updated_at();
  policy.clear_is_default();
  return absl::OkStatus();
}

absl::Status NormalizeNewCampaign(v1::Campaign& campaign, absl::CivilDay today) {
  DUNBAR_RETURN_IF_ERROR(
      validation::ValidateText("campaign.name", campaign.name(), validation::kMaxNameLength, true));
  DUNBAR_RETURN_IF_ERROR(
      validation::ValidateId("campaign.target_program_id", campaign.target_program_id()));
  if (!campaign.target_cohort_id().empty()) {
    DUNBAR_RETURN_IF_ERROR(
        validation::ValidateId("campaign.target_cohort_id", campaign.target_cohort_id()));
    // Cohort ids are "<program id>.<number>": the batch must belong to the target programme.
    if (!absl::StartsWith(campaign.target_cohort_id(), campaign.target_program_id() + ".")) {
      return absl::InvalidArgumentError(
          "campaign.target_cohort_id: must be a cohort of campaign.target_program_id");
    }
  }
  DUNBAR_RETURN_IF_ERROR(NormalizeSegment(*campaign.mutable_segment()));
  DUNBAR_ASSIGN_OR_RETURN(int pace, DefaultedRange("campaign.daily_pace", campaign.daily_pace(),
                                                   kDefaultCampaignPace, kMaxCampaignPace));
  campaign.set_daily_pace(pace);
  absl::CivilDay start = today;
  if (!campaign.start_date().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(start, ParseDate("campaign.start_date", campaign.start_date()));
  }
  campaign.set_start_date(FormatDate(start));
  if (!campaign.end_date().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(absl::CivilDay end,
                            ParseDate("campaign.end_date", campaign.end_date()));
    if (end < start) {
      return absl::InvalidArgumentError("campaign.end_date: before campaign.start_date");
    }
  }
  campaign.clear_id();
  campaign.clear_tenant();
  campaign.clear_state();
  campaign.clear_origin();
  campaign.clear_created_at();
  campaign.clear_paused();
  campaign.clear_tasks_planned();
  return absl::OkStatus();
}

v1::CampaignState CampaignStateOn(const v1::Campaign& campaign, absl::CivilDay today) {
  // Stored dates were validated on create; a date that does not parse counts as open-ended.
  const absl::StatusOr<absl::CivilDay> end = ParseDate("end_date", campaign.end_date());
  if (end.ok() && today > *end) return v1::ENDED;
  if (campaign.paused()) return v1::PAUSED;
  const absl::StatusOr<absl::CivilDay> start = ParseDate("start_date", campaign.start_date());
  if (start.ok() && today < *start) return v1::SCHEDULED;
  return v1::ACTIVE;
}

absl::Status ValidateOutcome(v1::Outcome outcome) {
  if (outcome == v1::OUTCOME_UNSPECIFIED || !v1::Outcome_IsValid(outcome)) {
    return absl::InvalidArgumentError(
        "outcome: one of REPLIED, INTERESTED, ENROLLED, DECLINED, NO_RESPONSE, OPTED_OUT");
  }
  return absl::OkStatus();
}

absl::Status ValidateNote(std::string_view note) {
  return validation::ValidateText("note", note, kMaxTaskNoteLength, false);
}

absl::Status ValidateTaskStatus(v1::TaskStatus status) {
  if (!v1::TaskStatus_IsValid(status)) {
    return absl::InvalidArgumentError("status: one of OPEN, DONE, CANCELLED (or unset)");
  }
  return absl::OkStatus();
}

bool IsStageName(std::string_view stage) {
  return stage == "CONTACT" || stage == "LEAD" || stage == "MEMBER" || stage == "ALUMNI";
}

}  // namespace dunbar::outreach
