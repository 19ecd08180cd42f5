#include "tests/support/gateway_fixture.h"

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "services/gateway/webhook_signature.h"

namespace dunbar::testing {

std::string HttpAnswer::header(const std::string& key) const {
  auto it = headers.find(key);
  return it == headers.end() ? "" : it->second;
}

std::string HttpAnswer::error_status() const {
  if (!json.is_object() || !json.contains("error")) return "";
  return json["error"].value("status", "");
}

std::string HttpAnswer::error_message() const {
  if (!json.is_object() || !json.contains("error")) return "";
  return json["error"].value("message", "");
}

void PrintTo(const HttpAnswer& answer, std::ostream* os) {
  *os << "HTTP " << answer.status << " " << answer.body.substr(0, 2000);
}

GatewayFixtureOptions GatewayFixture::DefaultOptions() {
  GatewayFixtureOptions options;
  options.gateway.cors_origins = {kAllowedOrigin};
  options.gateway.max_body_bytes = kMaxBodyBytes;
  options.gateway.threads = 8;
  return options;
}

absl::StatusOr<std::unique_ptr<GatewayFixture>> GatewayFixture::Start(
    GatewayFixtureOptions options) {
  std::unique_ptr<GatewayFixture> fixture(new GatewayFixture());
  auto services = OutreachFixture::Start(options.services);
  if (!services.ok()) return services.status();
  fixture->services_ = *std::move(services);

  gateway::GatewayOptions& g = options.gateway;
  const std::string loopback = "127.0.0.1:";
  g.backends.membership = absl::StrCat(loopback, fixture->services_->membership().port());
  g.backends.cohort = absl::StrCat(loopback, fixture->services_->cohort_port());
  g.backends.outreach = absl::StrCat(loopback, fixture->services_->outreach_port());
  g.service_token = fixture->services_->token(Caller::kService);
  auto secrets =
      gateway::WebhookSecrets::Parse(absl::StrCat("# test secrets\nacme ", kAcmeWebhookSecret,
                                                  "\nglobex ", kGlobexWebhookSecret, "\n"),
                                     "test");
  if (!secrets.ok()) return secrets.status();
  g.webhook_secrets = std::make_shared<gateway::WebhookSecrets>(*std::move(secrets));
  g.clock = fixture->services_->clock();

  auto server = gateway::GatewayServer::Create(g);
  if (!server.ok()) return server.status();
  fixture->gateway_ = *std::move(server);
  absl::StatusOr<int> port = fixture->gateway_->Bind("127.0.0.1", 0);
  if (!port.ok()) return port.status();
  fixture->port_ = *port;
  fixture->serving_ = std::thread([gateway = fixture->gateway_.get()] { gateway->Serve(); });
  return fixture;
}

GatewayFixture::~GatewayFixture() {
  if (gateway_ != nullptr) gateway_->Stop();
  if (serving_.joinable()) serving_.join();
  gateway_.reset();
}

HttpAnswer GatewayFixture::Call(const std::string& method, const std::string& path,
                                const std::string& body, Caller caller,
                                const httplib::Headers& headers) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(60, 0);  // backends' deadlines are shorter; TSan is slow
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.headers = headers;
  const std::string& token = services_->token(caller);
  if (!token.empty()) request.headers.emplace("Authorization", absl::StrCat("Bearer ", token));
  if (!body.empty()) {
    request.body = body;
    request.headers.emplace("Content-Type", "application/json");
  }
  httplib::Result result = client.send(request);
  HttpAnswer answer;
  if (!result) return answer;
  answer.status = result->status;
  answer.body = result->body;
  answer.headers = result->headers;
  answer.json = nlohmann::json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (answer.json.is_discarded()) answer.json = nullptr;
  return answer;
}

HttpAnswer GatewayFixture::PostWebhook(const std::string& body,
                                       const std::string& signature) const {
  httplib::Headers headers;
  if (!signature.empty()) headers.emplace("Dunbar-Signature", signature);
  return Call("POST", "/v1/webhooks/payments", body, Caller::kNone, headers);
}

HttpAnswer GatewayFixture::Webhook(const std::string& body, const std::string& secret,
                                   int64_t timestamp) const {
  if (timestamp == 0) timestamp = absl::ToUnixSeconds(services_->Now());
  return PostWebhook(body, absl::StrCat("t=", timestamp, ",v1=",
                                        gateway::ComputeWebhookSignature(secret, timestamp, body)));
}

std::unique_ptr<GatewayFixture> GatewayIntegrationTest::shared_fixture_;

void GatewayIntegrationTest::SetUpTestSuite() {
  log::SetEnabled(false);
  auto fixture = GatewayFixture::Start();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  shared_fixture_ = *std::move(fixture);
}

void GatewayIntegrationTest::TearDownTestSuite() { shared_fixture_.reset(); }

void GatewayIntegrationTest::SetUp() {
  ASSERT_NE(shared_fixture_, nullptr);
  absl::Status reset = shared_fixture_->Reset();
  ASSERT_TRUE(reset.ok()) << reset;
}

}  // namespace dunbar::testing
