// Plan selection without I/O: quota, cooldown relative to the plan's date, exclusions, campaign
// pace and segments, reasons, shortfall.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/api/timestamps.h"
#include "services/outreach/pick_reason.h"
#include "services/outreach/plan_builder.h"

namespace dunbar::outreach {
namespace {

using Page = google::protobuf::RepeatedPtrField<mv1::RankedContact>;

const absl::TimeZone kShanghai = [] {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}();

// Plan date 2026-12-01 in Shanghai.
const absl::CivilDay kPlanDay(2026, 12, 1);

struct ContactSpec {
  ContactSpec(std::string member_id, double member_warmth)
      : id(std::move(member_id)), warmth(member_warmth) {}
  ContactSpec& Counts(std::vector<std::pair<mv1::InteractionKind, int64_t>> value) {
    counts = std::move(value);
    return *this;
  }
  ContactSpec& Contacted(absl::CivilSecond local) {
    last_contacted = local;
    return *this;
  }
  ContactSpec& Tags(std::vector<std::string> value) {
    tags = std::move(value);
    return *this;
  }
  ContactSpec& Stage(mv1::Stage value) {
    stage = value;
    return *this;
  }
  ContactSpec& Via(std::string value) {
    connection_point = std::move(value);
    return *this;
  }

  std::string id;
  double warmth = 0;
  std::vector<std::pair<mv1::InteractionKind, int64_t>> counts;
  // Local Shanghai time of the last contact; unset: never.
  std::optional<absl::CivilSecond> last_contacted;
  std::vector<std::string> tags;
  mv1::Stage stage = mv1::STAGE_CONTACT;
  std::string connection_point;
};

mv1::RankedContact Contact(const ContactSpec& spec) {
  mv1::RankedContact contact;
  mv1::Member& member = *contact.mutable_member();
  member.set_id(spec.id);
  member.set_name("Name " + spec.id);
  member.set_phone("+8613800138000");
  member.set_stage(spec.stage);
  for (const std::string& tag : spec.tags) member.add_tags(tag);
  member.mutable_connection_point()->set_description(spec.connection_point);
  if (spec.last_contacted) {
    *member.mutable_last_contacted_at() = api::TimestampFromMillis(
        absl::ToUnixMillis(absl::FromCivil(*spec.last_contacted, kShanghai)));
  }
  contact.set_warmth(spec.warmth);
  for (const auto& [kind, count] : spec.counts) {
    mv1::InteractionCount& c = *contact.add_counts();
    c.set_kind(kind);
    c.set_count(count);
  }
  return contact;
}

Page PageOf(const std::vector<ContactSpec>& specs) {
  Page page;
  for (const ContactSpec& spec : specs) *page.Add() = Contact(spec);
  return page;
}

PlanSettings Settings(int quota) {
  PlanSettings settings;
  settings.date = kPlanDay;
  settings.zone = kShanghai;
  settings.quota = quota;
  settings.cooldown_days = 14;
  settings.target_program_id = "prog";
  return settings;
}

std::vector<std::string> MemberIds(const PlanPicks& picks) {
  std::vector<std::string> ids;
  for (const v1::Task& task : picks.tasks) ids.push_back(task.member_id());
  return ids;
}

// Runs every slot over one page (as the generator does with a single-page ranking).
PlanPicks Build(PlanSettings settings, const Page& page,
                const std::set<std::string>& enrolled = {}) {
  PlanBuilder builder(std::move(settings));
  for (int slot = 0; slot < builder.slot_count(); ++slot) {
    if (builder.Wanted(slot) <= 0) continue;
    builder.Take(slot, builder.Screen(slot, page), enrolled);
  }
  return builder.Finish(true);
}

TEST(PlanBuilderTest, QuotaTakesTheWarmestInRankingOrder) {
  const Page page = PageOf({{"a", 9}, {"b", 7}, {"c", 5}, {"d", 3}});
  const PlanPicks picks = Build(Settings(3), page);
  EXPECT_EQ(MemberIds(picks), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(picks.shortfall_reason, "");
  for (int i = 0; i < 3; ++i) {
    const v1::Task& task = picks.tasks[i];
    EXPECT_EQ(task.position(), i + 1);
    EXPECT_EQ(task.kind(), v1::WARM_CONTACT);
    EXPECT_EQ(task.status(), v1::OPEN);
    EXPECT_EQ(task.date(), "2026-12-01");
    EXPECT_EQ(task.target_program_id(), "prog");
    EXPECT_EQ(task.campaign_id(), "");
    EXPECT_EQ(task.contact().member_id(), task.member_id());
    EXPECT_EQ(task.contact().stage(), "CONTACT");
  }
}

TEST(PlanBuilderTest, CooldownCountsLocalDaysUpToThePlanDateIncludingTheBoundary) {
  // Cooldown 14 days, plan 2026-12-01 (Shanghai): contacted on 11-17 (14 days before) is eligible
  // again; 11-18 (13 days) is not, even at 00:00 local, which is still 11-17 in UTC.
  const Page page = PageOf({
      ContactSpec("boundary", 9).Contacted(absl::CivilSecond(2026, 11, 17, 23, 59, 0)),
      ContactSpec("inside", 8).Contacted(absl::CivilSecond(2026, 11, 18, 0, 0, 0)),
      ContactSpec("today", 7).Contacted(absl::CivilSecond(2026, 12, 1, 8, 0, 0)),
      ContactSpec("never", 1),
  });
  const PlanPicks picks = Build(Settings(5), page);
  EXPECT_EQ(MemberIds(picks), (std::vector<std::string>{"boundary", "never"}));
  EXPECT_EQ(picks.tasks[0].reason().days_since_contact(), 14);
  EXPECT_EQ(picks.tasks[1].reason().days_since_contact(), -1);
  EXPECT_EQ(picks.shortfall_reason, "only 2 eligible contacts (2 within the 14-day cooldown)");
}

TEST(PlanBuilderTest, CooldownIsRelativeToAFuturePlanDate) {
  PlanSettings settings = Settings(5);
  settings.date = absl::CivilDay(2026, 12, 10);
  // Contacted 2026-11-25: 6 days before 12-01 but 15 before 12-10, so eligible on 12-10.
  const Page page =
      PageOf({ContactSpec("x", 2).Contacted(absl::CivilSecond(2026, 11, 25, 12, 0, 0))});
  const PlanPicks picks = Build(settings, page);
  ASSERT_EQ(MemberIds(picks), (std::vector<std::string>{"x"}));
  EXPECT_EQ(picks.tasks[0].reason().days_since_contact(), 15);
  EXPECT_EQ(picks.tasks[0].date(), "2026-12-10");
}

TEST(PlanBuilderTest, OpenTasksAndEnrolledMembersAreExcluded) {
  PlanSettings settings = Settings(5);
  settings.open_task_members = {"open1", "open2"};
  const Page page = PageOf({{"open1", 9}, {"enrolled", 8}, {"ok", 7}, {"open2", 6}});
  const PlanPicks picks = Build(settings, page, {"enrolled"});
  EXPECT_EQ(MemberIds(picks), (std::vector<std::string>{"ok"}));
  EXPECT_EQ(picks.shortfall_reason,
            "only 1 eligible contact (1 already enrolled or waiting, 2 holding an open task)");
}

TEST(PlanBuilderTest, ExcludeIdsListsPicksThenOpenTasksWithinTheLimit) {
  PlanSettings settings = Settings(2);
  settings.open_task_members = {"o1", "o2", "o3"};
  PlanBuilder builder(settings);
  const Page page = PageOf({{"p1", 5}, {"p2", 4}});
  builder.Take(0, builder.Screen(0, page), {});
  EXPECT_EQ(builder.ExcludeIds(3), (std::vector<std::string>{"p1", "p2", "o1"}));
  EXPECT_EQ(builder.ExcludeIds(10).size(), 5u);
}

v1::Campaign Campaign(const std::string& id, int pace, std::vector<std::string> tags,
                      std::vector<std::string> stages) {
  v1::Campaign campaign;
  campaign.set_id(id);
  campaign.set_name("Campaign " + id);
  campaign.set_target_program_id("prog-" + id);
  campaign.set_target_cohort_id("prog-" + id + ".2");
  campaign.set_daily_pace(pace);
  for (const std::string& tag : tags) campaign.mutable_segment()->add_tags(tag);
  for (const std::string& stage : stages) campaign.mutable_segment()->add_stages(stage);
  return campaign;
}

TEST(PlanBuilderTest, CampaignsTakeTheirPaceFromTheirSegmentFirstThenWarmFills) {
  PlanSettings settings = Settings(5);
  settings.campaigns = {Campaign("c1", 2, {"vip"}, {}), Campaign("c2", 1, {}, {"LEAD", "ALUMNI"})};
  const Page page = PageOf({
      ContactSpec("w1", 9),
      ContactSpec("v1", 8).Tags({"vip"}),
      ContactSpec("w2", 7),
      ContactSpec("v2", 6).Tags({"new", "vip"}).Stage(mv1::STAGE_LEAD),
      ContactSpec("v3", 5).Tags({"vip"}),
      ContactSpec("l1", 4).Stage(mv1::STAGE_LEAD),
      ContactSpec("w3", 3),
  });
  const PlanPicks picks = Build(settings, page);
  // c1 takes v1, v2 (pace 2); c2 takes l1 (v2 is picked already); warm fills w1, w2. Positions
  // go warmest first.
  EXPECT_EQ(MemberIds(picks), (std::vector<std::string>{"w1", "v1", "w2", "v2", "l1"}));
  const v1::Task& v2 = picks.tasks[3];
  EXPECT_EQ(v2.kind(), v1::CAMPAIGN);
  EXPECT_EQ(v2.campaign_id(), "c1");
  EXPECT_EQ(v2.target_program_id(), "prog-c1");
  EXPECT_EQ(v2.target_cohort_id(), "prog-c1.2");
  EXPECT_EQ(v2.position(), 4);
  EXPECT_EQ(picks.tasks[4].campaign_id(), "c2");
  EXPECT_EQ(picks.tasks[4].target_program_id(), "prog-c2");
  EXPECT_EQ(picks.tasks[0].kind(), v1::WARM_CONTACT);
  EXPECT_EQ(picks.tasks[0].target_program_id(), "prog");
  EXPECT_EQ(picks.shortfall_reason, "");
}

TEST(PlanBuilderTest, CampaignPacesNeverExceedTheQuota) {
  PlanSettings settings = Settings(3);
  settings.campaigns = {Campaign("c1", 2, {}, {}), Campaign("c2", 5, {}, {})};
  PlanBuilder builder(settings);
  EXPECT_EQ(builder.Wanted(0), 2);
  EXPECT_EQ(builder.Wanted(1), 3);
  const Page page = PageOf({{"a", 5}, {"b", 4}, {"c", 3}, {"d", 2}});
  builder.Take(0, builder.Screen(0, page), {});
  EXPECT_EQ(builder.Wanted(1), 1);
  builder.Take(1, builder.Screen(1, page), {});
  EXPECT_EQ(builder.Wanted(2), 0);
  const PlanPicks picks = builder.Finish(true);
  EXPECT_EQ(MemberIds(picks), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(picks.tasks[2].campaign_id(), "c2");
}

TEST(PlanBuilderTest, PushdownOnlyForASingleTagOrStage) {
  PlanSettings settings = Settings(5);
  settings.campaigns = {Campaign("one", 1, {"vip"}, {"LEAD"}),
                        Campaign("two", 1, {"a", "b"}, {"LEAD", "MEMBER"})};
  PlanBuilder builder(settings);
  EXPECT_EQ(builder.Pushdown(0).tag, "vip");
  EXPECT_EQ(builder.Pushdown(0).stage, mv1::STAGE_LEAD);
  EXPECT_EQ(builder.Pushdown(1).tag, "");
  EXPECT_EQ(builder.Pushdown(1).stage, mv1::STAGE_UNSPECIFIED);
  EXPECT_EQ(builder.Pushdown(2).tag, "");
  EXPECT_EQ(builder.TargetProgram(1), "prog-two");
  EXPECT_EQ(builder.TargetProgram(2), "prog");
}

TEST(PlanBuilderTest, ReasonsAndSummary) {
  const Page page = PageOf({
      ContactSpec("warm", 12.5)
          .Counts({{mv1::ATTENDED, 1},
                   {mv1::COMMENTED, 3},
                   {mv1::CONTACTED, 4},
                   {mv1::PURCHASED, 1},
                   {mv1::LIKED, 0}})
          .Contacted(absl::CivilSecond(2026, 11, 1, 10, 0, 0))
          .Via("Deep Work 2 alumni"),
      ContactSpec("cold", 0),
  });
  const PlanPicks picks = Build(Settings(2), page);
  ASSERT_EQ(picks.tasks.size(), 2u);
  const v1::PickReason& warm = picks.tasks[0].reason();
  EXPECT_DOUBLE_EQ(warm.warmth(), 12.5);
  EXPECT_EQ(std::vector<std::string>(warm.warmth_reasons().begin(), warm.warmth_reasons().end()),
            (std::vector<std::string>{"commented 3x", "attended 1x", "bought 1x"}));
  EXPECT_EQ(warm.connection_point(), "Deep Work 2 alumni");
  EXPECT_EQ(warm.days_since_contact(), 30);
  EXPECT_EQ(warm.summary(),
            "warm: commented 3x, attended 1x, bought 1x; last contacted 30 days ago; via Deep "
            "Work 2 alumni");
  EXPECT_EQ(picks.tasks[1].reason().summary(), "no interactions yet; never contacted");
}

TEST(PlanBuilderTest, CampaignPickSummaryNamesTheCampaign) {
  PlanSettings settings = Settings(1);
  settings.campaigns = {Campaign("c1", 1, {}, {})};
  const Page page = PageOf({ContactSpec("a", 2).Counts({{mv1::LIKED, 2}})});
  const PlanPicks picks = Build(settings, page);
  ASSERT_EQ(picks.tasks.size(), 1u);
  EXPECT_EQ(picks.tasks[0].reason().summary(),
            "warm: liked 2x; never contacted; campaign \"Campaign c1\"");
}

TEST(PlanBuilderTest, ShortfallWhenTheRankingStoppedEarly) {
  PlanBuilder builder(Settings(3));
  const Page page = PageOf({{"a", 5}});
  builder.Take(0, builder.Screen(0, page), {});
  EXPECT_EQ(builder.Finish(false).shortfall_reason,
            "only 1 eligible contact; stopped after examining 1 contact");
  PlanBuilder empty(Settings(3));
  EXPECT_EQ(empty.Finish(true).shortfall_reason, "only 0 eligible contacts");
}

TEST(PickReasonTest, StageNamesAndCard) {
  EXPECT_EQ(StageName(mv1::STAGE_ALUMNI), "ALUMNI");
  EXPECT_EQ(StageName(mv1::STAGE_UNSPECIFIED), "");
  mv1::Member member;
  member.set_id("m1");
  member.set_name("Li Wei");
  member.set_wechat_id("liwei88");
  member.set_email("li@example.com");
  member.add_tags("vip");
  member.set_stage(mv1::STAGE_MEMBER);
  const v1::ContactCard card = MakeContactCard(member);
  EXPECT_EQ(card.member_id(), "m1");
  EXPECT_EQ(card.name(), "Li Wei");
  EXPECT_EQ(card.wechat_id(), "liwei88");
  EXPECT_EQ(card.email(), "li@example.com");
  ASSERT_EQ(card.tags_size(), 1);
  EXPECT_EQ(card.stage(), "MEMBER");
}

}  // namespace
}  // namespace dunbar::outreach
