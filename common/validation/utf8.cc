// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
// Hand-written because Debian ships no small library for just this, and the rules fit in a table
// of byte ranges (Unicode 15, table 3-7 "Well-Formed UTF-8 Byte Sequences").
#include <cstdint>
#include <string_view>

#include "common/validation/validation.h"

namespace dunbar::validation {

bool IsValidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    int continuation_count;
    // The allowed range of the first continuation byte excludes overlongs (E0, F0), surrogates
    // (ED) and code points above U+10FFFF (F4); later continuation bytes are always 80..BF.
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation_count = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation_count = 2;
      if (lead == 0xE0) second_min = 0xA0;
      if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation_count = 3;
      if (lead == 0xF0) second_min = 0x90;
      if (lead == 0xF4) second_max = 0x8F;
    } else {
      return false;  // 80..C1 (continuation or overlong 2-byte lead) and F5..FF
    }
    if (size - i <= static_cast<size_t>(continuation_count)) return false;
    if (bytes[i + 1] < second_min || bytes[i + 1] > second_max) return false;
    for (int k = 2; k <= continuation_count; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return false;
    }
    i += continuation_count + 1;
  }
  return true;
}

}  // namespace dunbar::validation
