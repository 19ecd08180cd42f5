// The gateway's --listen: host:port under the same rules as every other --listen flag.
#include <gtest/gtest.h>

#include "services/gateway/gateway_server.h"

namespace dunbar::gateway {
namespace {

TEST(ListenAddressTest, SplitsHostAndPortAndUnbracketsIpv6) {
  auto v4 = ParseListenAddress("127.0.0.1:8080", "--listen");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = ParseListenAddress("[::1]:0", "--listen");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 0);
}

TEST(ListenAddressTest, RejectsWhatNoListenFlagAcceptsNamingTheFlag) {
  for (const char* bad : {"", "8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80",
                          "unix:/tmp/gw.sock"}) {
    auto parsed = ParseListenAddress(bad, "--listen (env DUNBAR_GATEWAY_LISTEN)");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("DUNBAR_GATEWAY_LISTEN"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace dunbar::gateway
