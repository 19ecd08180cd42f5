// Interactions are stored as members of a per-member zset (all scores 0, ordered by bytes):
//
//   "<at: Unix ms, 15 digits zero-padded>:<interaction id>|<kind number>|<note>"
//
// so lexicographic order is time order (then id), a page is one ZRANGE BYLEX REV, and an entry
// carries everything needed to rebuild the Interaction. The sort key ("<at>:<id>") is the paging
// cursor.
//
//   std::string entry = EncodeInteractionEntry(interaction);
//   DUNBAR_ASSIGN_OR_RETURN(v1::Interaction back, DecodeInteractionEntry(entry, member_id));
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

// `interaction.at` must be at or after 1970 (the domain validates it).
std::string EncodeInteractionEntry(const v1::Interaction& interaction);

// The "<at>:<id>" prefix of an entry: what a page token resumes after.
std::string_view InteractionSortKey(std::string_view entry);

// INTERNAL for a malformed entry (never produced by EncodeInteractionEntry).
absl::StatusOr<v1::Interaction> DecodeInteractionEntry(std::string_view entry,
                                                       std::string_view member_id);

}  // namespace dunbar::membership
