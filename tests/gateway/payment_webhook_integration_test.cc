// POST /v1/webhooks/payments against the real services: a signed payment grants the entitlement
// and enrols (or waitlists) the payer; redeliveries answer the same; bad, stale or foreign
// signatures are 401; the same order with other details is 409 and changes nothing; a payer known
// only by a handle becomes one contact even when two deliveries race.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/gateway/webhook_signature.h"
#include "tests/support/gateway_fixture.h"

namespace dunbar::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class PaymentWebhookTest : public GatewayIntegrationTest {
 protected:
  std::string CreateProgram(int capacity, const std::string& policy) {
    HttpAnswer a = Call("POST", "/v1/programs",
                        json{{"requestId", absl::StrCat("p-", ++made_)},
                             {"program",
                              {{"name", "Paid"},
                               {"cohortCapacity", capacity},
                               {"rolloverPolicy", policy},
                               {"requiresEntitlement", true},
                               {"price", {{"amountMinor", 19900}, {"currency", "CNY"}}}}}}
                            .dump());
    EXPECT_EQ(a.status, 200) << a.body;
    return a.json.is_object() ? a.json.value("id", "") : "";
  }
  std::string CreateMember(const std::string& name, const std::string& phone) {
    HttpAnswer a = Call("POST", "/v1/members",
                        json{{"requestId", absl::StrCat("m-", ++made_)},
                             {"member", {{"name", name}, {"phone", phone}}}}
                            .dump());
    EXPECT_EQ(a.status, 200) << a.body;
    return a.json.is_object() ? a.json.value("id", "") : "";
  }
  static std::string Event(const std::string& program_id, const std::string& order_id,
                           const json& payer, int64_t amount = 19900) {
    json event = {{"tenant", "acme"},
                  {"programId", program_id},
                  {"orderId", order_id},
                  {"amountMinor", amount},
                  {"currency", "CNY"}};
    event.update(payer);
    return event.dump();
  }
  int made_ = 0;
  json Entitlements(const std::string& member_id) {
    return Call("GET", "/v1/members/" + member_id + "/entitlements").json["entitlements"];
  }
};

TEST_F(PaymentWebhookTest, GrantsAndEnrolsAndRedeliveryAnswersTheSame) {
  const std::string program = CreateProgram(10, "AUTO_OPEN_NEXT");
  const std::string member = CreateMember("Payer", "+8613800138200");
  const std::string body = Event(program, "order-1", {{"memberId", member}});
  HttpAnswer paid = fixture().Webhook(body);
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.json["orderId"], "order-1");
  EXPECT_EQ(paid.json["memberId"], member);
  EXPECT_EQ(paid.json["entitlement"]["orderId"], "order-1");
  EXPECT_EQ(paid.json["entitlement"]["amountMinor"], "19900");
  EXPECT_EQ(paid.json["enrollment"]["result"], "ENROLLED");
  EXPECT_EQ(paid.json["enrollment"]["seat"]["seatNumber"], 1);

  HttpAnswer check =
      Call("GET", "/v1/members/" + member + "/entitlements:check?programId=" + program);
  EXPECT_EQ(check.json["entitled"], true);
  EXPECT_EQ(Call("GET", "/v1/cohorts/" + program + ".1").json["seatsTaken"], 1);

  // A redelivery (new timestamp, same event) answers byte for byte the same and changes nothing.
  HttpAnswer again = fixture().Webhook(body, GatewayFixture::kAcmeWebhookSecret,
                                       absl::ToUnixSeconds(absl::Now()) + 5);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, paid.body);
  EXPECT_EQ(Entitlements(member).size(), 1u);
  EXPECT_EQ(Call("GET", "/v1/cohorts/" + program + ".1").json["seatsTaken"], 1);
}

TEST_F(PaymentWebhookTest, FullWaitlistProgrammeWaitlists) {
  const std::string program = CreateProgram(1, "WAITLIST");
  const std::string first = CreateMember("First", "+8613800138201");
  const std::string second = CreateMember("Second", "+8613800138202");
  EXPECT_EQ(
      fixture().Webhook(Event(program, "o-a", {{"memberId", first}})).json["enrollment"]["result"],
      "ENROLLED");
  HttpAnswer waitlisted = fixture().Webhook(Event(program, "o-b", {{"memberId", second}}));
  ASSERT_EQ(waitlisted.status, 200) << waitlisted.body;
  EXPECT_EQ(waitlisted.json["enrollment"]["result"], "WAITLISTED");
  EXPECT_EQ(waitlisted.json["enrollment"]["waitlistPosition"], 1);
  EXPECT_EQ(waitlisted.json["entitlement"]["orderId"], "o-b");
}

TEST_F(PaymentWebhookTest, BadStaleOrForeignSignaturesAre401) {
  const std::string program = CreateProgram(10, "AUTO_OPEN_NEXT");
  const std::string member = CreateMember("Payer", "+8613800138203");
  const std::string body = Event(program, "o-401", {{"memberId", member}});
  auto expect_401 = [](const HttpAnswer& a, const std::string& part) {
    EXPECT_EQ(a.status, 401) << a.body;
    EXPECT_EQ(a.error_status(), "UNAUTHENTICATED");
    EXPECT_THAT(a.error_message(), HasSubstr(part));
  };
  expect_401(fixture().PostWebhook(body, ""), "Dunbar-Signature");
  expect_401(fixture().PostWebhook(body, "t=1,v1=zz"), "Dunbar-Signature");
  // Signed with globex's secret while claiming acme.
  expect_401(fixture().Webhook(body, GatewayFixture::kGlobexWebhookSecret), "signature mismatch");
  // A correct signature over a body changed afterwards.
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const std::string signature = absl::StrCat(
      "t=", now,
      ",v1=", gateway::ComputeWebhookSignature(GatewayFixture::kAcmeWebhookSecret, now, body));
  expect_401(fixture().PostWebhook(Event(program, "o-401", {{"memberId", member}}, 1), signature),
             "signature mismatch");
  // Correctly signed, but 10 minutes old.
  expect_401(fixture().Webhook(body, GatewayFixture::kAcmeWebhookSecret, now - 600),
             "stale timestamp");
  // A tenant without a secret.
  std::string initech = body;
  initech.replace(initech.find("\"acme\""), 6, "\"initech\"");
  expect_401(fixture().Webhook(initech), "unknown tenant");
  expect_401(fixture().Webhook("not json"), "unknown tenant");
  // Nothing happened.
  EXPECT_EQ(Entitlements(member).size(), 0u);
}

TEST_F(PaymentWebhookTest, SameOrderWithOtherAmountIs409AndChangesNothing) {
  const std::string program = CreateProgram(10, "AUTO_OPEN_NEXT");
  const std::string member = CreateMember("Payer", "+8613800138204");
  ASSERT_EQ(fixture().Webhook(Event(program, "o-409", {{"memberId", member}})).status, 200);
  HttpAnswer conflict = fixture().Webhook(Event(program, "o-409", {{"memberId", member}}, 100));
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(conflict.error_status(), "ALREADY_EXISTS");
  json entitlements = Entitlements(member);
  ASSERT_EQ(entitlements.size(), 1u);
  EXPECT_EQ(entitlements[0]["amountMinor"], "19900");
  EXPECT_EQ(Call("GET", "/v1/cohorts/" + program + ".1").json["seatsTaken"], 1);
}

TEST_F(PaymentWebhookTest, InvalidEventsAre400AfterTheSignature) {
  const std::string program = CreateProgram(10, "AUTO_OPEN_NEXT");
  HttpAnswer neither = fixture().Webhook(Event(program, "o-400", json::object()));
  EXPECT_EQ(neither.status, 400) << neither.body;
  EXPECT_THAT(neither.error_message(), HasSubstr("member_id, handle"));
  HttpAnswer unknown = fixture().Webhook(Event(program, "o-400", {{"memberId", "m"}, {"tip", 1}}));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error_message(), "body: unknown field \"tip\"");
  HttpAnswer no_member = fixture().Webhook(Event(program, "o-404", {{"memberId", "nobody"}}));
  EXPECT_EQ(no_member.status, 404) << no_member.body;
}

TEST_F(PaymentWebhookTest, HandleOnlyPayerBecomesOneContactEvenWhenDeliveriesRace) {
  const std::string program = CreateProgram(10, "AUTO_OPEN_NEXT");
  const std::string body =
      Event(program, "o-handle",
            {{"handle", {{"kind", "HANDLE_EMAIL"}, {"value", "New.Payer@Example.com"}}},
             {"displayName", "New Payer"}});
  constexpr int kRacers = 4;
  std::vector<HttpAnswer> answers(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] { answers[i] = fixture().Webhook(body); });
  }
  for (std::thread& t : racers) t.join();
  for (const HttpAnswer& a : answers) {
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.json["memberId"], answers[0].json["memberId"]);
    EXPECT_EQ(a.json["enrollment"]["seat"], answers[0].json["enrollment"]["seat"]);
  }
  json members = Call("GET", "/v1/members").json["members"];
  ASSERT_EQ(members.size(), 1u) << members;
  EXPECT_EQ(members[0]["email"], "new.payer@example.com");
  EXPECT_EQ(members[0]["name"], "New Payer");
  EXPECT_EQ(Call("GET", "/v1/cohorts/" + program + ".1").json["seatsTaken"], 1);
  // A later delivery finds the contact by its handle.
  HttpAnswer later = fixture().Webhook(body);
  EXPECT_EQ(later.body, answers[0].body);
}

TEST_F(PaymentWebhookTest, SignWebhookToolSignsWhatTheGatewayAccepts) {
  const std::string program = CreateProgram(10, "AUTO_OPEN_NEXT");
  const std::string member = CreateMember("Payer", "+8613800138205");
  const std::string body = Event(program, "o-tool", {{"memberId", member}});
  const std::string file = ::testing::TempDir() + "/webhook-event.json";
  std::ofstream(file) << body;
  std::string tool = __FILE__;
  tool = tool.substr(0, tool.rfind("/tests/")) + "/tools/sign-webhook.sh";
  FILE* pipe =
      ::popen(absl::StrCat(tool, " ", GatewayFixture::kAcmeWebhookSecret, " ", file).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[512] = {};
  const bool read = std::fgets(line, sizeof(line), pipe) != nullptr;
  ASSERT_EQ(::pclose(pipe), 0);
  ASSERT_TRUE(read);
  HttpAnswer paid =
      fixture().PostWebhook(body, std::string(absl::StripTrailingAsciiWhitespace(line)));
  EXPECT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.json["enrollment"]["result"], "ENROLLED");
}

}  // namespace
}  // namespace dunbar::testing
