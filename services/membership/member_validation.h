// Validation and normalization of member fields, shared by CreateMember, UpdateMember and
// ImportContacts (rows are read as members). Errors are INVALID_ARGUMENT naming the field with the
// caller's prefix ("member.email: ...", or "email: ..." for import rows).
//
//   DUNBAR_RETURN_IF_ERROR(NormalizeMember({"name", "phone"}, "member.", "CN", member));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

inline constexpr size_t kMaxSourceLength = 200;
inline constexpr size_t kMaxConnectionPointLength = 500;

// Normalizes, in place, the member fields named by `paths` (see kUpdatablePaths): handles to their
// canonical form (E.164 phone, lower-case WeChat id and email), tags normalized, sorted and unique,
// text trimmed and checked (UTF-8, length). `stage` must be a known, specified stage.
absl::Status NormalizeMember(const std::vector<std::string>& paths, std::string_view field_prefix,
                             std::string_view default_country, v1::Member& member);

// True if the member has at least one handle (phone, WeChat id, email).
bool HasHandle(const v1::Member& member);

}  // namespace dunbar::membership
