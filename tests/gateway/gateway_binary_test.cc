// The real gateway binary (main.cc): flags validated at start (exit 2 naming the flag), serving
// on --listen, and SIGTERM -> stop accepting, finish, exit 0.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/service_process.h"

namespace {

#ifdef DUNBAR_GATEWAY_BINARY
constexpr char kBinary[] = DUNBAR_GATEWAY_BINARY;
#else
constexpr char kBinary[] = "";
#endif

// Everything the process wrote (stdout and stderr), read until it closed its output.
std::string AllOutput(dunbar::testing::ServiceProcess& process) {
  process.WaitForEvent("never-logged", absl::Seconds(10));  // returns at EOF
  return process.output();
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
  dunbar::testing::ServiceProcess zero_timeout(kBinary, {"--timeout-ms", "0"});
  ASSERT_TRUE(zero_timeout.Start().ok());
  EXPECT_EQ(zero_timeout.WaitForExit(absl::Seconds(30)), 2);
  EXPECT_NE(AllOutput(zero_timeout).find("--timeout-ms"), std::string::npos)
      << zero_timeout.output();

  dunbar::testing::ServiceProcess no_secrets(kBinary,
                                             {"--webhook-secrets-file", "/nonexistent/secrets"});
  ASSERT_TRUE(no_secrets.Start().ok());
  EXPECT_EQ(no_secrets.WaitForExit(absl::Seconds(30)), 2);
  EXPECT_NE(AllOutput(no_secrets).find("--webhook-secrets-file"), std::string::npos)
      << no_secrets.output();
}

TEST(GatewayBinaryTest, ServesUntilSigtermThenExitsZero) {
  if (kBinary[0] == '\0') GTEST_SKIP() << "gateway binary not built";
  const int port = FreePort();
  // Backends on ports nothing listens on (not the defaults: another process may use those).
  const std::string nowhere = absl::StrCat("127.0.0.1:", FreePort());
  // The destructor SIGKILLs the process if an assertion ends the test early.
  dunbar::testing::ServiceProcess gateway(
      kBinary,
      {"--listen", absl::StrCat("127.0.0.1:", port), "--threads", "2", "--timeout-ms", "2000",
       "--membership-addr", nowhere, "--cohort-addr", nowhere, "--outreach-addr", nowhere});
  ASSERT_TRUE(gateway.Start().ok());
  httplib::Client client("127.0.0.1", port);
  bool up = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (!up && absl::Now() < give_up) {
    auto res = client.Get("/healthz");
    up = res && res->status == 200 && res->body == R"({"status":"SERVING"})";
    if (!up) absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(up) << AllOutput(gateway);
  // No backends are running: readiness says so, liveness does not care.
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  gateway.Signal(SIGTERM);
  EXPECT_EQ(gateway.WaitForExit(absl::Seconds(30)), 0) << AllOutput(gateway);
  EXPECT_NE(AllOutput(gateway).find("gateway.stopped"), std::string::npos) << gateway.output();
  EXPECT_FALSE(client.Get("/healthz"));  // no longer listening
}

}  // namespace
