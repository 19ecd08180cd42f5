// Every route of the table, called over HTTP through the gateway against the real membership,
// cohort and outreach services, with the JSON shapes the dashboard relies on. The walk records
// which route each call matched; a route of the table that no call reached fails the test (as
// tests/support/auth_table does for RPCs), so a new route needs a case here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "services/gateway/route_table.h"
#include "tests/support/gateway_fixture.h"

namespace dunbar::testing {
namespace {

using nlohmann::json;

class RoutesTest : public GatewayIntegrationTest {
 protected:
  // Calls the route and expects `status`; records the route it matched.
  json Expect(int status, const std::string& method, const std::string& path,
              const json& body = nullptr, const std::string& idempotency_key = "") {
    httplib::Headers headers;
    if (!idempotency_key.empty()) headers.emplace("Idempotency-Key", idempotency_key);
    const std::string path_only = path.substr(0, path.find('?'));
    gateway::RouteMatch match = fixture().gateway().router().Match(method, path_only);
    EXPECT_EQ(match.kind, gateway::RouteMatch::kFound) << method << " " << path;
    if (match.kind == gateway::RouteMatch::kFound) {
      covered_.insert(absl::StrCat(method, " ", match.route->pattern));
    }
    HttpAnswer answer =
        Call(method, path, body.is_null() ? "" : body.dump(), Caller::kAcme, headers);
    EXPECT_EQ(answer.status, status) << method << " " << path << " -> " << answer.body;
    EXPECT_EQ(answer.header("Content-Type"), "application/json");
    return answer.json;
  }
  json Ok(const std::string& method, const std::string& path, const json& body = nullptr,
          const std::string& idempotency_key = "") {
    return Expect(200, method, path, body, idempotency_key);
  }

  std::set<std::string> covered_;
};

TEST_F(RoutesTest, EveryRouteAnswersThroughTheRealServices) {
  // ---- membership ----
  json ada = Ok("POST", "/v1/members",
                {{"requestId", "r-ada"},
                 {"member", {{"name", "Ada"}, {"phone", "+8613800138000"}, {"tags", {"vip"}}}}});
  const std::string ada_id = ada["id"];
  ASSERT_FALSE(ada_id.empty());
  // lowerCamel names, enums by name, defaults printed.
  EXPECT_EQ(ada["stage"], "STAGE_CONTACT");
  EXPECT_EQ(ada["wechatId"], "");
  EXPECT_EQ(ada["notes"], "");
  EXPECT_TRUE(ada.contains("createdAt"));
  EXPECT_FALSE(ada.contains("wechat_id"));
  json bob = Ok("POST", "/v1/members",
                {{"member", {{"name", "Bob"}, {"email", "bob@example.com"}}}}, "idem-bob");
  const std::string bob_id = bob["id"];

  json list = Ok("GET", "/v1/members?page_size=10&stage=STAGE_CONTACT");
  EXPECT_EQ(list["members"].size(), 2u);
  EXPECT_EQ(list["nextPageToken"], "");  // printed although empty
  EXPECT_EQ(Ok("GET", "/v1/members?tag=vip")["members"].size(), 1u);
  EXPECT_EQ(Ok("GET", "/v1/members:findByHandle?kind=HANDLE_PHONE&value=%2B8613800138000")["id"],
            ada_id);
  json batch = Ok("POST", "/v1/members:batchGet", {{"memberIds", {ada_id, bob_id, "nobody"}}});
  EXPECT_EQ(batch["members"].size(), 2u);
  EXPECT_EQ(batch["missingIds"], json::array({"nobody"}));
  json imported = Ok("POST", "/v1/members:import",
                     {{"rows",
                       {{{"name", "Cy"}, {"email", "cy@example.com"}},
                        {{"name", "Ada again"}, {"phone", "+8613800138000"}}}}},
                     "import-1");
  EXPECT_EQ(imported["rowsReceived"], "2");  // int64 as a string
  EXPECT_EQ(imported["created"], "1");
  EXPECT_EQ(imported["merged"], "1");
  const std::string cy_id =
      Ok("GET", "/v1/members:findByHandle?kind=HANDLE_EMAIL&value=cy@example.com")["id"];
  EXPECT_EQ(Ok("GET", "/v1/members/" + ada_id)["name"], "Ada");
  json patched =
      Ok("PATCH", "/v1/members/" + ada_id,
         {{"member", {{"notes", "met at the workshop"}}}, {"updateMask", "notes"}}, "patch-ada");
  EXPECT_EQ(patched["notes"], "met at the workshop");
  EXPECT_EQ(patched["id"], ada_id);
  json interaction = Ok("POST", "/v1/members/" + ada_id + "/interactions",
                        {{"kind", "ATTENDED"}, {"note", "读书会"}}, "int-1");
  EXPECT_EQ(interaction["kind"], "ATTENDED");
  EXPECT_EQ(Ok("GET", "/v1/members/" + ada_id + "/interactions?pageSize=5")["interactions"].size(),
            1u);
  json rank = Ok("GET", "/v1/members:rank?page_size=10");
  ASSERT_FALSE(rank["contacts"].empty());
  EXPECT_EQ(rank["contacts"][0]["member"]["id"], ada_id);  // the only one with an interaction
  json pref = Ok("PUT", "/v1/members/" + bob_id + "/preference",
                 {{"preferredChannel", "CHANNEL_EMAIL"}}, "pref-bob");
  EXPECT_EQ(pref["preferredChannel"], "CHANNEL_EMAIL");
  EXPECT_EQ(pref["doNotContact"], false);

  // ---- cohort ----
  json program =
      Ok("POST", "/v1/programs",
         {{"program",
           {{"name", "Deep Work"}, {"cohortCapacity", 2}, {"rolloverPolicy", "AUTO_OPEN_NEXT"}}}},
         "prog-1");
  const std::string pid = program["id"];
  EXPECT_EQ(program["archived"], false);
  EXPECT_EQ(program["waitlistLength"], 0);
  EXPECT_EQ(Ok("GET", "/v1/programs?page_size=5&include_archived=false")["programs"].size(), 1u);
  EXPECT_EQ(Ok("GET", "/v1/programs/" + pid)["name"], "Deep Work");
  EXPECT_EQ(Ok("PATCH", "/v1/programs/" + pid,
               {{"program", {{"description", "focus"}}}, {"updateMask", "description"}},
               "up-1")["description"],
            "focus");

  json grant =
      Ok("POST", "/v1/members/" + ada_id + "/entitlements",
         {{"programId", pid}, {"orderId", "o-1"}, {"amountMinor", 19900}, {"currency", "cny"}});
  EXPECT_EQ(grant["amountMinor"], "19900");
  EXPECT_EQ(grant["currency"], "CNY");
  EXPECT_EQ(Ok("GET", "/v1/members/" + ada_id + "/entitlements")["entitlements"].size(), 1u);
  json check = Ok("GET", "/v1/members/" + ada_id + "/entitlements:check?program_id=" + pid);
  EXPECT_EQ(check["entitled"], true);
  EXPECT_EQ(check["orderId"], "o-1");

  json enrolled = Ok("POST", "/v1/programs/" + pid + ":enroll",
                     {{"memberId", ada_id}, {"source", "dashboard"}}, "enroll-ada");
  EXPECT_EQ(enrolled["result"], "ENROLLED");
  EXPECT_EQ(enrolled["seat"]["seatNumber"], 1);
  json second = Ok("POST", "/v1/programs/" + pid + ":enroll", {{"memberId", bob_id}}, "enroll-bob");
  EXPECT_EQ(second["cohortFilled"], true);
  EXPECT_EQ(second["openedCohort"]["number"], 2);  // AUTO_OPEN_NEXT opened batch 2

  EXPECT_EQ(Ok("GET", "/v1/programs/" + pid + "/stats?days=7")["totalEnrolled"], 2);
  EXPECT_EQ(Ok("GET", "/v1/programs/" + pid + "/cohorts")["cohorts"].size(), 2u);
  EXPECT_EQ(Ok("GET", "/v1/cohorts/" + pid + ".1")["state"], "FULL");
  EXPECT_EQ(Ok("GET", "/v1/cohorts/" + pid + ".1/roster")["entries"].size(), 2u);
  EXPECT_EQ(Ok("GET", "/v1/programs/" + pid + "/waitlist")["length"], 0);
  EXPECT_EQ(Ok("POST", "/v1/programs/" + pid + "/enrollments:batchGet",
               {{"memberIds", {ada_id, cy_id}}})["enrollments"]
                .size(),
            1u);
  EXPECT_EQ(Ok("GET", "/v1/members/" + ada_id + "/enrollments")["enrollments"].size(), 1u);
  json moved = Ok("POST", "/v1/enrollments:transfer",
                  {{"memberId", ada_id}, {"fromCohortId", pid + ".1"}, {"toCohortId", pid + ".2"}},
                  "transfer-ada");
  EXPECT_EQ(moved["seat"]["cohortId"], pid + ".2");
  json withdrawn = Ok("POST", "/v1/programs/" + pid + ":withdraw",
                      {{"memberId", bob_id}, {"reason", "moved"}}, "withdraw-bob");
  EXPECT_EQ(withdrawn["enrollment"]["status"], "WITHDRAWN");

  json waitlist_program =
      Ok("POST", "/v1/programs",
         {{"program",
           {{"name", "Study Group"}, {"cohortCapacity", 1}, {"rolloverPolicy", "WAITLIST"}}}},
         "prog-2");
  const std::string wid = waitlist_program["id"];
  Ok("POST", "/v1/programs/" + wid + ":enroll", {{"memberId", cy_id}}, "enroll-cy");
  json opened =
      Ok("POST", "/v1/programs/" + wid + "/cohorts:openNext", {{"startDate", ""}}, "open-2");
  EXPECT_EQ(opened["cohort"]["number"], 2);
  EXPECT_EQ(
      Ok("POST", "/v1/cohorts/" + wid + ".1:start", {{"allowLateEnrollment", false}})["state"],
      "RUNNING");
  EXPECT_EQ(Ok("POST", "/v1/cohorts/" + wid + ".1:close")["state"], "CLOSED");
  EXPECT_EQ(Ok("POST", "/v1/programs/" + pid + ":archive")["archived"], true);
  EXPECT_EQ(Ok("POST", "/v1/entitlements/o-1:revoke", {{"reason", "refund"}})["revoked"], true);

  // ---- outreach ----
  EXPECT_EQ(Ok("GET", "/v1/outreach/policy")["isDefault"], true);
  json policy =
      Ok("PUT", "/v1/outreach/policy",
         {{"policy",
           {{"dailyQuota", 3},
            {"activeWeekdays",
             {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}},
            {"timezone", "UTC"}}}});
  EXPECT_EQ(policy["dailyQuota"], 3);
  json plan = Ok("GET", "/v1/outreach/plan");
  ASSERT_GE(plan["tasks"].size(), 2u) << plan;
  const std::string date = plan["date"];
  const std::string task1 = plan["tasks"][0]["id"];
  const std::string task2 = plan["tasks"][1]["id"];
  EXPECT_EQ(Ok("GET", "/v1/outreach/plan?date=" + date)["tasks"].size(), plan["tasks"].size());
  EXPECT_EQ(Ok("GET", "/v1/outreach/tasks?date=" + date + "&status=OPEN")["tasks"].size(),
            plan["tasks"].size());
  EXPECT_EQ(Ok("GET", "/v1/outreach/tasks/" + task1)["status"], "OPEN");
  json done = Ok("POST", "/v1/outreach/tasks/" + task1 + ":complete",
                 {{"outcome", "REPLIED"}, {"note", "said hi"}}, "complete-1");
  EXPECT_EQ(done["task"]["outcome"], "REPLIED");
  const std::string tomorrow = absl::FormatTime(
      "%Y-%m-%d", fixture().services().Now() + absl::Hours(24), absl::UTCTimeZone());
  EXPECT_EQ(
      Ok("POST", "/v1/outreach/tasks/" + task2 + ":snooze", {{"untilDate", tomorrow}})["date"],
      tomorrow);
  json campaign = Ok(
      "POST", "/v1/outreach/campaigns",
      {{"campaign", {{"name", "Study invitations"}, {"targetProgramId", wid}, {"dailyPace", 1}}}},
      "camp-1");
  const std::string campaign_id = campaign["id"];
  EXPECT_EQ(Ok("GET", "/v1/outreach/campaigns")["campaigns"].size(), 1u);
  EXPECT_EQ(Ok("GET", "/v1/outreach/campaigns/" + campaign_id)["name"], "Study invitations");
  EXPECT_EQ(Ok("POST", "/v1/outreach/campaigns/" + campaign_id + ":pause")["paused"], true);
  EXPECT_EQ(Ok("POST", "/v1/outreach/campaigns/" + campaign_id + ":resume")["paused"], false);
  json funnel = Ok("GET", "/v1/outreach/funnel?from_date=" + date + "&to_date=" + date);
  EXPECT_EQ(funnel["totals"]["contacted"], "1");
  EXPECT_EQ(funnel["totals"]["replied"], "1");

  outreach::v1::DeadLetter letter;
  letter.set_source("jobs");
  letter.set_source_entry_id("1-1");
  letter.set_type("task.effects");
  letter.set_error("UNAVAILABLE: membership down");
  letter.set_attempts(5);
  auto dead = fixture().services().worker_deps().store->AddDeadLetter(
      "acme", fixture().services().Now(), letter);
  ASSERT_TRUE(dead.ok()) << dead.status();
  json letters = Ok("GET", "/v1/outreach/dead-letters?page_size=10");
  ASSERT_EQ(letters["deadLetters"].size(), 1u);
  EXPECT_EQ(letters["deadLetters"][0]["attempts"], 5);
  EXPECT_FALSE(
      Ok("POST", "/v1/outreach/dead-letters/" + *dead + ":replay", nullptr, "replay-1")["jobId"]
          .get<std::string>()
          .empty());
  json worker = Ok("GET", "/v1/outreach/worker");
  EXPECT_TRUE(worker.contains("deadLetters"));
  EXPECT_TRUE(worker["streams"].is_array());

  // Last: the delete (request id from the Idempotency-Key).
  EXPECT_EQ(Ok("DELETE", "/v1/members/" + cy_id, nullptr, "del-cy")["deleted"], true);
  Expect(404, "GET", "/v1/members/" + cy_id);

  // Every route of the table was reached.
  for (const gateway::Route& route : fixture().gateway().router().routes()) {
    EXPECT_TRUE(covered_.count(absl::StrCat(route.method, " ", route.pattern)))
        << "no test case for " << route.method << " " << route.pattern << " (" << route.rpc << ")";
  }
}

}  // namespace
}  // namespace dunbar::testing
