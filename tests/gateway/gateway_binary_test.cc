// The real gateway binary (main.cc): flags validated at start (exit 2 naming the flag), serving
// on --listen, and SIGTERM -> stop accepting, finish, exit 0.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace {

#ifdef DUNBAR_GATEWAY_BINARY
constexpr char kBinary[] = DUNBAR_GATEWAY_BINARY;
#else
constexpr char kBinary[] = "";
#endif

pid_t Spawn(const std::vector<std::string>& args, const std::string& output) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kBinary));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, kBinary, &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int WaitExit(pid_t pid, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  int status = 0;
  while (absl::Now() < give_up) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    absl::SleepFor(absl::Milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -2;  // did not exit in time
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A port nothing listens on: bound to 0 and closed at once (a leaked listener would share the
// port with the gateway through SO_REUSEPORT and swallow requests).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

TEST(GatewayBinaryTest, BadConfigurationExits2NamingTheFlag) {
  if (kBinary[0] == '\0') GTEST_SKIP() << "gateway binary not built";
  const std::string out = ::testing::TempDir() + "/gateway-bad-config.log";
  pid_t pid = Spawn({"--timeout-ms", "0"}, out);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 2);
  EXPECT_NE(ReadFile(out).find("--timeout-ms"), std::string::npos) << ReadFile(out);

  pid = Spawn({"--webhook-secrets-file", "/nonexistent/secrets"}, out);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 2);
  EXPECT_NE(ReadFile(out).find("--webhook-secrets-file"), std::string::npos) << ReadFile(out);
}

TEST(GatewayBinaryTest, ServesUntilSigtermThenExitsZero) {
  if (kBinary[0] == '\0') GTEST_SKIP() << "gateway binary not built";
  const int port = FreePort();
  const std::string out = ::testing::TempDir() + "/gateway-run.log";
  // Backends on ports nothing listens on (not the defaults: another process may use those).
  const std::string nowhere = absl::StrCat("127.0.0.1:", FreePort());
  pid_t pid =
      Spawn({"--listen", absl::StrCat("127.0.0.1:", port), "--threads", "2", "--timeout-ms", "2000",
             "--membership-addr", nowhere, "--cohort-addr", nowhere, "--outreach-addr", nowhere},
            out);
  ASSERT_GT(pid, 0);
  // Never leave the process behind when an assertion ends the test early.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (waitpid(pid, nullptr, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{pid};
  httplib::Client client("127.0.0.1", port);
  bool up = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (!up && absl::Now() < give_up) {
    auto res = client.Get("/healthz");
    up = res && res->status == 200 && res->body == R"({"status":"SERVING"})";
    if (!up) absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(up) << ReadFile(out);
  // No backends are running: readiness says so, liveness does not care.
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(pid, absl::Seconds(30)), 0) << ReadFile(out);
  EXPECT_NE(ReadFile(out).find("gateway.stopped"), std::string::npos);
  EXPECT_FALSE(client.Get("/healthz"));  // no longer listening
}

}  // namespace
