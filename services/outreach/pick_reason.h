// Why a contact is on a plan, in words an operator reads over coffee: the interaction counts
// behind the warmth ("commented 3x", "attended 1x", "bought 1x"), how they know the operator, and
// how long since the last touch, counted in local days up to the plan's date. Also the contact
// card a task carries (the member as membership knew it when the task was planned).
//
//   v1::PickReason reason = MakePickReason(ranked, plan_day, zone);
//   reason.summary();   // "warm: commented 3x, attended 1x; never contacted; via Deep Work 2"
#pragma once

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::outreach {

namespace v1 = ::dunbar::outreach::v1;
namespace mv1 = ::dunbar::membership::v1;

// "commented 3x" per interaction kind with a count, most frequent first (ties: the order of
// InteractionKind); CONTACTED is the operator's own touch and warms nothing, so it is left out.
std::vector<std::string> WarmthReasons(const mv1::RankedContact& contact);

// Local days from the day the member was last contacted (in `zone`) to `plan_day`; -1 if never.
int DaysSinceContact(const mv1::Member& member, absl::CivilDay plan_day, absl::TimeZone zone);

v1::PickReason MakePickReason(const mv1::RankedContact& contact, absl::CivilDay plan_day,
                              absl::TimeZone zone);

// "CONTACT", "LEAD", "MEMBER", "ALUMNI" ("" when unspecified).
std::string StageName(mv1::Stage stage);

v1::ContactCard MakeContactCard(const mv1::Member& member);

}  // namespace dunbar::outreach
