// Generic field checks: text, request ids, ids, page sizes, tags, currencies.
#include "common/validation/validation.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dunbar::validation {
namespace {

// Debian's abseil has its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), which
// std::string_view does not convert to implicitly.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }
std::string_view TrimAscii(std::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(AbslView(text));
  return {trimmed.data(), trimmed.size()};
}

absl::Status Invalid(std::string_view field, std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": ", AbslView(reason)));
}

bool IsAsciiControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

// C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
bool HasControlCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsAsciiControl(c)) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::Status ValidateText(std::string_view field, std::string_view value, size_t max_bytes,
                          bool required) {
  if (!IsValidUtf8(value)) return Invalid(field, "not valid UTF-8");
  if (value.size() > max_bytes) {
    return Invalid(field, absl::StrCat("longer than ", max_bytes, " bytes"));
  }
  if (required && TrimAscii(value).empty()) return Invalid(field, "required");
  return absl::OkStatus();
}

absl::Status ValidateRequestId(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() > kMaxRequestIdLength) {
    return Invalid(field, absl::StrCat("longer than ", kMaxRequestIdLength, " characters"));
  }
  for (const char c : value) {
    if (c < 0x20 || c > 0x7E) return Invalid(field, "must be printable ASCII");
  }
  return absl::OkStatus();
}

absl::Status ValidateId(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() > kMaxIdLength) {
    return Invalid(field, absl::StrCat("longer than ", kMaxIdLength, " characters"));
  }
  for (const char c : value) {
    const bool allowed = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                         c == '.' || c == ':' || c == '-';
    if (!allowed) return Invalid(field, "may only contain letters, digits and _ . : -");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ValidatePageSize(std::string_view field, int page_size) {
  if (page_size == 0) return kDefaultPageSize;
  if (page_size < 0 || page_size > kMaxPageSize) {
    return Invalid(field, absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  return page_size;
}

absl::StatusOr<std::string> NormalizeTag(std::string_view field, std::string_view value) {
  if (!IsValidUtf8(value)) return Invalid(field, "not valid UTF-8");
  std::string tag(TrimAscii(value));
  absl::AsciiStrToLower(&tag);
  if (tag.empty()) return Invalid(field, "required");
  if (tag.size() > kMaxTagLength) {
    return Invalid(field, absl::StrCat("longer than ", kMaxTagLength, " bytes"));
  }
  if (tag.find(',') != std::string::npos) return Invalid(field, "must not contain commas");
  if (HasControlCharacter(tag)) return Invalid(field, "must not contain control characters");
  return tag;
}

absl::StatusOr<std::string> NormalizeCurrency(std::string_view field, std::string_view value) {
  std::string currency(TrimAscii(value));
  if (currency.size() != 3) return Invalid(field, "must be a three-letter ISO 4217 code");
  for (const char c : currency) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      return Invalid(field, "must be a three-letter ISO 4217 code");
    }
  }
  absl::AsciiStrToUpper(&currency);
  return currency;
}

}  // namespace dunbar::validation
