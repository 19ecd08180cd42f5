// Request validation for the outreach service: the rules the domain applies before the store or
// another service sees a request. Every error is INVALID_ARGUMENT naming the field
// ("policy.daily_quota: must be between 1 and 50").
//
//   v1::Policy policy = request.policy();
//   DUNBAR_RETURN_IF_ERROR(NormalizePolicy(policy));   // defaults applied, weekdays sorted
//   v1::Campaign campaign = request.campaign();
//   DUNBAR_RETURN_IF_ERROR(NormalizeNewCampaign(campaign, today));
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::outreach {

namespace v1 = ::dunbar::outreach::v1;

inline constexpr int kDefaultDailyQuota = 5;
inline constexpr int kMaxDailyQuota = 50;
inline constexpr int kDefaultCooldownDays = 14;
inline constexpr int kMaxCooldownDays = 365;
inline constexpr std::string_view kDefaultTimezone = "UTC";
inline constexpr int kDefaultFollowUpDays = 3;
inline constexpr int kMaxFollowUpDays = 60;
inline constexpr int kDefaultCampaignPace = 2;
inline constexpr int kMaxCampaignPace = 50;
inline constexpr size_t kMaxTaskNoteLength = 1000;
inline constexpr int kMaxPlanDaysAhead = 30;
inline constexpr int kDefaultFunnelDays = 30;
inline constexpr int kMaxFunnelDays = 366;

// The policy of a tenant that never set one (is_default set, tenant left empty).
v1::Policy DefaultPolicy();

// SetPolicy: every field checked, defaults applied (see the proto), weekdays sorted and unique,
// target_program_id well-formed when set; tenant, updated_at and is_default cleared.
absl::Status NormalizePolicy(v1::Policy& policy);

// CreateCampaign: name (required, <= 200 bytes UTF-8), target_program_id (required),
// target_cohort_id (optional, a batch of that programme), segment tags (normalized, sorted,
// unique) and stages (CONTACT, LEAD, MEMBER, ALUMNI; sorted, unique), daily_pace 0 -> 2 (1..50),
// start_date "" -> `today`, end_date not before start_date. Output-only fields cleared.
absl::Status NormalizeNewCampaign(v1::Campaign& campaign, absl::CivilDay today);

// The campaign's state on `today` from its paused flag and dates.
v1::CampaignState CampaignStateOn(const v1::Campaign& campaign, absl::CivilDay today);

// REPLIED .. OPTED_OUT; UNSPECIFIED and unknown numbers are INVALID_ARGUMENT "outcome".
absl::Status ValidateOutcome(v1::Outcome outcome);
// Optional, <= 1000 bytes of UTF-8.
absl::Status ValidateNote(std::string_view note);
// Status filters of ListTasks: any defined TaskStatus.
absl::Status ValidateTaskStatus(v1::TaskStatus status);

// The member stage names a segment may hold.
bool IsStageName(std::string_view stage);

}  // namespace dunbar::outreach
