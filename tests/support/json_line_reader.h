// Reads a child process's stdout (JSON log lines) from a pipe, line by line, giving up after a
// deadline instead of hanging. Owns the fd and closes it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "absl/time/time.h"

namespace dunbar::testing {

class JsonLineReader {
 public:
  explicit JsonLineReader(int fd = -1) : fd_(fd) {}
  ~JsonLineReader();
  JsonLineReader(const JsonLineReader&) = delete;
  JsonLineReader& operator=(const JsonLineReader&) = delete;

  // Takes ownership of `fd` (closing any earlier one).
  void Reset(int fd);
  // The next line that is a JSON object with "event" == `event` (earlier lines are skipped, and
  // kept in output()); null on EOF or timeout.
  nlohmann::json WaitForEvent(const std::string& event, absl::Duration timeout);
  // Everything read so far (for failure messages).
  const std::string& output() const { return output_; }

 private:
  int fd_;
  std::string buffer_;  // read, not yet split into lines
  std::string output_;
};

}  // namespace dunbar::testing
