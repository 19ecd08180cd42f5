// Terminal display width of UTF-8 text: East Asian wide and fullwidth characters (CJK ideographs,
// kana, Hangul, fullwidth forms, most emoji) take two columns, combining marks take none, and the
// rest take one. Used to align table columns that mix Chinese names with Latin text.
//
//   DisplayWidth("Li Wei")   == 6
//   DisplayWidth("王小明")    == 6
//   TruncateToWidth("王小明和朋友们", 7) == "王小明…"   (6 + 1 columns)
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace dunbar::dunbarctl {

// Columns one code point occupies: 0, 1 or 2 (control characters count as 0).
int CodePointWidth(char32_t code_point);

// Sum of CodePointWidth over the decoded text. Bytes that are not valid UTF-8 count one column
// each (they are printed as replacement characters by most terminals).
size_t DisplayWidth(absl::string_view utf8);

// The longest prefix of whole code points whose width fits in `max_width`, with "…" appended
// (within the budget) when something was cut. Text that fits is returned unchanged.
std::string TruncateToWidth(absl::string_view utf8, size_t max_width);

}  // namespace dunbar::dunbarctl
