// Stop() (what SIGTERM triggers) stops accepting but answers the requests in flight. The in-flight
// request here is a /readyz probe stuck on a backend that accepts TCP connections and never
// answers (a listening socket nobody accepts from), so it lasts until the backend deadline.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "services/gateway/gateway_server.h"

namespace dunbar::gateway {
namespace {

// A socket in LISTEN state that never accepts: connections complete, nothing is ever answered.
class SilentBackend {
 public:
  SilentBackend() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        listen(fd_, 16) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port_ = ntohs(address.sin_port);
    }
  }
  ~SilentBackend() { close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(GatewayDrainTest, StopAnswersInFlightRequestsAndRefusesNewOnes) {
  log::SetEnabled(false);
  SilentBackend silent;
  ASSERT_NE(silent.port(), 0);
  GatewayOptions options;
  options.backends = {silent.address(), silent.address(), silent.address()};
  options.timeout = absl::Milliseconds(1500);
  options.threads = 2;
  auto server = GatewayServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<int> port = (*server)->Bind("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  std::thread serving([&] { (*server)->Serve(); });

  httplib::Client warmup("127.0.0.1", *port);
  auto up = warmup.Get("/healthz");
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 200);

  int in_flight_status = 0;
  std::thread in_flight([&] {
    httplib::Client client("127.0.0.1", *port);
    client.set_read_timeout(30, 0);
    if (auto res = client.Get("/readyz")) in_flight_status = res->status;
  });
  absl::SleepFor(absl::Milliseconds(300));  // the probe is now waiting on the silent backends
  const absl::Time stop_at = absl::Now();
  (*server)->Stop();
  serving.join();  // Serve returns only after the in-flight request was answered
  in_flight.join();
  EXPECT_EQ(in_flight_status, 503);  // answered (backends not ready), not cut off
  EXPECT_GE(absl::Now() - stop_at, absl::Milliseconds(500));

  httplib::Client late("127.0.0.1", *port);
  EXPECT_FALSE(late.Get("/healthz"));  // no longer accepting
}

TEST(GatewayDrainTest, StopBeforeServeReturnsAtOnce) {
  log::SetEnabled(false);
  auto server = GatewayServer::Create(GatewayOptions{});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->Bind("127.0.0.1", 0).ok());
  (*server)->Stop();
  (*server)->Serve();  // must not block
  SUCCEED();
}

}  // namespace
}  // namespace dunbar::gateway
