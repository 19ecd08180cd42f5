#include "services/membership/entitlement_change_codec.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "common/api/timestamps.h"

namespace dunbar::membership {

absl::StatusOr<v1::EntitlementChange> DecodeEntitlementChange(std::string_view payload) {
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    const size_t tab = payload.find('\t', start);
    fields.push_back(payload.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  int64_t changed_at_ms = 0;
  if (fields.size() != 6 || fields[0].empty() || fields[1].empty() || fields[2].empty() ||
      fields[3].empty() || (fields[4] != "0" && fields[4] != "1") ||
      !absl::SimpleAtoi(absl::string_view(fields[5].data(), fields[5].size()), &changed_at_ms)) {
    return absl::InternalError("entitlement change: malformed notice");
  }
  v1::EntitlementChange change;
  change.set_tenant(std::string(fields[0]));
  change.set_member_id(std::string(fields[1]));
  change.set_program_id(std::string(fields[2]));
  change.set_order_id(std::string(fields[3]));
  change.set_revoked(fields[4] == "1");
  *change.mutable_changed_at() = api::TimestampFromMillis(changed_at_ms);
  return change;
}

}  // namespace dunbar::membership
