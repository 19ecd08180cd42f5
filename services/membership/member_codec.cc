#include "services/membership/member_codec.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/membership/api_helpers.h"

namespace dunbar::membership {
namespace {

// Calls `visit(field, value)` for each pair of a flat HGETALL reply.
template <typename Visit>
absl::Status ForEachPair(const redis::RedisReply& reply, const char* what, Visit visit) {
  if (!reply.is_array() || reply.elements().size() % 2 != 0) {
    return absl::InternalError(absl::StrCat(what, ": unexpected reply shape"));
  }
  const auto& items = reply.elements();
  for (size_t i = 0; i < items.size(); i += 2) {
    visit(items[i].str(), items[i + 1].str());
  }
  return absl::OkStatus();
}

int64_t ParseInt(const std::string& text) {
  int64_t value = 0;
  return absl::SimpleAtoi(text, &value) ? value : 0;
}

std::string MillisOrEmpty(const google::protobuf::Timestamp& timestamp, bool present) {
  return present ? absl::StrCat(TimestampToMillis(timestamp)) : "";
}

}  // namespace

std::string JoinTags(const google::protobuf::RepeatedPtrField<std::string>& tags) {
  std::set<std::string> unique(tags.begin(), tags.end());
  return absl::StrJoin(unique, ",");
}

absl::Status AppendMemberFields(const v1::Member& member, const std::vector<std::string>& paths,
                                std::vector<std::string>& out) {
  for (const std::string& path : paths) {
    if (path == "name") {
      out.insert(out.end(), {"name", member.name()});
    } else if (path == "phone") {
      out.insert(out.end(), {"phone", member.phone()});
    } else if (path == "wechat_id") {
      out.insert(out.end(), {"wechat_id", member.wechat_id()});
    } else if (path == "email") {
      out.insert(out.end(), {"email", member.email()});
    } else if (path == "stage") {
      out.insert(out.end(), {"stage", member.stage() == v1::STAGE_UNSPECIFIED
                                          ? std::string()
                                          : absl::StrCat(static_cast<int>(member.stage()))});
    } else if (path == "tags") {
      out.insert(out.end(), {"tags", JoinTags(member.tags())});
    } else if (path == "source") {
      out.insert(out.end(), {"source", member.source()});
    } else if (path == "connection_point") {
      const v1::ConnectionPoint& cp = member.connection_point();
      out.insert(out.end(), {"cp", cp.description(), "cp_at", MillisOrEmpty(cp.at(), cp.has_at())});
    } else if (path == "notes") {
      out.insert(out.end(), {"notes", member.notes()});
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: unknown or read-only path \"", path, "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredMember> DecodeMemberHash(const redis::RedisReply& reply,
                                              std::string_view tenant) {
  StoredMember stored;
  v1::Member& m = stored.member;
  v1::ContactPreference& preference = *m.mutable_preference();
  absl::Status status =
      ForEachPair(reply, "member", [&](const std::string& field, const std::string& value) {
        if (field == "id") {
          m.set_id(value);
        } else if (field == "name") {
          m.set_name(value);
        } else if (field == "phone") {
          m.set_phone(value);
        } else if (field == "wechat_id") {
          m.set_wechat_id(value);
        } else if (field == "email") {
          m.set_email(value);
        } else if (field == "stage") {
          const int64_t stage = ParseInt(value);
          if (v1::Stage_IsValid(static_cast<int>(stage)))
            m.set_stage(static_cast<v1::Stage>(stage));
        } else if (field == "tags") {
          for (absl::string_view tag : absl::StrSplit(value, ',', absl::SkipEmpty())) {
            m.add_tags(std::string(tag));
          }
        } else if (field == "source") {
          m.set_source(value);
        } else if (field == "cp") {
          m.mutable_connection_point()->set_description(value);
        } else if (field == "cp_at") {
          *m.mutable_connection_point()->mutable_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "notes") {
          m.set_notes(value);
        } else if (field == "created") {
          *m.mutable_created_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "updated") {
          *m.mutable_updated_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "contacted") {
          *m.mutable_last_contacted_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "interacted") {
          *m.mutable_last_interaction_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "dnc") {
          preference.set_do_not_contact(value == "1");
        } else if (field == "dnc_reason") {
          preference.set_do_not_contact_reason(value);
        } else if (field == "channel") {
          const int64_t channel = ParseInt(value);
          if (v1::Channel_IsValid(static_cast<int>(channel))) {
            preference.set_preferred_channel(static_cast<v1::Channel>(channel));
          }
        } else if (field == "pref_at") {
          *preference.mutable_updated_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "ws") {
          stored.warmth_score = std::strtod(value.c_str(), nullptr);
        } else if (field.size() >= 2 && field[0] == 'k') {
          int kind = 0;
          if (absl::SimpleAtoi(absl::string_view(field).substr(1), &kind) && kind > 0 &&
              kind < static_cast<int>(stored.counts_by_kind.size())) {
            stored.counts_by_kind[kind] = ParseInt(value);
          }
        }
      });
  if (!status.ok()) return status;
  if (!m.id().empty()) {
    m.set_tenant(std::string(tenant));
    preference.set_member_id(m.id());
  }
  return stored;
}

absl::StatusOr<v1::Entitlement> DecodeEntitlementHash(const redis::RedisReply& reply,
                                                      std::string_view tenant) {
  v1::Entitlement e;
  absl::Status status =
      ForEachPair(reply, "entitlement", [&](const std::string& field, const std::string& value) {
        if (field == "order_id") {
          e.set_order_id(value);
        } else if (field == "member_id") {
          e.set_member_id(value);
        } else if (field == "program_id") {
          e.set_program_id(value);
        } else if (field == "amount_minor") {
          e.set_amount_minor(ParseInt(value));
        } else if (field == "currency") {
          e.set_currency(value);
        } else if (field == "paid_at") {
          *e.mutable_paid_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "granted_at") {
          *e.mutable_granted_at() = TimestampFromMillis(ParseInt(value));
        } else if (field == "revoked") {
          e.set_revoked(value == "1");
        } else if (field == "revoke_reason") {
          e.set_revoke_reason(value);
        } else if (field == "revoked_at") {
          *e.mutable_revoked_at() = TimestampFromMillis(ParseInt(value));
        }
      });
  if (!status.ok()) return status;
  e.set_tenant(std::string(tenant));
  return e;
}

}  // namespace dunbar::membership
