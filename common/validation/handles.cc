// Email and WeChat handles: the normalized form is what identifies a person within a tenant, so
// two spellings of the same handle must normalize to the same string.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation/validation.h"

namespace dunbar::validation {
namespace {

// Debian's abseil has its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), which
// std::string_view does not convert to implicitly.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }
std::string_view TrimAscii(std::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(AbslView(text));
  return {trimmed.data(), trimmed.size()};
}

constexpr size_t kMaxEmailLength = 254;      // RFC 5321 path limit minus the angle brackets
constexpr size_t kMaxEmailLocalLength = 64;  // RFC 5321 4.5.3.1.1
constexpr size_t kMinWeChatIdLength = 6;
constexpr size_t kMaxWeChatIdLength = 20;

// Characters that are never part of an unquoted address (we do not accept quoted local parts:
// contact books do not contain them, and they would make normalization ambiguous).
bool IsForbiddenInEmail(unsigned char c) {
  if (c <= 0x20 || c == 0x7F) return true;  // controls and space
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '[':
    case ']':
      return true;
    default:
      return false;
  }
}

bool IsValidEmailDomain(std::string_view domain) {
  if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
  if (domain.front() == '.' || domain.back() == '.') return false;
  return domain.find("..") == std::string_view::npos;
}

}  // namespace

absl::StatusOr<std::string> NormalizeEmail(std::string_view field, std::string_view value) {
  const absl::Status not_an_email =
      absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": not a valid email address"));
  if (!IsValidUtf8(value)) return not_an_email;
  std::string email(TrimAscii(value));
  absl::AsciiStrToLower(&email);
  if (email.empty()) return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": required"));
  if (email.size() > kMaxEmailLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": longer than ", kMaxEmailLength, " bytes"));
  }
  for (const char c : email) {
    if (IsForbiddenInEmail(static_cast<unsigned char>(c))) return not_an_email;
  }
  const size_t at = email.find('@');
  if (at == std::string::npos || email.find('@', at + 1) != std::string::npos) return not_an_email;
  const std::string_view local = std::string_view(email).substr(0, at);
  const std::string_view domain = std::string_view(email).substr(at + 1);
  if (local.empty() || local.size() > kMaxEmailLocalLength) return not_an_email;
  if (!IsValidEmailDomain(domain)) return not_an_email;
  return email;
}

absl::StatusOr<std::string> NormalizeWeChatId(std::string_view field, std::string_view value) {
  std::string id(TrimAscii(value));
  absl::AsciiStrToLower(&id);
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": required"));
  bool well_formed = id.size() >= kMinWeChatIdLength && id.size() <= kMaxWeChatIdLength &&
                     absl::ascii_isalpha(static_cast<unsigned char>(id.front()));
  for (size_t i = 1; well_formed && i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    well_formed = absl::ascii_isalnum(c) || c == '_' || c == '-';
  }
  if (!well_formed) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field),
                     ": not a valid WeChat id (6-20 characters: a letter, then letters, digits, "
                     "_ or -)"));
  }
  return id;
}

}  // namespace dunbar::validation
