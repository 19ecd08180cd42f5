#include "tests/support/service_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace dunbar::testing {

ServiceProcess::ServiceProcess(std::string binary, std::vector<std::string> args)
    : binary_(std::move(binary)), args_(std::move(args)) {}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

absl::Status ServiceProcess::Start() {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  std::vector<char*> argv;
  argv.push_back(binary_.data());
  for (std::string& arg : args_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);  // start-up errors go to stderr: keep them in output()
    ::execv(binary_.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  stdout_.Reset(out[0]);
  pid_ = pid;
  return absl::OkStatus();
}

nlohmann::json ServiceProcess::WaitForEvent(const std::string& event, absl::Duration timeout) {
  return stdout_.WaitForEvent(event, timeout);
}

void ServiceProcess::Signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ServiceProcess::WaitForExit(absl::Duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return -WTERMSIG(status);
    }
    if (absl::Now() >= deadline) return std::nullopt;
    // Polling waitpid: there is no portable wait-with-timeout for a child.
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::string WriteTempFile(const std::string& name, const std::string& contents) {
  char dir_template[] = "/tmp/dunbar-test-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return "";
  const std::string path = absl::StrCat(dir_template, "/", name);
  std::ofstream file(path);
  file << contents;
  return file ? path : "";
}

}  // namespace dunbar::testing
