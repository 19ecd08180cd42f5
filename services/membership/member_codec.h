// The member and entitlement hashes in Redis <-> their protos.
//
// Member hash `dunbar:membership:{<tenant>}:m:<id>` fields (empty values are never stored):
//   id, name, phone, wechat_id, email, stage (enum number), tags (sorted, comma-joined), source,
//   cp + cp_at (connection point description and Unix ms), notes, created, updated,
//   contacted, interacted (Unix ms), dnc ("1"), dnc_reason, channel (enum number), pref_at,
//   ws (log2 warmth score, see warmth.h), k<kind number> (interaction counts by kind).
//
//   std::vector<std::string> args;
//   AppendMemberFields(member, {"name", "phone"}, args);       // -> "name", "...", "phone", "..."
//   DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, DecodeMemberHash(reply, tenant));
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_reply.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "services/membership/warmth.h"

namespace dunbar::membership {

// The member paths UpdateMember accepts (FieldMask paths = Member field names).
inline constexpr std::array<std::string_view, 9> kUpdatablePaths = {
    "name", "phone", "wechat_id", "email", "stage", "tags", "source", "connection_point", "notes"};

struct StoredMember {
  v1::Member member;
  double warmth_score = kNoWarmth;
  std::array<int64_t, v1::InteractionKind_ARRAYSIZE> counts_by_kind{};
};

// Appends field/value pairs for the given member paths (kUpdatablePaths); empty values are appended
// as "" (meaning "clear" to the update script). `connection_point` becomes cp + cp_at.
// INVALID_ARGUMENT naming `update_mask` for an unknown path.
absl::Status AppendMemberFields(const v1::Member& member, const std::vector<std::string>& paths,
                                std::vector<std::string>& out);

// Tags as stored: sorted, unique, comma-joined (normalized tags never contain commas).
std::string JoinTags(const google::protobuf::RepeatedPtrField<std::string>& tags);

// An HGETALL reply (flat field/value array). NOT_FOUND-worthy emptiness is the caller's business:
// an empty array decodes to a member with an empty id.
absl::StatusOr<StoredMember> DecodeMemberHash(const redis::RedisReply& reply,
                                              std::string_view tenant);

absl::StatusOr<v1::Entitlement> DecodeEntitlementHash(const redis::RedisReply& reply,
                                                      std::string_view tenant);

}  // namespace dunbar::membership
