// A one-line progress bar on stderr for long imports, redrawn in place with '\r' at most ten
// times a second. Disabled (draws nothing) unless stderr is a terminal, so logs and pipes stay
// clean.
//
//   ProgressBar bar(std::cerr, file_size, ProgressBar::StderrIsTerminal());
//   bar.Update(reader.bytes_consumed(), rows_sent);
//   bar.Finish();   // erases the line before the summary is printed
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/time/time.h"

namespace dunbar::dunbarctl {

// "[##########----------]  50%  1,234 rows" for a known total; "1,234 rows" when total <= 0.
std::string RenderProgressLine(int64_t done_bytes, int64_t total_bytes, int64_t rows,
                               int bar_width = 30);

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, int64_t total_bytes, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  static bool StderrIsTerminal();

  void Update(int64_t done_bytes, int64_t rows);
  // Erases the bar (idempotent).
  void Finish();

 private:
  std::ostream& out_;
  int64_t total_bytes_;
  bool enabled_;
  bool drawn_ = false;
  size_t last_length_ = 0;
  absl::Time last_draw_ = absl::InfinitePast();
};

}  // namespace dunbar::dunbarctl
