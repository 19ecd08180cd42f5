#include "services/membership/interaction_codec.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/membership/api_helpers.h"

namespace dunbar::membership {

std::string EncodeInteractionEntry(const v1::Interaction& interaction) {
  char at[32];
  std::snprintf(at, sizeof(at), "%015lld",
                static_cast<long long>(TimestampToMillis(interaction.at())));
  return absl::StrCat(at, ":", interaction.id(), "|", static_cast<int>(interaction.kind()), "|",
                      interaction.note());
}

std::string_view InteractionSortKey(std::string_view entry) {
  return entry.substr(0, entry.find('|'));
}

absl::StatusOr<v1::Interaction> DecodeInteractionEntry(std::string_view entry,
                                                       std::string_view member_id) {
  const auto malformed = [] { return absl::InternalError("interaction: malformed stored entry"); };
  const size_t colon = entry.find(':');
  const size_t bar1 = entry.find('|');
  if (colon == std::string_view::npos || bar1 == std::string_view::npos || bar1 < colon) {
    return malformed();
  }
  const size_t bar2 = entry.find('|', bar1 + 1);
  if (bar2 == std::string_view::npos) return malformed();
  int64_t at = 0;
  int kind = 0;
  const std::string_view at_text = entry.substr(0, colon);
  const std::string_view kind_text = entry.substr(bar1 + 1, bar2 - bar1 - 1);
  if (!absl::SimpleAtoi(absl::string_view(at_text.data(), at_text.size()), &at) ||
      !absl::SimpleAtoi(absl::string_view(kind_text.data(), kind_text.size()), &kind) ||
      !v1::InteractionKind_IsValid(kind)) {
    return malformed();
  }
  v1::Interaction interaction;
  interaction.set_id(std::string(entry.substr(colon + 1, bar1 - colon - 1)));
  interaction.set_member_id(std::string(member_id));
  interaction.set_kind(static_cast<v1::InteractionKind>(kind));
  *interaction.mutable_at() = TimestampFromMillis(at);
  interaction.set_note(std::string(entry.substr(bar2 + 1)));
  return interaction;
}

}  // namespace dunbar::membership
