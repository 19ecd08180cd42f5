#include "tools/dunbarctl/member_view.h"

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {

std::string JoinTags(const google::protobuf::RepeatedPtrField<std::string>& tags) {
  return absl::StrJoin(tags, ";");
}

void PrintMemberRows(const google::protobuf::RepeatedPtrField<membership::v1::Member>& members,
                     std::ostream& out) {
  Table table({"ID", "NAME", "STAGE", "PHONE", "WECHAT", "EMAIL", "TAGS", "SOURCE"});
  for (const auto& member : members) {
    table.AddRow({member.id(), member.name(), StageLabel(member.stage()), member.phone(),
                  member.wechat_id(), member.email(), JoinTags(member.tags()), member.source()});
  }
  table.Render(out);
}

void PrintMemberDetail(const membership::v1::Member& member, std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  KeyValueTable detail;
  auto add = [&detail](std::string key, std::string value) {
    if (!value.empty()) detail.Add(std::move(key), std::move(value));
  };
  add("id", member.id());
  add("tenant", member.tenant());
  add("name", member.name());
  add("stage", StageLabel(member.stage()));
  add("phone", member.phone());
  add("wechat_id", member.wechat_id());
  add("email", member.email());
  add("tags", JoinTags(member.tags()));
  add("source", member.source());
  add("connection_point", member.connection_point().description());
  add("connection_at", FormatTimestamp(member.connection_point().at(), zone));
  add("notes", member.notes());
  if (member.has_preference()) {
    const auto& preference = member.preference();
    if (preference.do_not_contact()) {
      add("do_not_contact", preference.do_not_contact_reason().empty()
                                ? "yes"
                                : "yes (" + preference.do_not_contact_reason() + ")");
    }
    add("preferred_channel", ChannelLabel(preference.preferred_channel()));
  }
  add("created_at", FormatTimestamp(member.created_at(), zone));
  add("updated_at", FormatTimestamp(member.updated_at(), zone));
  add("last_interaction_at", FormatTimestamp(member.last_interaction_at(), zone));
  add("last_contacted_at", FormatTimestamp(member.last_contacted_at(), zone));
  detail.Render(out);
}

}  // namespace dunbar::dunbarctl
