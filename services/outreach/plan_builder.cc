#include "services/outreach/plan_builder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "services/outreach/local_dates.h"
#include "services/outreach/pick_reason.h"

namespace dunbar::outreach {
namespace {

mv1::Stage StageFromName(const std::string& name) {
  mv1::Stage stage = mv1::STAGE_UNSPECIFIED;
  mv1::Stage_Parse(absl::StrCat("STAGE_", name), &stage);
  return stage;
}

std::string Contacts(size_t n, absl::string_view adjective = "") {
  return absl::StrCat(n, adjective.empty() ? "" : " ", adjective,
                      n == 1 ? " contact" : " contacts");
}

}  // namespace

PlanBuilder::PlanBuilder(PlanSettings settings)
    : settings_(std::move(settings)),
      open_task_members_(settings_.open_task_members.begin(), settings_.open_task_members.end()),
      taken_per_slot_(settings_.campaigns.size() + 1, 0) {}

int PlanBuilder::Wanted(int slot) const {
  const int room = settings_.quota - static_cast<int>(picks_.size());
  if (room <= 0) return 0;
  if (IsWarmSlot(slot)) return room;
  const int pace = settings_.campaigns[slot].daily_pace() - taken_per_slot_[slot];
  return std::max(0, std::min(pace, room));
}

RankPushdown PlanBuilder::Pushdown(int slot) const {
  RankPushdown pushdown;
  if (IsWarmSlot(slot)) return pushdown;
  const v1::Segment& segment = settings_.campaigns[slot].segment();
  if (segment.tags_size() == 1) pushdown.tag = segment.tags(0);
  if (segment.stages_size() == 1) pushdown.stage = StageFromName(segment.stages(0));
  return pushdown;
}

const std::string& PlanBuilder::TargetProgram(int slot) const {
  return IsWarmSlot(slot) ? settings_.target_program_id
                          : settings_.campaigns[slot].target_program_id();
}

std::vector<std::string> PlanBuilder::ExcludeIds(size_t max) const {
  std::vector<std::string> ids;
  for (const std::string& id : picked_members_) {
    if (ids.size() >= max) return ids;
    ids.push_back(id);
  }
  for (const std::string& id : open_task_members_) {
    if (ids.size() >= max) return ids;
    if (picked_members_.count(id) == 0) ids.push_back(id);
  }
  return ids;
}

bool PlanBuilder::InSegment(const v1::Segment& segment, const mv1::Member& member) const {
  if (segment.stages_size() > 0) {
    const std::string stage = StageName(member.stage());
    if (std::find(segment.stages().begin(), segment.stages().end(), stage) ==
        segment.stages().end()) {
      return false;
    }
  }
  if (segment.tags_size() > 0) {
    return std::any_of(member.tags().begin(), member.tags().end(), [&](const std::string& tag) {
      return std::find(segment.tags().begin(), segment.tags().end(), tag) != segment.tags().end();
    });
  }
  return true;
}

std::vector<const mv1::RankedContact*> PlanBuilder::Screen(
    int slot, const google::protobuf::RepeatedPtrField<mv1::RankedContact>& page) {
  std::vector<const mv1::RankedContact*> screened;
  for (const mv1::RankedContact& contact : page) {
    const mv1::Member& member = contact.member();
    if (member.id().empty() || open_task_members_.count(member.id()) > 0 ||
        picked_members_.count(member.id()) > 0) {
      continue;
    }
    if (!IsWarmSlot(slot) && !InSegment(settings_.campaigns[slot].segment(), member)) continue;
    examined_.insert(member.id());
    const int days = DaysSinceContact(member, settings_.date, settings_.zone);
    if (days >= 0 && days < settings_.cooldown_days) {
      cooling_down_.insert(member.id());
      continue;
    }
    screened.push_back(&contact);
  }
  return screened;
}

void PlanBuilder::Take(int slot, const std::vector<const mv1::RankedContact*>& screened,
                       const std::set<std::string>& enrolled_or_waiting) {
  for (const mv1::RankedContact* contact : screened) {
    if (Wanted(slot) <= 0) return;
    const mv1::Member& member = contact->member();
    if (picked_members_.count(member.id()) > 0) continue;
    if (enrolled_or_waiting.count(member.id()) > 0) {
      enrolled_.insert(member.id());
      continue;
    }
    v1::Task task;
    task.set_kind(IsWarmSlot(slot) ? v1::WARM_CONTACT : v1::CAMPAIGN);
    task.set_status(v1::OPEN);
    task.set_date(FormatDate(settings_.date));
    task.set_member_id(member.id());
    *task.mutable_contact() = MakeContactCard(member);
    *task.mutable_reason() = MakePickReason(*contact, settings_.date, settings_.zone);
    task.set_target_program_id(TargetProgram(slot));
    if (!IsWarmSlot(slot)) {
      const v1::Campaign& campaign = settings_.campaigns[slot];
      task.set_campaign_id(campaign.id());
      task.set_target_cohort_id(campaign.target_cohort_id());
      task.mutable_reason()->set_summary(
          absl::StrCat(task.reason().summary(), "; campaign \"", campaign.name(), "\""));
    }
    picked_members_.insert(member.id());
    ++taken_per_slot_[slot];
    picks_.push_back(std::move(task));
  }
}

PlanPicks PlanBuilder::Finish(bool ranking_exhausted) const {
  PlanPicks result;
  result.tasks = picks_;
  // Warmest first; equal warmth keeps the order taken (campaigns before the warm fill).
  std::stable_sort(result.tasks.begin(), result.tasks.end(),
                   [](const v1::Task& a, const v1::Task& b) {
                     return a.reason().warmth() > b.reason().warmth();
                   });
  for (size_t i = 0; i < result.tasks.size(); ++i) {
    result.tasks[i].set_position(static_cast<int32_t>(i + 1));
  }
  if (static_cast<int>(result.tasks.size()) >= settings_.quota) return result;
  std::vector<std::string> skipped;
  if (!cooling_down_.empty()) {
    skipped.push_back(absl::StrCat(cooling_down_.size(), " within the ", settings_.cooldown_days,
                                   "-day cooldown"));
  }
  if (!enrolled_.empty()) {
    skipped.push_back(absl::StrCat(enrolled_.size(), " already enrolled or waiting"));
  }
  if (!open_task_members_.empty()) {
    skipped.push_back(absl::StrCat(open_task_members_.size(), " holding an open task"));
  }
  std::string reason = absl::StrCat("only ", Contacts(result.tasks.size(), "eligible"));
  if (!skipped.empty()) absl::StrAppend(&reason, " (", absl::StrJoin(skipped, ", "), ")");
  if (!ranking_exhausted) {
    absl::StrAppend(&reason, "; stopped after examining ", Contacts(examined_.size()));
  }
  result.shortfall_reason = std::move(reason);
  return result;
}

}  // namespace dunbar::outreach
