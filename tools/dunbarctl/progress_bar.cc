#include "tools/dunbarctl/progress_bar.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace dunbar::dunbarctl {
namespace {

std::string WithThousands(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace

std::string RenderProgressLine(int64_t done_bytes, int64_t total_bytes, int64_t rows,
                               int bar_width) {
  const std::string row_text = absl::StrCat(WithThousands(rows), rows == 1 ? " row" : " rows");
  if (total_bytes <= 0) return row_text;
  const int64_t done = std::clamp<int64_t>(done_bytes, 0, total_bytes);
  const int percent = static_cast<int>(done * 100 / total_bytes);
  const int filled = static_cast<int>(done * bar_width / total_bytes);
  std::string bar = "[";
  bar.append(filled, '#');
  bar.append(bar_width - filled, '-');
  bar += "]";
  const std::string percent_text = absl::StrCat(percent);
  return absl::StrCat(bar, std::string(5 - std::min<size_t>(4, percent_text.size()), ' '),
                      percent_text, "%  ", row_text);
}

ProgressBar::ProgressBar(std::ostream& out, int64_t total_bytes, bool enabled)
    : out_(out), total_bytes_(total_bytes), enabled_(enabled) {}

ProgressBar::~ProgressBar() { Finish(); }

bool ProgressBar::StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::Update(int64_t done_bytes, int64_t rows) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  const bool complete = total_bytes_ > 0 && done_bytes >= total_bytes_;
  if (!complete && now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  const std::string line = RenderProgressLine(done_bytes, total_bytes_, rows);
  out_ << '\r' << line;
  // Pad over a longer previous line.
  if (line.size() < last_length_) out_ << std::string(last_length_ - line.size(), ' ');
  out_.flush();
  last_length_ = std::max(last_length_, line.size());
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  out_ << '\r' << std::string(last_length_, ' ') << '\r';
  out_.flush();
  drawn_ = false;
}

}  // namespace dunbar::dunbarctl
