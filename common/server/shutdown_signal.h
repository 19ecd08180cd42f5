// A one-shot wake-up that a signal handler can trigger: a self-pipe. The handler (and any thread)
// only write(2)s one byte, which is async-signal-safe; a waiting thread read(2)s it.
//
//   ShutdownSignal signal;                       // check signal.status() once
//   ShutdownSignalHandlers handlers(signal);     // SIGTERM/SIGINT -> signal.Notify()
//   std::thread waiter([&] { signal.WaitForNotify(); Drain(); });
//
// Only one ShutdownSignalHandlers may be installed at a time in a process.
#pragma once

#include <csignal>

#include "absl/status/status.h"

namespace dunbar::server {

class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  // Not OK if the pipe could not be created (e.g. out of file descriptors).
  const absl::Status& status() const { return status_; }
  // Async-signal-safe and thread-safe; further calls after the first are harmless.
  void Notify() const;
  // Blocks until Notify() has been called (returns at once if it already was).
  void WaitForNotify() const;

  int write_fd() const { return write_fd_; }

 private:
  absl::Status status_;
  int read_fd_ = -1;
  int write_fd_ = -1;
};

// RAII: while alive, SIGTERM and SIGINT notify `signal`; the previous dispositions are restored on
// destruction.
class ShutdownSignalHandlers {
 public:
  explicit ShutdownSignalHandlers(const ShutdownSignal& signal);
  ~ShutdownSignalHandlers();
  ShutdownSignalHandlers(const ShutdownSignalHandlers&) = delete;
  ShutdownSignalHandlers& operator=(const ShutdownSignalHandlers&) = delete;

 private:
  struct sigaction previous_term_ {};
  struct sigaction previous_int_ {};
};

}  // namespace dunbar::server
