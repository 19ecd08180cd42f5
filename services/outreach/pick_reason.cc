#include "services/outreach/pick_reason.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/timestamps.h"
#include "services/outreach/local_dates.h"

namespace dunbar::outreach {
namespace {

// The verb an operator would use; "" for kinds that do not warm.
absl::string_view Verb(mv1::InteractionKind kind) {
  switch (kind) {
    case mv1::LIKED:
      return "liked";
    case mv1::COMMENTED:
      return "commented";
    case mv1::REPLIED:
      return "replied";
    case mv1::ATTENDED:
      return "attended";
    case mv1::PURCHASED:
      return "bought";
    case mv1::REFERRED:
      return "referred";
    default:
      return "";
  }
}

std::string ContactPhrase(int days) {
  if (days < 0) return "never contacted";
  if (days == 0) return "contacted today";
  if (days == 1) return "last contacted 1 day ago";
  return absl::StrCat("last contacted ", days, " days ago");
}

}  // namespace

std::vector<std::string> WarmthReasons(const mv1::RankedContact& contact) {
  std::vector<std::pair<int64_t, mv1::InteractionKind>> counts;
  for (const mv1::InteractionCount& count : contact.counts()) {
    if (count.count() > 0 && !Verb(count.kind()).empty()) {
      counts.emplace_back(count.count(), count.kind());
    }
  }
  std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> reasons;
  for (const auto& [count, kind] : counts) {
    reasons.push_back(absl::StrCat(Verb(kind), " ", count, "x"));
  }
  return reasons;
}

int DaysSinceContact(const mv1::Member& member, absl::CivilDay plan_day, absl::TimeZone zone) {
  if (!member.has_last_contacted_at()) return -1;
  const absl::Time contacted =
      absl::FromUnixMillis(api::TimestampToMillis(member.last_contacted_at()));
  return DaysBetween(LocalDay(contacted, zone), plan_day);
}

v1::PickReason MakePickReason(const mv1::RankedContact& contact, absl::CivilDay plan_day,
                              absl::TimeZone zone) {
  v1::PickReason reason;
  reason.set_warmth(contact.warmth());
  const std::vector<std::string> warmth = WarmthReasons(contact);
  for (const std::string& text : warmth) reason.add_warmth_reasons(text);
  reason.set_connection_point(contact.member().connection_point().description());
  reason.set_days_since_contact(DaysSinceContact(contact.member(), plan_day, zone));
  if (contact.has_last_interaction_at()) {
    *reason.mutable_last_interaction_at() = contact.last_interaction_at();
  }
  std::string summary = warmth.empty() ? std::string("no interactions yet")
                                       : absl::StrCat("warm: ", absl::StrJoin(warmth, ", "));
  absl::StrAppend(&summary, "; ", ContactPhrase(reason.days_since_contact()));
  if (!reason.connection_point().empty()) {
    absl::StrAppend(&summary, "; via ", reason.connection_point());
  }
  reason.set_summary(std::move(summary));
  return reason;
}

std::string StageName(mv1::Stage stage) {
  if (stage == mv1::STAGE_UNSPECIFIED || !mv1::Stage_IsValid(stage)) return "";
  const std::string& name = mv1::Stage_Name(stage);
  constexpr absl::string_view kPrefix = "STAGE_";
  return absl::StartsWith(name, kPrefix) ? name.substr(kPrefix.size()) : name;
}

v1::ContactCard MakeContactCard(const mv1::Member& member) {
  v1::ContactCard card;
  card.set_member_id(member.id());
  card.set_name(member.name());
  card.set_phone(member.phone());
  card.set_wechat_id(member.wechat_id());
  card.set_email(member.email());
  for (const std::string& tag : member.tags()) card.add_tags(tag);
  card.set_stage(StageName(member.stage()));
  return card;
}

}  // namespace dunbar::outreach
