#include "services/membership/member_validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"

namespace dunbar::membership {
namespace {

// Seconds of 0001-01-01 and 9999-12-31T23:59:59Z: the range google.protobuf.Timestamp allows.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

absl::Status NormalizeText(const std::string& field, size_t max_bytes, std::string& value) {
  value = std::string(absl::StripAsciiWhitespace(value));
  return validation::ValidateText(field, value, max_bytes, /*required=*/false);
}

absl::Status NormalizeHandle(const std::string& field, std::string& value,
                             absl::StatusOr<std::string> (*normalize)(std::string_view,
                                                                      std::string_view)) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    value.clear();
    return absl::OkStatus();
  }
  DUNBAR_ASSIGN_OR_RETURN(value, normalize(field, value));
  return absl::OkStatus();
}

}  // namespace

absl::Status NormalizeMember(const std::vector<std::string>& paths, std::string_view field_prefix,
                             std::string_view default_country, v1::Member& member) {
  for (const std::string& path : paths) {
    const std::string field = std::string(field_prefix) + path;
    if (path == "name") {
      DUNBAR_RETURN_IF_ERROR(
          NormalizeText(field, validation::kMaxNameLength, *member.mutable_name()));
    } else if (path == "phone") {
      if (absl::StripAsciiWhitespace(member.phone()).empty()) {
        member.clear_phone();
      } else {
        DUNBAR_ASSIGN_OR_RETURN(*member.mutable_phone(),
                                validation::NormalizePhone(field, member.phone(), default_country));
      }
    } else if (path == "wechat_id") {
      DUNBAR_RETURN_IF_ERROR(
          NormalizeHandle(field, *member.mutable_wechat_id(), &validation::NormalizeWeChatId));
    } else if (path == "email") {
      DUNBAR_RETURN_IF_ERROR(
          NormalizeHandle(field, *member.mutable_email(), &validation::NormalizeEmail));
    } else if (path == "stage") {
      if (member.stage() == v1::STAGE_UNSPECIFIED || !v1::Stage_IsValid(member.stage())) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": must be CONTACT, LEAD, MEMBER or ALUMNI"));
      }
    } else if (path == "tags") {
      if (static_cast<size_t>(member.tags_size()) > validation::kMaxTags) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": at most ", validation::kMaxTags, " tags"));
      }
      std::vector<std::string> tags;
      for (const std::string& tag : member.tags()) {
        DUNBAR_ASSIGN_OR_RETURN(std::string normalized, validation::NormalizeTag(field, tag));
        tags.push_back(std::move(normalized));
      }
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      member.clear_tags();
      for (std::string& tag : tags) member.add_tags(std::move(tag));
    } else if (path == "source") {
      DUNBAR_RETURN_IF_ERROR(NormalizeText(field, kMaxSourceLength, *member.mutable_source()));
    } else if (path == "connection_point") {
      v1::ConnectionPoint& cp = *member.mutable_connection_point();
      DUNBAR_RETURN_IF_ERROR(NormalizeText(absl::StrCat(field, ".description"),
                                           kMaxConnectionPointLength, *cp.mutable_description()));
      if (cp.has_at() &&
          (cp.at().seconds() < kMinTimestampSeconds || cp.at().seconds() > kMaxTimestampSeconds ||
           cp.at().nanos() < 0 || cp.at().nanos() > 999999999)) {
        return absl::InvalidArgumentError(absl::StrCat(field, ".at: not a valid time"));
      }
      if (cp.description().empty() && !cp.has_at()) member.clear_connection_point();
    } else if (path == "notes") {
      DUNBAR_RETURN_IF_ERROR(
          NormalizeText(field, validation::kMaxNotesLength, *member.mutable_notes()));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: unknown or read-only path \"", path, "\""));
    }
  }
  return absl::OkStatus();
}

bool HasHandle(const v1::Member& member) {
  return !member.phone().empty() || !member.wechat_id().empty() || !member.email().empty();
}

}  // namespace dunbar::membership
