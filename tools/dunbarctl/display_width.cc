#include "tools/dunbarctl/display_width.h"

#include <algorithm>
#include <iterator>

namespace dunbar::dunbarctl {
namespace {

// Why a hand-written table rather than wcwidth(3): wcwidth depends on the process locale (it
// returns -1 for every non-ASCII character under the "C" locale that minimal containers and CI
// start with), so alignment would change with LANG. These ranges are the Unicode 15 East Asian
// Width W/F blocks that matter for contact names, plus the common zero-width marks.
struct Range {
  char32_t first;
  char32_t last;
};

constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F},  // combining diacritical marks
    {0x0483, 0x0489},   {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F},   {0x200B, 0x200F},  // zero width space, joiners, direction marks
    {0x202A, 0x202E},   {0x2060, 0x2064}, {0x20D0, 0x20FF},  // combining marks for symbols
    {0xFE00, 0xFE0F},                                        // variation selectors
    {0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},                    // byte order mark
    {0xE0100, 0xE01EF},                                      // variation selectors supplement
};

constexpr Range kWide[] = {
    {0x1100, 0x115F},  // Hangul Jamo initial consonants
    {0x231A, 0x231B},
    {0x2329, 0x232A},
    {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},
    {0x2614, 0x2615},
    {0x2648, 0x2653},
    {0x267F, 0x267F},
    {0x2693, 0x2693},
    {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},
    {0x26BD, 0x26BE},
    {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},
    {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},
    {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},
    {0x2705, 0x2705},
    {0x270A, 0x270B},
    {0x2728, 0x2728},
    {0x274C, 0x274C},
    {0x274E, 0x274E},
    {0x2753, 0x2755},
    {0x2757, 0x2757},
    {0x2795, 0x2797},
    {0x27B0, 0x27B0},
    {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},
    {0x2B55, 0x2B55},
    {0x2E80, 0x303E},  // CJK radicals, Kangxi, ideographic
                       // description, CJK
                       // symbols/punctuation
    {0x3041, 0x33FF},  // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
    {0x3400, 0x4DBF},  // CJK extension A
    {0x4E00, 0x9FFF},  // CJK unified ideographs
    {0xA000, 0xA4CF},  // Yi
    {0xA960, 0xA97F},  // Hangul Jamo extended A
    {0xAC00, 0xD7A3},  // Hangul syllables
    {0xF900, 0xFAFF},  // CJK compatibility ideographs
    {0xFE10, 0xFE19},  // vertical forms
    {0xFE30, 0xFE6F},  // CJK compatibility forms, small form variants
    {0xFF00, 0xFF60},  // fullwidth forms
    {0xFFE0, 0xFFE6},  // fullwidth signs
    {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF},  // Tangut
    {0x1B000, 0x1B2FF},  // kana supplement and extensions
    {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A},
    {0x1F200, 0x1F251},  // enclosed ideographic supplement
    {0x1F300, 0x1F64F},  // pictographs and emoticons (emoji presentation by default)
    {0x1F680, 0x1F6FF},  // transport and map symbols
    {0x1F900, 0x1F9FF},  // supplemental symbols and pictographs
    {0x1FA70, 0x1FAFF},  // symbols and pictographs extended A
    {0x20000, 0x2FFFD},  // CJK extensions B..F, compatibility supplement
    {0x30000, 0x3FFFD},  // CJK extension G
};

template <size_t N>
bool InRanges(const Range (&ranges)[N], char32_t code_point) {
  // Ranges are sorted and disjoint: binary search on the last element.
  const Range* it =
      std::lower_bound(std::begin(ranges), std::end(ranges), code_point,
                       [](const Range& range, char32_t value) { return range.last < value; });
  return it != std::end(ranges) && it->first <= code_point;
}

// Decodes one code point at `text[*pos]`, advancing `*pos`. Returns false (and advances by one
// byte) on malformed input.
bool DecodeUtf8(absl::string_view text, size_t* pos, char32_t* code_point) {
  const auto lead = static_cast<unsigned char>(text[*pos]);
  size_t length = 0;
  char32_t value = 0;
  if (lead < 0x80) {
    *code_point = lead;
    *pos += 1;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
  } else {
    *pos += 1;
    return false;
  }
  if (*pos + length > text.size()) {
    *pos += 1;
    return false;
  }
  for (size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[*pos + i]);
    if ((next & 0xC0) != 0x80) {
      *pos += 1;
      return false;
    }
    value = (value << 6) | (next & 0x3F);
  }
  *pos += length;
  *code_point = value;
  return true;
}

}  // namespace

int CodePointWidth(char32_t code_point) {
  if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0)) return 0;
  if (code_point < 0x300) return 1;  // fast path: Latin
  if (InRanges(kZeroWidth, code_point)) return 0;
  if (InRanges(kWide, code_point)) return 2;
  return 1;
}

size_t DisplayWidth(absl::string_view utf8) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t code_point = 0;
    width += DecodeUtf8(utf8, &pos, &code_point) ? CodePointWidth(code_point) : 1;
  }
  return width;
}

std::string TruncateToWidth(absl::string_view utf8, size_t max_width) {
  if (DisplayWidth(utf8) <= max_width) return std::string(utf8);
  constexpr absl::string_view kEllipsis = "…";  // one column
  if (max_width == 0) return "";
  const size_t budget = max_width - 1;
  size_t width = 0;
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t code_point = 0;
    size_t next = pos;
    const int w = DecodeUtf8(utf8, &next, &code_point) ? CodePointWidth(code_point) : 1;
    if (width + w > budget) break;
    width += w;
    pos = next;
  }
  std::string out(utf8.substr(0, pos));
  out.append(kEllipsis.data(), kEllipsis.size());
  return out;
}

}  // namespace dunbar::dunbarctl
