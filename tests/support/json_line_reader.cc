#include "tests/support/json_line_reader.h"

#include <poll.h>
#include <unistd.h>

#include "absl/time/clock.h"

namespace dunbar::testing {

JsonLineReader::~JsonLineReader() { Reset(-1); }

void JsonLineReader::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  buffer_.clear();
}

nlohmann::json JsonLineReader::WaitForEvent(const std::string& event, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    size_t newline;
    while ((newline = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
      if (parsed.is_object() && parsed.value("event", "") == event) return parsed;
    }
    const int wait_ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (wait_ms <= 0 || fd_ < 0) return nullptr;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, wait_ms) <= 0) return nullptr;
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n <= 0) return nullptr;
    buffer_.append(chunk, static_cast<size_t>(n));
    output_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace dunbar::testing
