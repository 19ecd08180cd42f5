// The selection logic of a daily plan, without any I/O: the caller (PlanGenerator) feeds it pages
// of membership's ranking and cohort's answers, the builder decides who is picked and why.
//
// Sources ("slots") choose in order: each active campaign (oldest first) up to its daily pace,
// then the warm fill up to the quota. A candidate is screened out when it holds an open task, was
// picked already, is contacted within the cooldown before the plan's date (local days in the
// policy's timezone; exactly `cooldown_days` ago is eligible again), or is outside the campaign's
// segment; what survives is offered once cohort has said who is already ACTIVE or WAITING in the
// slot's target programme. Picks are numbered warmest first.
//
//   PlanBuilder builder(settings);
//   for (int slot = 0; slot < builder.slot_count(); ++slot) {
//     while (builder.Wanted(slot) > 0 && <more pages>) {
//       std::vector<const mv1::RankedContact*> screened = builder.Screen(slot, page.contacts());
//       builder.Take(slot, screened, enrolled_or_waiting_ids);
//     }
//   }
//   PlanPicks picks = builder.Finish(/*ranking_exhausted=*/true);
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::outreach {

namespace v1 = ::dunbar::outreach::v1;
namespace mv1 = ::dunbar::membership::v1;

struct PlanSettings {
  absl::CivilDay date;  // the plan's local date
  absl::TimeZone zone;  // the policy's
  int quota = 5;
  int cooldown_days = 14;
  std::string target_program_id;  // the policy's: warm picks enrol here ("" -> none)
  // Campaigns active on `date`, oldest first.
  std::vector<v1::Campaign> campaigns;
  // Members holding an open task.
  std::vector<std::string> open_task_members;
};

// What RankContacts can filter for a slot (a segment with exactly one tag or one stage);
// anything wider is filtered by Screen.
struct RankPushdown {
  mv1::Stage stage = mv1::STAGE_UNSPECIFIED;
  std::string tag;
};

struct PlanPicks {
  // kind, status OPEN, date, position 1..n, member_id, contact, reason, campaign_id and targets;
  // id, tenant and created_at are the caller's.
  std::vector<v1::Task> tasks;
  std::string shortfall_reason;  // "" when the quota is met
};

class PlanBuilder {
 public:
  explicit PlanBuilder(PlanSettings settings);

  // Campaigns, then the warm fill (the last slot).
  int slot_count() const { return static_cast<int>(settings_.campaigns.size()) + 1; }
  bool IsWarmSlot(int slot) const { return slot == slot_count() - 1; }
  // How many more picks `slot` may take now.
  int Wanted(int slot) const;
  RankPushdown Pushdown(int slot) const;
  // Where the slot's picks enrol: the campaign's programme, or the policy's for the warm fill.
  const std::string& TargetProgram(int slot) const;

  // Members to pass as RankContacts.exclude_ids (picked first, then open tasks), at most `max`.
  std::vector<std::string> ExcludeIds(size_t max) const;

  // The candidates of `page` that `slot` could take (in ranking order), before cohort's check.
  std::vector<const mv1::RankedContact*> Screen(
      int slot, const google::protobuf::RepeatedPtrField<mv1::RankedContact>& page);
  // Picks from `screened` in order, skipping members in `enrolled_or_waiting`, until the slot
  // wants no more.
  void Take(int slot, const std::vector<const mv1::RankedContact*>& screened,
            const std::set<std::string>& enrolled_or_waiting);

  // `ranking_exhausted`: every ranking page was walked (false: the page limit stopped the walk).
  PlanPicks Finish(bool ranking_exhausted) const;

 private:
  bool InSegment(const v1::Segment& segment, const mv1::Member& member) const;

  PlanSettings settings_;
  std::set<std::string> open_task_members_;
  std::set<std::string> picked_members_;
  std::vector<int> taken_per_slot_;
  std::vector<v1::Task> picks_;  // in the order taken
  // Distinct members screened out, by reason (for the shortfall).
  std::set<std::string> cooling_down_;
  std::set<std::string> enrolled_;
  std::set<std::string> examined_;
};

}  // namespace dunbar::outreach
