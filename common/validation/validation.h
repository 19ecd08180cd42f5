// Input validation and handle normalization. Every error is INVALID_ARGUMENT and its message names
// the field, e.g. "member.email: not a valid email address".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dunbar::validation {

// Limits shared by every service.
inline constexpr size_t kMaxRequestIdLength = 128;
inline constexpr size_t kMaxNameLength = 200;  // bytes of UTF-8
inline constexpr size_t kMaxNotesLength = 4000;
inline constexpr size_t kMaxTagLength = 64;
inline constexpr size_t kMaxTags = 50;
inline constexpr size_t kMaxIdLength = 64;
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

bool IsValidUtf8(std::string_view text);

// UTF-8, at most `max_bytes`, and (if `required`) not empty after trimming ASCII whitespace.
absl::Status ValidateText(std::string_view field, std::string_view value, size_t max_bytes,
                          bool required);

// 1..128 printable ASCII characters.
absl::Status ValidateRequestId(std::string_view field, std::string_view value);

// An identifier we issued or a caller-chosen id: 1..64 chars of [A-Za-z0-9_.:-].
absl::Status ValidateId(std::string_view field, std::string_view value);

// 0 -> default 50; 1..500 accepted; anything else INVALID_ARGUMENT.
absl::StatusOr<int> ValidatePageSize(std::string_view field, int page_size);

// Phone numbers to E.164 (libphonenumber). Numbers without a leading + are read in
// `default_country` (ISO 3166 alpha-2, e.g. "CN", "US"; case-insensitive; empty = no default, so
// only international numbers are accepted), which also decides the international call prefix
// ("0044 20 ..." in CN, "011 44 20 ..." in US). Spaces, dashes, dots, slashes and brackets are
// allowed (also their full-width forms, and full-width digits); letters (vanity numbers,
// extensions, "tel:") are not. The number must be valid for its region (IsValidNumber: the
// length and leading digits match a real numbering plan), not merely of a possible length.
//   NormalizePhone("phone", "(415) 555-2671", "US")  -> "+14155552671"
//   NormalizePhone("phone", "138 0013 8000", "CN")   -> "+8613800138000"
// Cost: ~25 us for a number not seen before (libphonenumber matches with ICU regexes); results
// are memoized in a bounded process-wide cache, so repeats and other spellings cost < 1 us.
absl::StatusOr<std::string> NormalizePhone(std::string_view field, std::string_view value,
                                           std::string_view default_country);

// A region libphonenumber knows (ISO 3166 alpha-2, case-insensitive), e.g. for the default
// country flag at start-up. Returns the upper-cased code.
absl::StatusOr<std::string> ValidateCountryCode(std::string_view field, std::string_view value);

// Trimmed, lower-cased (ASCII), one '@', a local part of 1..64 bytes, a domain with a dot and no
// empty labels, no spaces, control characters or ()<>,;:\"[], at most 254 bytes. Quoted local
// parts are not accepted (contact books do not hold them; they would make matching ambiguous).
absl::StatusOr<std::string> NormalizeEmail(std::string_view field, std::string_view value);

// WeChat ids: 6..20 chars, starts with a letter, then letters, digits, '_' or '-'. Trimmed and
// lower-cased (WeChat ids are case-insensitive).
absl::StatusOr<std::string> NormalizeWeChatId(std::string_view field, std::string_view value);

// Tags: trimmed, lower-cased (ASCII), UTF-8, 1..64 bytes, no commas or control characters.
absl::StatusOr<std::string> NormalizeTag(std::string_view field, std::string_view value);

// ISO 4217-shaped: three ASCII letters, returned upper-cased.
absl::StatusOr<std::string> NormalizeCurrency(std::string_view field, std::string_view value);

}  // namespace dunbar::validation
