// Path matching: literals, {param} segments, :verb suffixes, 404 vs 405, malformed patterns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/gateway/route_table.h"
#include "services/gateway/router.h"

namespace dunbar::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Router ApiRouter() {
  absl::StatusOr<Router> router = Router::Create(ApiRoutes());
  EXPECT_TRUE(router.ok()) << router.status();
  return *std::move(router);
}

TEST(RouterTest, MatchesLiteralPaths) {
  Router router = ApiRouter();
  RouteMatch m = router.Match("GET", "/v1/programs");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.route->rpc, "dunbar.cohort.v1.CohortService.ListPrograms");
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(router.Match("POST", "/v1/programs").route->rpc,
            "dunbar.cohort.v1.CohortService.CreateProgram");
}

TEST(RouterTest, BindsParametersAndVerbs) {
  Router router = ApiRouter();
  RouteMatch m = router.Match("POST", "/v1/programs/p-1:archive");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.route->rpc, "dunbar.cohort.v1.CohortService.ArchiveProgram");
  EXPECT_THAT(m.params, ElementsAre(Pair("program_id", "p-1")));

  m = router.Match("POST", "/v1/programs/p-1/cohorts:openNext");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.route->rpc, "dunbar.cohort.v1.CohortService.OpenNextCohort");

  m = router.Match("GET", "/v1/members/m1/entitlements:check");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.route->rpc, "dunbar.membership.v1.MembershipService.CheckEntitlement");
  EXPECT_THAT(m.params, ElementsAre(Pair("member_id", "m1")));

  m = router.Match("GET", "/v1/cohorts/p-1.3/roster");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_THAT(m.params, ElementsAre(Pair("cohort_id", "p-1.3")));
}

TEST(RouterTest, VerbOnACollectionIsNotAParameter) {
  Router router = ApiRouter();
  RouteMatch m = router.Match("GET", "/v1/members:findByHandle");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.route->rpc, "dunbar.membership.v1.MembershipService.FindMemberByHandle");
  m = router.Match("GET", "/v1/members/abc");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.route->rpc, "dunbar.membership.v1.MembershipService.GetMember");
  // An unknown verb is not GetMember of "abc:frobnicate".
  EXPECT_EQ(router.Match("GET", "/v1/members/abc:frobnicate").kind, RouteMatch::kNotFound);
  EXPECT_EQ(router.Match("GET", "/v1/members:frobnicate").kind, RouteMatch::kNotFound);
}

TEST(RouterTest, FieldForParameterDefaultsToItsName) {
  Router router = ApiRouter();
  RouteMatch patch = router.Match("PATCH", "/v1/members/m1");
  ASSERT_EQ(patch.kind, RouteMatch::kFound);
  EXPECT_EQ(patch.route->FieldFor("member_id"), "member.id");
  RouteMatch get = router.Match("GET", "/v1/members/m1");
  EXPECT_EQ(get.route->FieldFor("member_id"), "member_id");
}

TEST(RouterTest, NotFoundVersusMethodNotAllowed) {
  Router router = ApiRouter();
  EXPECT_EQ(router.Match("GET", "/v1/nothing").kind, RouteMatch::kNotFound);
  EXPECT_EQ(router.Match("GET", "/v1/programs/").kind, RouteMatch::kNotFound);  // empty param
  EXPECT_EQ(router.Match("GET", "/v1//programs").kind, RouteMatch::kNotFound);
  EXPECT_EQ(router.Match("GET", "/v1/programs/a/b/c").kind, RouteMatch::kNotFound);
  EXPECT_EQ(router.Match("GET", "").kind, RouteMatch::kNotFound);

  RouteMatch m = router.Match("DELETE", "/v1/programs/p1");
  EXPECT_EQ(m.kind, RouteMatch::kMethodNotAllowed);
  EXPECT_THAT(m.allowed_methods, UnorderedElementsAre("GET", "PATCH"));
  m = router.Match("GET", "/v1/programs/p1:archive");
  EXPECT_EQ(m.kind, RouteMatch::kMethodNotAllowed);
  EXPECT_THAT(m.allowed_methods, ElementsAre("POST"));
}

TEST(RouterTest, RejectsMalformedPatterns) {
  auto make = [](const std::string& pattern) {
    return Router::Create({Route{"GET", pattern, "x.Y.Z", {}}}).status().code();
  };
  EXPECT_EQ(make("v1/x"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(make("/v1//x"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(make("/v1/{x"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(make("/v1/{x}/{x}"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(make("/v1/x:"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(make("/v1/a:b/c"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(make("/v1/{x}:go"), absl::StatusCode::kOk);
  auto twice = Router::Create({Route{"GET", "/a", "x.Y.Z", {}}, Route{"GET", "/a", "x.Y.W", {}}});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RouterTest, TableHasNoDuplicatesAndOnlyKnownServices) {
  Router router = ApiRouter();
  EXPECT_EQ(router.routes().size(), 50u);
  for (const Route& route : router.routes()) {
    EXPECT_TRUE(route.rpc.rfind("dunbar.", 0) == 0) << route.rpc;
  }
}

}  // namespace
}  // namespace dunbar::gateway
