#include "common/server/shutdown_signal.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dunbar::server {
namespace {

// The only state the signal handler touches; lock-free atomics are async-signal-safe.
std::atomic<int> g_signal_write_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

void WriteWakeByte(int fd) {
  const char byte = 1;
  // Non-blocking: if the pipe is somehow full, a wake-up is already pending.
  while (::write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

extern "C" void OnShutdownSignal(int /*signo*/) {
  const int saved_errno = errno;
  const int fd = g_signal_write_fd.load(std::memory_order_relaxed);
  if (fd >= 0) WriteWakeByte(fd);
  errno = saved_errno;
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    status_ = absl::ResourceExhaustedError(
        absl::StrCat("cannot create the shutdown pipe: ", std::strerror(errno)));
    return;
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  ::fcntl(write_fd_, F_SETFL, ::fcntl(write_fd_, F_GETFL) | O_NONBLOCK);
}

ShutdownSignal::~ShutdownSignal() {
  if (read_fd_ >= 0) ::close(read_fd_);
  if (write_fd_ >= 0) ::close(write_fd_);
}

void ShutdownSignal::Notify() const {
  if (write_fd_ >= 0) WriteWakeByte(write_fd_);
}

void ShutdownSignal::WaitForNotify() const {
  if (read_fd_ < 0) return;
  char byte;
  // The byte is never consumed by anyone else, and one is enough: later Notify() calls only
  // leave more bytes in the pipe, which is closed with the object.
  while (::read(read_fd_, &byte, 1) < 0 && errno == EINTR) {
  }
}

ShutdownSignalHandlers::ShutdownSignalHandlers(const ShutdownSignal& signal) {
  g_signal_write_fd.store(signal.write_fd());
  struct sigaction action {};
  action.sa_handler = OnShutdownSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &action, &previous_term_);
  ::sigaction(SIGINT, &action, &previous_int_);
}

ShutdownSignalHandlers::~ShutdownSignalHandlers() {
  ::sigaction(SIGTERM, &previous_term_, nullptr);
  ::sigaction(SIGINT, &previous_int_, nullptr);
  g_signal_write_fd.store(-1);
}

}  // namespace dunbar::server
