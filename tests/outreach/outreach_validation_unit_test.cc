// Policy and campaign normalization: defaults, ranges, and error messages naming the field.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "services/outreach/outreach_validation.h"

namespace dunbar::outreach {
namespace {

void ExpectInvalid(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), field + ": ")) << status.message();
}

TEST(NormalizePolicyTest, EmptyPolicyGetsEveryDefault) {
  v1::Policy policy;
  policy.set_tenant("acme");
  policy.set_is_default(true);
  ASSERT_TRUE(NormalizePolicy(policy).ok());
  EXPECT_EQ(policy.daily_quota(), 5);
  EXPECT_EQ(policy.cooldown_days(), 14);
  EXPECT_EQ(policy.timezone(), "UTC");
  EXPECT_EQ(policy.follow_up_days(), 3);
  EXPECT_EQ(policy.auto_campaign_pace(), 2);
  ASSERT_EQ(policy.active_weekdays_size(), 5);
  EXPECT_EQ(policy.active_weekdays(0), v1::MONDAY);
  EXPECT_EQ(policy.active_weekdays(4), v1::FRIDAY);
  EXPECT_EQ(policy.tenant(), "");
  EXPECT_FALSE(policy.is_default());
}

TEST(NormalizePolicyTest, DefaultPolicyIsMarked) {
  const v1::Policy policy = DefaultPolicy();
  EXPECT_TRUE(policy.is_default());
  EXPECT_EQ(policy.daily_quota(), 5);
  EXPECT_EQ(policy.timezone(), "UTC");
}

TEST(NormalizePolicyTest, WeekdaysSortedAndUnique) {
  v1::Policy policy;
  for (v1::Weekday day : {v1::SUNDAY, v1::TUESDAY, v1::SUNDAY, v1::MONDAY}) {
    policy.add_active_weekdays(day);
  }
  ASSERT_TRUE(NormalizePolicy(policy).ok());
  ASSERT_EQ(policy.active_weekdays_size(), 3);
  EXPECT_EQ(policy.active_weekdays(0), v1::MONDAY);
  EXPECT_EQ(policy.active_weekdays(1), v1::TUESDAY);
  EXPECT_EQ(policy.active_weekdays(2), v1::SUNDAY);
}

TEST(NormalizePolicyTest, RangesNameTheirField) {
  struct Case {
    std::string field;
    void (*set)(v1::Policy&);
  };
  const Case cases[] = {
      {"policy.daily_quota", [](v1::Policy& p) { p.set_daily_quota(51); }},
      {"policy.daily_quota", [](v1::Policy& p) { p.set_daily_quota(-1); }},
      {"policy.cooldown_days", [](v1::Policy& p) { p.set_cooldown_days(366); }},
      {"policy.follow_up_days", [](v1::Policy& p) { p.set_follow_up_days(61); }},
      {"policy.auto_campaign_pace", [](v1::Policy& p) { p.set_auto_campaign_pace(51); }},
      {"policy.timezone", [](v1::Policy& p) { p.set_timezone("Nowhere/Special"); }},
      {"policy.target_program_id", [](v1::Policy& p) { p.set_target_program_id("a b"); }},
      {"policy.active_weekdays",
       [](v1::Policy& p) { p.add_active_weekdays(static_cast<v1::Weekday>(8)); }},
      {"policy.active_weekdays",
       [](v1::Policy& p) { p.add_active_weekdays(v1::WEEKDAY_UNSPECIFIED); }},
  };
  for (const Case& c : cases) {
    v1::Policy policy;
    c.set(policy);
    ExpectInvalid(NormalizePolicy(policy), c.field);
  }
  v1::Policy edges;
  edges.set_daily_quota(50);
  edges.set_cooldown_days(365);
  edges.set_follow_up_days(60);
  edges.set_auto_campaign_pace(1);
  edges.set_timezone("Asia/Shanghai");
  ASSERT_TRUE(NormalizePolicy(edges).ok());
  EXPECT_EQ(edges.daily_quota(), 50);
  EXPECT_EQ(edges.cooldown_days(), 365);
  EXPECT_EQ(edges.timezone(), "Asia/Shanghai");
}

v1::Campaign ValidCampaign() {
  v1::Campaign campaign;
  campaign.set_name("Deep Work 3 invitations");
  campaign.set_target_program_id("prog1");
  return campaign;
}

TEST(NormalizeNewCampaignTest, DefaultsAndNormalizedSegment) {
  v1::Campaign campaign = ValidCampaign();
  campaign.set_id("ignored");
  campaign.set_paused(true);
  campaign.mutable_segment()->add_tags(" VIP ");
  campaign.mutable_segment()->add_tags("alumni");
  campaign.mutable_segment()->add_tags("vip");
  campaign.mutable_segment()->add_stages("LEAD");
  campaign.mutable_segment()->add_stages("ALUMNI");
  ASSERT_TRUE(NormalizeNewCampaign(campaign, absl::CivilDay(2026, 11, 25)).ok());
  EXPECT_EQ(campaign.daily_pace(), 2);
  EXPECT_EQ(campaign.start_date(), "2026-11-25");
  EXPECT_EQ(campaign.end_date(), "");
  EXPECT_EQ(campaign.id(), "");
  EXPECT_FALSE(campaign.paused());
  ASSERT_EQ(campaign.segment().tags_size(), 2);
  EXPECT_EQ(campaign.segment().tags(0), "alumni");
  EXPECT_EQ(campaign.segment().tags(1), "vip");
  ASSERT_EQ(campaign.segment().stages_size(), 2);
  EXPECT_EQ(campaign.segment().stages(0), "ALUMNI");
  EXPECT_EQ(campaign.segment().stages(1), "LEAD");
}

TEST(NormalizeNewCampaignTest, EachFieldNamed) {
  const absl::CivilDay today(2026, 11, 25);
  struct Case {
    std::string field;
    void (*set)(v1::Campaign&);
  };
  const Case cases[] = {
      {"campaign.name", [](v1::Campaign& c) { c.set_name("  "); }},
      {"campaign.name", [](v1::Campaign& c) { c.set_name(std::string(201, 'x')); }},
      {"campaign.target_program_id", [](v1::Campaign& c) { c.clear_target_program_id(); }},
      {"campaign.target_cohort_id", [](v1::Campaign& c) { c.set_target_cohort_id("other.3"); }},
      {"campaign.daily_pace", [](v1::Campaign& c) { c.set_daily_pace(51); }},
      {"campaign.start_date", [](v1::Campaign& c) { c.set_start_date("2026-02-30"); }},
      {"campaign.end_date", [](v1::Campaign& c) { c.set_end_date("2026-11-24"); }},
      {"campaign.segment.tags[0]", [](v1::Campaign& c) { c.mutable_segment()->add_tags("a,b"); }},
      {"campaign.segment.stages[0]",
       [](v1::Campaign& c) { c.mutable_segment()->add_stages("PROSPECT"); }},
  };
  for (const Case& c : cases) {
    v1::Campaign campaign = ValidCampaign();
    c.set(campaign);
    ExpectInvalid(NormalizeNewCampaign(campaign, today), c.field);
  }
  v1::Campaign batch = ValidCampaign();
  batch.set_target_cohort_id("prog1.3");
  batch.set_name(std::string(200, 'x'));
  EXPECT_TRUE(NormalizeNewCampaign(batch, today).ok());
}

TEST(CampaignStateOnTest, DerivedFromPausedAndDates) {
  v1::Campaign campaign = ValidCampaign();
  campaign.set_start_date("2026-12-01");
  campaign.set_end_date("2026-12-10");
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2026, 11, 30)), v1::SCHEDULED);
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2026, 12, 1)), v1::ACTIVE);
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2026, 12, 10)), v1::ACTIVE);
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2026, 12, 11)), v1::ENDED);
  campaign.set_paused(true);
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2026, 12, 5)), v1::PAUSED);
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2026, 12, 11)), v1::ENDED);
  campaign.set_paused(false);
  campaign.clear_end_date();
  EXPECT_EQ(CampaignStateOn(campaign, absl::CivilDay(2030, 1, 1)), v1::ACTIVE);
}

TEST(TaskFieldsTest, OutcomeNoteAndStatus) {
  ExpectInvalid(ValidateOutcome(v1::OUTCOME_UNSPECIFIED), "outcome");
  ExpectInvalid(ValidateOutcome(static_cast<v1::Outcome>(42)), "outcome");
  EXPECT_TRUE(ValidateOutcome(v1::OPTED_OUT).ok());
  EXPECT_TRUE(ValidateNote(std::string(1000, 'x')).ok());
  ExpectInvalid(ValidateNote(std::string(1001, 'x')), "note");
  ExpectInvalid(ValidateNote("\xff"), "note");
  ExpectInvalid(ValidateTaskStatus(static_cast<v1::TaskStatus>(9)), "status");
  EXPECT_TRUE(ValidateTaskStatus(v1::TASK_STATUS_UNSPECIFIED).ok());
}

}  // namespace
}  // namespace dunbar::outreach
