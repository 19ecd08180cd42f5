#include "common/api/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dunbar::api {
namespace {

constexpr size_t kMaxTokenLength = 2048;

}  // namespace

std::string EncodePageToken(std::string_view kind, const std::vector<std::string>& fields) {
  std::string plain = std::string(kind) + "1\n" + absl::StrJoin(fields, "\n");
  std::string token;
  absl::WebSafeBase64Escape(plain, &token);
  return token;
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view kind,
                                                         std::string_view token,
                                                         size_t field_count) {
  if (token.empty()) return std::vector<std::string>();
  const auto invalid = [] {
    return absl::InvalidArgumentError("page_token: not a token from this list");
  };
  std::string plain;
  if (token.size() > kMaxTokenLength ||
      !absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &plain)) {
    return invalid();
  }
  std::vector<std::string> parts = absl::StrSplit(plain, '\n');
  if (parts.size() != field_count + 1 || parts[0] != std::string(kind) + "1") return invalid();
  parts.erase(parts.begin());
  for (const std::string& part : parts) {
    if (part.empty()) return invalid();
  }
  return parts;
}

}  // namespace dunbar::api
