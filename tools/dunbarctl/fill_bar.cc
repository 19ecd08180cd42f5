#include "tools/dunbarctl/fill_bar.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace dunbar::dunbarctl {

std::string FillBar(int taken, int capacity, int width) {
  width = std::max(width, 1);
  int filled = 0;
  if (capacity > 0) {
    const int64_t clamped = std::clamp(taken, 0, capacity);
    filled = static_cast<int>(clamped * width / capacity);
  }
  std::string bar = "[";
  for (int i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  absl::StrAppend(&bar, "] ", taken, "/", capacity);
  return bar;
}

std::string Sparkline(const std::vector<int>& values) {
  static constexpr const char* kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  constexpr int kLevelCount = 8;
  const int largest = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  std::string line;
  for (int value : values) {
    int level = 0;
    if (value > 0 && largest > 0) {
      // The block whose height (k/8) is the first to reach the value's share of the largest.
      const int64_t eighths =
          (static_cast<int64_t>(value) * kLevelCount + largest - 1) / largest;  // ceil
      level = std::clamp(static_cast<int>(eighths) - 1, 1, kLevelCount - 1);
    }
    line += kLevels[level];
  }
  return line;
}

}  // namespace dunbar::dunbarctl
