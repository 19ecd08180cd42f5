// Small text charts for terminal tables: a fill bar for a batch's seats and a sparkline for a
// daily series. Both use block characters that terminals draw one column wide, so table columns
// stay aligned (see display_width.h).
//
//   FillBar(142, 150)          == "[█████████░] 142/150"
//   FillBar(150, 150)          == "[██████████] 150/150"
//   Sparkline({0, 1, 4, 8})    == "▁▂▄█"
#pragma once

#include <string>
#include <vector>

namespace dunbar::dunbarctl {

// `width` cells, each a filled block for a whole 1/width of the capacity taken (rounded down, so
// the bar is only completely filled when every seat is taken), then "taken/capacity". Taken is
// clamped to 0..capacity for the bar; the count shows the real numbers.
std::string FillBar(int taken, int capacity, int width = 10);

// One block per value, its height proportional to the value's share of the largest one: zero is
// the lowest block, any positive value at least the second lowest, the largest the full block.
std::string Sparkline(const std::vector<int>& values);

}  // namespace dunbar::dunbarctl
