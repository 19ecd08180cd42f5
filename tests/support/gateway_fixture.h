// The gateway in-process for integration tests, in front of REAL membership, cohort and outreach
// servers (OutreachFixture: each on its own redis-server, real loopback gRPC), listening on
// 127.0.0.1:<free port>; tests talk to it over real HTTP with httplib::Client.
//
//   auto f = GatewayFixture::Start();                                  // StatusOr<unique_ptr>
//   HttpAnswer a = (*f)->Call("POST", "/v1/members", R"({"member":{"name":"Ada"}})");
//   EXPECT_EQ(a.status, 200);  a.json["id"] ...
//   (*f)->services().StopMembership();                                 // a backend outage
//   HttpAnswer w = (*f)->Webhook(body);                                // signed with acme's secret
//
// Webhook secrets: acme -> kAcmeWebhookSecret, globex -> kGlobexWebhookSecret. CORS allows
// kAllowedOrigin. The body limit is kMaxBodyBytes.
//
// Suites derive from GatewayIntegrationTest: one fixture per suite; every test starts with empty
// Redis servers and all services running.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/gateway/gateway_server.h"
#include "tests/support/outreach_fixture.h"

namespace dunbar::testing {

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  nlohmann::json json;  // the body parsed (null if it is not JSON)
  httplib::Headers headers;
  std::string header(const std::string& key) const;
  // The error document's status ("NOT_FOUND") and message; "" if not an error document.
  std::string error_status() const;
  std::string error_message() const;
};
void PrintTo(const HttpAnswer& answer, std::ostream* os);

struct GatewayFixtureOptions {
  OutreachFixtureOptions services;
  // Filled by the fixture: backends, service_token, webhook_secrets, clock; the rest as given.
  gateway::GatewayOptions gateway;
};

class GatewayFixture {
 public:
  static constexpr char kAcmeWebhookSecret[] = "whsec_acme_test_secret";
  static constexpr char kGlobexWebhookSecret[] = "whsec_globex_test_secret";
  static constexpr char kAllowedOrigin[] = "http://dashboard.test";
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

  // Default options: the test values above.
  static GatewayFixtureOptions DefaultOptions();
  static absl::StatusOr<std::unique_ptr<GatewayFixture>> Start(
      GatewayFixtureOptions options = DefaultOptions());
  ~GatewayFixture();

  OutreachFixture& services() { return *services_; }
  gateway::GatewayServer& gateway() { return *gateway_; }
  int port() const { return port_; }

  // One HTTP request as `caller` (Authorization: Bearer <token>; none for kNone). `headers` are
  // added (e.g. Idempotency-Key, Origin).
  HttpAnswer Call(const std::string& method, const std::string& path, const std::string& body = "",
                  Caller caller = Caller::kAcme, const httplib::Headers& headers = {}) const;
  // POST /v1/webhooks/payments with `signature` as the Dunbar-Signature header.
  HttpAnswer PostWebhook(const std::string& body, const std::string& signature) const;
  // Signed now with acme's secret (or `secret`), at `timestamp` (unix seconds; 0 = now).
  HttpAnswer Webhook(const std::string& body, const std::string& secret = kAcmeWebhookSecret,
                     int64_t timestamp = 0) const;

  // Everything running again, Redis servers empty (see OutreachFixture::Reset).
  absl::Status Reset() { return services_->Reset(); }

 private:
  GatewayFixture() = default;

  std::unique_ptr<OutreachFixture> services_;
  std::unique_ptr<gateway::GatewayServer> gateway_;
  std::thread serving_;
  int port_ = 0;
};

class GatewayIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static GatewayFixture& fixture() { return *shared_fixture_; }
  static HttpAnswer Call(const std::string& method, const std::string& path,
                         const std::string& body = "", Caller caller = Caller::kAcme,
                         const httplib::Headers& headers = {}) {
    return shared_fixture_->Call(method, path, body, caller, headers);
  }

 private:
  static std::unique_ptr<GatewayFixture> shared_fixture_;
};

}  // namespace dunbar::testing
