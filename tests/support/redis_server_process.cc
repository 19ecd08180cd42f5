#include "tests/support/redis_server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"

namespace dunbar::testing {
namespace {

// A unix-socket connect that succeeds means redis-server is accepting; PING through hiredis
// would work too, but this keeps test support free of the code under test.
bool SocketAccepts(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    ::close(fd);
    return false;
  }
  std::copy(path.begin(), path.end(), addr.sun_path);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  if (ok) {
    // Redis accepts connections before it has replayed the AOF; it answers -LOADING meanwhile.
    const char ping[] = "PING\r\n";
    char buf[64] = {0};
    ok = ::write(fd, ping, sizeof(ping) - 1) == static_cast<ssize_t>(sizeof(ping) - 1) &&
         ::read(fd, buf, sizeof(buf) - 1) > 0 &&
         (std::string(buf).rfind("+PONG", 0) == 0 ||
          // With --requirepass, a ready server refuses an unauthenticated PING.
          std::string(buf).rfind("-NOAUTH", 0) == 0);
  }
  ::close(fd);
  return ok;
}

}  // namespace

RedisServerProcess::RedisServerProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)) {
  char tmpl[] = "/tmp/dunbar-redis-XXXXXX";
  if (char* made = ::mkdtemp(tmpl)) dir_ = made;
  socket_path_ = dir_ + "/redis.sock";
}

RedisServerProcess::~RedisServerProcess() {
  Kill();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

absl::Status RedisServerProcess::Start() {
  if (dir_.empty()) return absl::InternalError("could not create a temp dir for redis-server");
  if (pid_ > 0) return absl::OkStatus();
  std::vector<std::string> args = {"redis-server", "--port",     "0",
                                   "--unixsocket", socket_path_, "--unixsocketperm",
                                   "700",          "--dir",      dir_,
                                   "--save",       "",           "--appendonly",
                                   "yes",          "--logfile",  dir_ + "/redis.log",
                                   "--daemonize",  "no"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Die with the test process, even if it crashes, instead of lingering as an orphan.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO);
      ::dup2(devnull, STDOUT_FILENO);
    }
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (SocketAccepts(socket_path_)) return absl::OkStatus();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(
          absl::StrCat("redis-server exited at start; see ", dir_, "/redis.log"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return absl::DeadlineExceededError("redis-server did not answer within 10 s");
}

void RedisServerProcess::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void RedisServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace dunbar::testing
