// Phone normalization to E.164 with libphonenumber (Debian's libphonenumber-dev).
//
// Speed: Debian's libphonenumber matches with ICU regular expressions, so Parse + IsValidNumber
// cost ~45 us for a formatted input. We first reduce the input to "+digits" or "digits" ourselves
// (which halves libphonenumber's parse time and lets every spelling of a number share one key),
// then memoize results: imports see the same numbers again (duplicate rows, re-runs of a file).
#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
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

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// Longest realistic written form (15 digits E.164 plus separators and full-width characters).
constexpr size_t kMaxPhoneInputBytes = 64;

bool IsSeparator(char c) {
  return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

// Reduces a written number to an optional leading '+' and ASCII digits. Separators (also their
// full-width forms and the ideographic space that Chinese input methods produce) are dropped and
// full-width digits mapped to ASCII. Anything else (letters of vanity numbers and extensions,
// "tel:", a '+' after a digit, other scripts) makes the input invalid: nullopt.
std::optional<std::string> ReduceToDigits(std::string_view text) {
  std::string digits;
  digits.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits += c;
      ++i;
      continue;
    }
    if (IsSeparator(c)) {
      ++i;
      continue;
    }
    bool plus = c == '+';
    if (!plus) {
      // Full-width forms are 3 bytes: EF BC xx, and U+3000 is E3 80 80.
      if (i + 3 > text.size()) return std::nullopt;
      const auto b0 = static_cast<unsigned char>(text[i]);
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      i += 3;
      if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) continue;  // U+3000 ideographic space
      if (b0 != 0xEF || b1 != 0xBC) return std::nullopt;
      if (b2 >= 0x90 && b2 <= 0x99) {  // U+FF10..FF19 full-width digits
        digits += static_cast<char>('0' + (b2 - 0x90));
        continue;
      }
      if (b2 == 0x88 || b2 == 0x89 || b2 == 0x8D || b2 == 0x8E) continue;  // （ ） － ．
      if (b2 != 0x8B) return std::nullopt;                                 // ＋
      plus = true;
    } else {
      ++i;
    }
    if (!digits.empty()) return std::nullopt;  // '+' only before the first digit, and only once
    digits = "+";
  }
  if (digits.empty() || digits == "+") return std::nullopt;
  return digits;
}

const std::set<std::string>& SupportedRegions() {
  static const std::set<std::string>* const regions = [] {
    auto* set = new std::set<std::string>();
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(set);
    return set;
  }();
  return *regions;
}

// "<region>:<digits>" -> E.164, or "" for an invalid number. Sharded so import threads rarely
// meet on one lock; a full shard is simply cleared (bounded memory, no eviction bookkeeping).
class PhoneCache {
 public:
  std::optional<std::string> Find(const std::string& key) {
    Shard& shard = ShardFor(key);
    std::lock_guard<std::mutex> lock(shard.mu);
    const auto found = shard.entries.find(key);
    if (found == shard.entries.end()) return std::nullopt;
    return found->second;
  }

  void Insert(std::string key, std::string e164) {
    Shard& shard = ShardFor(key);
    std::lock_guard<std::mutex> lock(shard.mu);
    if (shard.entries.size() >= kMaxEntriesPerShard) shard.entries.clear();
    shard.entries.emplace(std::move(key), std::move(e164));
  }

 private:
  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxEntriesPerShard = 4096;  // 64k numbers, a few MB at most

  struct Shard {
    std::mutex mu;
    absl::flat_hash_map<std::string, std::string> entries;
  };

  Shard& ShardFor(const std::string& key) {
    return shards_[absl::Hash<std::string>()(key) % kShards];
  }

  std::array<Shard, kShards> shards_;
};

PhoneCache& GlobalPhoneCache() {
  static PhoneCache* const cache = new PhoneCache();
  return *cache;
}

// E.164 for `digits` read in `region` ("ZZ": international only), or "" if not a valid number.
std::string ParseAndValidate(const std::string& digits, const std::string& region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(digits, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return "";
  // IsValidNumber, not IsPossibleNumber: the latter only checks the length and accepts numbers
  // no operator could ever assign ("+1 555 555 5555", a 5-digit "mobile").
  if (!util.IsValidNumber(number)) return "";
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace

absl::StatusOr<std::string> ValidateCountryCode(std::string_view field, std::string_view value) {
  std::string region(TrimAscii(value));
  absl::AsciiStrToUpper(&region);
  if (region.size() != 2 || SupportedRegions().count(region) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": not a known ISO 3166 two-letter country code"));
  }
  return region;
}

absl::StatusOr<std::string> NormalizePhone(std::string_view field, std::string_view value,
                                           std::string_view default_country) {
  // "ZZ" is libphonenumber's unknown region: only numbers with a leading + parse.
  std::string region = "ZZ";
  if (!default_country.empty()) {
    auto validated =
        ValidateCountryCode(absl::StrCat(AbslView(field), " default country"), default_country);
    if (!validated.ok()) return validated.status();
    region = *std::move(validated);
  }

  const absl::Status not_a_phone =
      absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": not a valid phone number"));
  if (!IsValidUtf8(value)) return not_a_phone;
  const std::string_view trimmed = TrimAscii(value);
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": required"));
  }
  if (trimmed.size() > kMaxPhoneInputBytes) return not_a_phone;
  std::optional<std::string> digits = ReduceToDigits(trimmed);
  if (!digits) return not_a_phone;

  std::string key = absl::StrCat(region, ":", *digits);
  std::optional<std::string> e164 = GlobalPhoneCache().Find(key);
  if (!e164) {
    e164 = ParseAndValidate(*digits, region);
    GlobalPhoneCache().Insert(std::move(key), *e164);
  }
  if (e164->empty()) return not_a_phone;
  return *std::move(e164);
}

}  // namespace dunbar::validation
