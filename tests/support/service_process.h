// A dunbar service binary as a child process, for tests that need the real thing (signals, exit
// codes, main.cc's wiring): stdout (JSON log lines) and stderr are read through one pipe, the child
// is killed if the test process dies (PR_SET_PDEATHSIG) and SIGKILLed at destruction if still
// running.
//
//   ServiceProcess membership(DUNBAR_MEMBERSHIP_BINARY, {"--listen", "127.0.0.1:0", ...});
//   ASSERT_TRUE(membership.Start().ok());
//   nlohmann::json started = membership.WaitForEvent("server_started", absl::Seconds(10));
//   membership.Signal(SIGTERM);
//   std::optional<int> code = membership.WaitForExit(absl::Seconds(10));  // nullopt: still running
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/support/json_line_reader.h"

namespace dunbar::testing {

class ServiceProcess {
 public:
  ServiceProcess(std::string binary, std::vector<std::string> args);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  absl::Status Start();
  // The next stdout line that is a JSON object with "event" == `event` (earlier lines are
  // skipped, and kept in output()); null on EOF or timeout.
  nlohmann::json WaitForEvent(const std::string& event, absl::Duration timeout);
  void Signal(int signal);
  // The exit code; -signal if killed by a signal; nullopt if it did not exit within `timeout`.
  std::optional<int> WaitForExit(absl::Duration timeout);
  pid_t pid() const { return pid_; }
  // Everything read from stdout so far (for failure messages).
  const std::string& output() const { return stdout_.output(); }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  JsonLineReader stdout_;
};

// Writes `contents` to a new file in a fresh temp dir; returns its path ("" on failure).
std::string WriteTempFile(const std::string& name, const std::string& contents);

}  // namespace dunbar::testing
