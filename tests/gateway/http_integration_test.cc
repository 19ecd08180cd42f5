// The gateway's HTTP behaviour against the real services: gRPC status -> HTTP status mapping,
// gateway-made errors (bad JSON, unknown fields and parameters, body limit, unknown route, wrong
// method), CORS, health and readiness with a backend down, metrics, Idempotency-Key retries and
// the dashboard's files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/support/gateway_fixture.h"

namespace dunbar::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class GatewayHttpTest : public GatewayIntegrationTest {
 protected:
  static std::string NextRequestId() {
    static std::atomic<int> next{0};
    return absl::StrCat("req-", ++next);
  }
  std::string CreateMember(const std::string& name, const std::string& phone,
                           Caller caller = Caller::kAcme) {
    HttpAnswer a = Call(
        "POST", "/v1/members",
        json{{"requestId", NextRequestId()}, {"member", {{"name", name}, {"phone", phone}}}}.dump(),
        caller);
    EXPECT_EQ(a.status, 200) << a.body;
    return a.json.is_object() ? a.json.value("id", "") : "";
  }
  std::string CreateProgram(int capacity, const std::string& policy, bool requires_entitlement) {
    HttpAnswer a = Call("POST", "/v1/programs",
                        json{{"requestId", NextRequestId()},
                             {"program",
                              {{"name", "P"},
                               {"cohortCapacity", capacity},
                               {"rolloverPolicy", policy},
                               {"requiresEntitlement", requires_entitlement}}}}
                            .dump());
    EXPECT_EQ(a.status, 200) << a.body;
    return a.json.is_object() ? a.json.value("id", "") : "";
  }
  static void ExpectError(const HttpAnswer& a, int status, const std::string& grpc_status,
                          const std::string& message_part = "") {
    EXPECT_EQ(a.status, status) << a.body;
    EXPECT_EQ(a.header("Content-Type"), "application/json");
    EXPECT_EQ(a.json["error"]["code"], status) << a.body;
    EXPECT_EQ(a.error_status(), grpc_status) << a.body;
    EXPECT_THAT(a.error_message(), HasSubstr(message_part));
  }
};

TEST_F(GatewayHttpTest, BadFieldIs400NamingIt) {
  ExpectError(
      Call("POST", "/v1/members", R"({"requestId":"r1","member":{"email":"not-an-email"}})"), 400,
      "INVALID_ARGUMENT", "member.email");
}

TEST_F(GatewayHttpTest, MissingOrBadTokenIs401) {
  ExpectError(Call("GET", "/v1/members", "", Caller::kNone), 401, "UNAUTHENTICATED");
  ExpectError(Call("GET", "/v1/members", "", Caller::kUnknown), 401, "UNAUTHENTICATED");
  HttpAnswer garbled =
      Call("GET", "/v1/members", "", Caller::kNone, {{"Authorization", "Basic Zm9vOmJhcg=="}});
  ExpectError(garbled, 401, "UNAUTHENTICATED");
}

TEST_F(GatewayHttpTest, OtherTenantIs403Or404) {
  // Naming another tenant is PERMISSION_DENIED; another tenant's id is simply not found.
  ExpectError(Call("GET", "/v1/members?tenant=globex"), 403, "PERMISSION_DENIED");
  const std::string globex_member = CreateMember("G", "+8613800138111", Caller::kGlobex);
  ExpectError(Call("GET", "/v1/members/" + globex_member), 404, "NOT_FOUND");
  EXPECT_EQ(Call("GET", "/v1/members/" + globex_member, "", Caller::kGlobex).status, 200);
}

TEST_F(GatewayHttpTest, MissingIs404) {
  ExpectError(Call("GET", "/v1/members/nobody"), 404, "NOT_FOUND");
  ExpectError(Call("GET", "/v1/programs/nothing"), 404, "NOT_FOUND");
}

TEST_F(GatewayHttpTest, ConflictsAre409AndFullIs429) {
  CreateMember("A", "+8613800138001");
  // The handle belongs to another member.
  ExpectError(Call("POST", "/v1/members",
                   R"({"requestId":"dup","member":{"name":"B","phone":"+8613800138001"}})"),
              409, "ALREADY_EXISTS", "member.phone");
  // A paid programme without an entitlement: FAILED_PRECONDITION.
  const std::string paid = CreateProgram(5, "WAITLIST", true);
  const std::string member = CreateMember("C", "+8613800138002");
  ExpectError(Call("POST", "/v1/programs/" + paid + ":enroll",
                   json{{"requestId", "e1"}, {"memberId", member}}.dump()),
              409, "FAILED_PRECONDITION", "entitlement");
  // A transfer into a full batch: RESOURCE_EXHAUSTED.
  const std::string small = CreateProgram(1, "WAITLIST", false);
  const std::string other = CreateMember("D", "+8613800138003");
  ASSERT_EQ(Call("POST", "/v1/programs/" + small + ":enroll",
                 json{{"requestId", "e2"}, {"memberId", member}}.dump())
                .status,
            200);
  ASSERT_EQ(
      Call("POST", "/v1/programs/" + small + "/cohorts:openNext", R"({"requestId":"o1"})").status,
      200);
  ASSERT_EQ(Call("POST", "/v1/programs/" + small + ":enroll",
                 json{{"requestId", "e3"}, {"memberId", other}}.dump())
                .status,
            200);  // seated in batch 2
  ExpectError(Call("POST", "/v1/enrollments:transfer",
                   json{{"requestId", "t1"},
                        {"memberId", member},
                        {"fromCohortId", small + ".1"},
                        {"toCohortId", small + ".2"}}
                       .dump()),
              429, "RESOURCE_EXHAUSTED", "full");
}

TEST_F(GatewayHttpTest, BackendDownIs503AndNotReady) {
  HttpAnswer ready = Call("GET", "/readyz", "", Caller::kNone);
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json["status"], "SERVING");
  EXPECT_EQ(ready.json["backends"]["cohort"], "SERVING");

  fixture().services().StopCohort();
  ExpectError(Call("GET", "/v1/programs"), 503, "UNAVAILABLE");
  HttpAnswer not_ready = Call("GET", "/readyz", "", Caller::kNone);
  ExpectError(not_ready, 503, "UNAVAILABLE", "cohort");
  EXPECT_EQ(not_ready.json["backends"]["membership"], "SERVING");
  EXPECT_NE(not_ready.json["backends"]["cohort"], "SERVING");
  // Liveness does not depend on the backends; the other backends still answer.
  EXPECT_EQ(Call("GET", "/healthz", "", Caller::kNone).body, R"({"status":"SERVING"})");
  EXPECT_EQ(Call("GET", "/v1/members").status, 200);

  ASSERT_TRUE(fixture().services().StartCohort().ok());
  // The channel reconnects with gRPC's backoff (about a second after a short outage).
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  int status = 0;
  while ((status = Call("GET", "/v1/programs").status) != 200 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Call("GET", "/readyz", "", Caller::kNone).status, 200);
}

TEST_F(GatewayHttpTest, MalformedJsonAndUnknownFieldsAre400) {
  ExpectError(Call("POST", "/v1/members", R"({"member":{"name":"A")"), 400, "INVALID_ARGUMENT",
              "body: invalid JSON: ");
  ExpectError(Call("POST", "/v1/members", R"({"member":{"name":"A"},"foo":1})"), 400,
              "INVALID_ARGUMENT", "body: unknown field \"foo\"");
  ExpectError(Call("POST", "/v1/members", R"(["not an object"])"), 400, "INVALID_ARGUMENT",
              "body: must be a JSON object");
  ExpectError(Call("POST", "/v1/members", R"({"member":{"name":5}})"), 400, "INVALID_ARGUMENT",
              "body: ");
  ExpectError(Call("POST", "/v1/members", R"({"member":{"nickname":"A"}})"), 400,
              "INVALID_ARGUMENT", "body: unknown field \"member.nickname\"");
  ExpectError(Call("GET", "/v1/members?colour=red"), 400, "INVALID_ARGUMENT",
              "query parameter \"colour\"");
  ExpectError(Call("GET", "/v1/members?page_size=many"), 400, "INVALID_ARGUMENT",
              "query parameter \"page_size\"");
  // Nothing was created by any of them.
  EXPECT_EQ(Call("GET", "/v1/members").json["members"].size(), 0u);
}

TEST_F(GatewayHttpTest, OversizedBodyIs413) {
  const std::string big =
      json{{"requestId", "big"},
           {"member", {{"name", "A"}, {"notes", std::string(GatewayFixture::kMaxBodyBytes, 'x')}}}}
          .dump();
  HttpAnswer a = Call("POST", "/v1/members", big);
  ExpectError(a, 413, "RESOURCE_EXHAUSTED", "body: larger than");
  EXPECT_EQ(Call("GET", "/v1/members").json["members"].size(), 0u);
}

TEST_F(GatewayHttpTest, UnknownRouteIs404AndWrongMethodIs405) {
  ExpectError(Call("GET", "/v1/nothing/here"), 404, "NOT_FOUND",
              "no route for GET /v1/nothing/here");
  ExpectError(Call("POST", "/v1/members/m1:frobnicate"), 404, "NOT_FOUND");
  HttpAnswer wrong = Call("DELETE", "/v1/programs");
  ExpectError(wrong, 405, "UNIMPLEMENTED");
  EXPECT_EQ(wrong.header("Allow"), "GET, POST");
  ExpectError(Call("GET", "/v1/webhooks/payments"), 405, "UNIMPLEMENTED");
  ExpectError(Call("POST", "/healthz", "{}"), 405, "UNIMPLEMENTED");
}

TEST_F(GatewayHttpTest, CorsPreflightAndHeaders) {
  HttpAnswer allowed = Call("OPTIONS", "/v1/members", "", Caller::kNone,
                            {{"Origin", GatewayFixture::kAllowedOrigin},
                             {"Access-Control-Request-Method", "POST"},
                             {"Access-Control-Request-Headers", "authorization,idempotency-key"}});
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), GatewayFixture::kAllowedOrigin);
  EXPECT_THAT(allowed.header("Access-Control-Allow-Methods"), HasSubstr("PATCH"));
  EXPECT_THAT(allowed.header("Access-Control-Allow-Headers"), HasSubstr("Idempotency-Key"));
  EXPECT_THAT(allowed.header("Access-Control-Allow-Headers"), HasSubstr("Authorization"));

  HttpAnswer refused =
      Call("OPTIONS", "/v1/members", "", Caller::kNone,
           {{"Origin", "http://evil.test"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(refused.status, 204);
  EXPECT_EQ(refused.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(refused.header("Access-Control-Allow-Methods"), "");

  HttpAnswer get =
      Call("GET", "/v1/members", "", Caller::kAcme, {{"Origin", GatewayFixture::kAllowedOrigin}});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.header("Access-Control-Allow-Origin"), GatewayFixture::kAllowedOrigin);
  EXPECT_EQ(get.header("Vary"), "Origin");
  // Errors carry CORS headers too, or the browser hides them from the dashboard.
  HttpAnswer error = Call("GET", "/v1/members/none", "", Caller::kAcme,
                          {{"Origin", GatewayFixture::kAllowedOrigin}});
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.header("Access-Control-Allow-Origin"), GatewayFixture::kAllowedOrigin);
  HttpAnswer other =
      Call("GET", "/v1/members", "", Caller::kAcme, {{"Origin", "http://evil.test"}});
  EXPECT_EQ(other.header("Access-Control-Allow-Origin"), "");
}

TEST_F(GatewayHttpTest, MetricsCountRequestsByRoutePattern) {
  const std::string id = CreateMember("M", "+8613800138009");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Call("GET", "/v1/members/" + id).status, 200);
  ASSERT_EQ(Call("GET", "/v1/members/missing-" + id).status, 404);
  HttpAnswer metrics = Call("GET", "/metrics", "", Caller::kNone);
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.header("Content-Type"), HasSubstr("text/plain"));
  // Counters accumulate over the suite: check the lines exist with at least these counts.
  auto count = [&](const std::string& labels) -> double {
    const std::string key = absl::StrCat("dunbar_gateway_requests_total{", labels, "} ");
    const size_t at = metrics.body.find(key);
    if (at == std::string::npos) return 0;
    return std::stod(metrics.body.substr(at + key.size()));
  };
  EXPECT_GE(count(R"(code="200",method="GET",route="/v1/members/{member_id}")"), 3);
  EXPECT_GE(count(R"(code="404",method="GET",route="/v1/members/{member_id}")"), 1);
  EXPECT_GE(count(R"(code="200",method="POST",route="/v1/members")"), 1);
  EXPECT_THAT(
      metrics.body,
      HasSubstr(
          R"(dunbar_gateway_request_duration_seconds_bucket{route="/v1/members/{member_id}",le="0.005"})"));
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE dunbar_gateway_request_duration_seconds histogram"));
  // Raw ids never become labels.
  EXPECT_THAT(metrics.body, ::testing::Not(HasSubstr(id)));
}

TEST_F(GatewayHttpTest, IdempotencyKeyGivesTheSameAnswerOnRetry) {
  const std::string body = R"({"member":{"name":"Retry","email":"retry@example.com"}})";
  HttpAnswer first = Call("POST", "/v1/members", body, Caller::kAcme, {{"Idempotency-Key", "k-1"}});
  HttpAnswer again = Call("POST", "/v1/members", body, Caller::kAcme, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(Call("GET", "/v1/members").json["members"].size(), 1u);
  // The same key with another request is refused, and a requestId in the body wins over the key.
  ExpectError(Call("POST", "/v1/members", R"({"member":{"name":"Other"}})", Caller::kAcme,
                   {{"Idempotency-Key", "k-1"}}),
              409, "ALREADY_EXISTS");
  HttpAnswer own_id = Call("POST", "/v1/members", R"({"requestId":"k-2","member":{"name":"Own"}})",
                           Caller::kAcme, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(own_id.status, 200) << own_id.body;
  EXPECT_NE(own_id.json["id"], first.json["id"]);
}

TEST_F(GatewayHttpTest, ServesTheDashboardAndOpenApi) {
  HttpAnswer spec = Call("GET", "/openapi.json", "", Caller::kNone);
  ASSERT_EQ(spec.status, 200);
  EXPECT_EQ(spec.json["openapi"].get<std::string>().substr(0, 2), "3.");
  HttpAnswer index = Call("GET", "/", "", Caller::kNone);
  if (gateway::StaticAssets::Embedded().Find("/").has_value()) {
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  } else {
    ExpectError(index, 404, "NOT_FOUND");
  }
  ExpectError(Call("GET", "/no-such-file.js", "", Caller::kNone), 404, "NOT_FOUND");
  ExpectError(Call("GET", "/../etc/passwd", "", Caller::kNone), 404, "NOT_FOUND");
}

}  // namespace
}  // namespace dunbar::testing
