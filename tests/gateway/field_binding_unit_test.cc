// Query and path binding through reflection, and JSON body parsing errors.
#include <gtest/gtest.h>

#include "dunbar/cohort/v1/cohort.pb.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "dunbar/outreach/v1/outreach.pb.h"
#include "services/gateway/field_binding.h"
#include "services/gateway/grpc_json_bridge.h"

namespace dunbar::gateway {
namespace {

namespace cv1 = cohort::v1;
namespace mv1 = membership::v1;
namespace ov1 = outreach::v1;

TEST(FieldBindingTest, BindsScalarsBySnakeOrCamelName) {
  mv1::ListMembersRequest r;
  ASSERT_TRUE(
      BindQueryParameters(
          r, {{"page_size", "20"}, {"pageToken", "abc"}, {"stage", "STAGE_LEAD"}, {"tag", "vip"}})
          .ok());
  EXPECT_EQ(r.page_size(), 20);
  EXPECT_EQ(r.page_token(), "abc");
  EXPECT_EQ(r.stage(), mv1::STAGE_LEAD);
  EXPECT_EQ(r.tag(), "vip");

  cv1::ListProgramsRequest p;
  ASSERT_TRUE(BindQueryParameters(p, {{"includeArchived", "true"}}).ok());
  EXPECT_TRUE(p.include_archived());
}

TEST(FieldBindingTest, EmptyValuesLeaveNonStringFieldsAtTheirDefault) {
  mv1::ListMembersRequest r;
  ASSERT_TRUE(BindQueryParameters(r, {{"stage", ""}, {"page_size", ""}, {"tag", ""}}).ok());
  EXPECT_EQ(r.stage(), mv1::STAGE_UNSPECIFIED);
  EXPECT_EQ(r.page_size(), 0);
  EXPECT_EQ(r.tag(), "");
}

TEST(FieldBindingTest, RepeatedParametersAppendAndReplaceTheBody) {
  mv1::RankContactsRequest r;
  r.add_exclude_ids("from-body");
  ASSERT_TRUE(BindQueryParameters(r, {{"exclude_ids", "a"}, {"exclude_ids", "b"}}).ok());
  ASSERT_EQ(r.exclude_ids_size(), 2);
  EXPECT_EQ(r.exclude_ids(0), "a");
  EXPECT_EQ(r.exclude_ids(1), "b");
}

TEST(FieldBindingTest, EnumsByNumberAndNestedPaths) {
  mv1::UpdateMemberRequest r;
  ASSERT_TRUE(SetFieldFromText(r, "member.id", "m1", "path parameter member_id").ok());
  ASSERT_TRUE(SetFieldFromText(r, "member.stage", "2", "q").ok());
  ASSERT_TRUE(SetFieldFromText(r, "update_mask", "name,tags", "q").ok());
  EXPECT_EQ(r.member().id(), "m1");
  EXPECT_EQ(r.member().stage(), mv1::STAGE_LEAD);
  ASSERT_EQ(r.update_mask().paths_size(), 2);
  EXPECT_EQ(r.update_mask().paths(1), "tags");

  mv1::RecordInteractionRequest i;
  ASSERT_TRUE(SetFieldFromText(i, "at", "2026-01-02T03:04:05Z", "q").ok());
  EXPECT_EQ(i.at().seconds(), 1767323045);
}

TEST(FieldBindingTest, ErrorsNameTheParameter) {
  mv1::ListMembersRequest r;
  absl::Status unknown = BindQueryParameters(r, {{"colour", "red"}});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("query parameter \"colour\""), absl::string_view::npos)
      << unknown;
  absl::Status not_int = BindQueryParameters(r, {{"page_size", "ten"}});
  EXPECT_EQ(not_int.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(not_int.message().find("\"ten\" is not a 32-bit integer"), absl::string_view::npos)
      << not_int;
  EXPECT_EQ(BindQueryParameters(r, {{"stage", "STAGE_NOPE"}}).code(),
            absl::StatusCode::kInvalidArgument);
  cv1::ListProgramsRequest p;
  EXPECT_EQ(BindQueryParameters(p, {{"include_archived", "yes"}}).code(),
            absl::StatusCode::kInvalidArgument);
  ov1::GetPolicyRequest g;
  EXPECT_EQ(SetFieldFromText(g, "tenant.x", "v", "q").code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonBodyTest, ParsesCamelAndSnakeNames) {
  cv1::EnrollRequest r;
  ASSERT_TRUE(ParseJsonBody(R"({"memberId":"m1","request_id":"r1"})", r).ok());
  EXPECT_EQ(r.member_id(), "m1");
  EXPECT_EQ(r.request_id(), "r1");
  cv1::EnrollRequest empty;
  EXPECT_TRUE(ParseJsonBody("  \n", empty).ok());
}

TEST(JsonBodyTest, ErrorsSayWhatIsWrong) {
  cv1::EnrollRequest r;
  absl::Status bad = ParseJsonBody(R"({"memberId":)", r);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message().rfind("body: invalid JSON: ", 0), 0u) << bad;
  absl::Status unknown = ParseJsonBody(R"({"foo":1})", r);
  EXPECT_EQ(unknown.message(), "body: unknown field \"foo\"") << unknown;
  EXPECT_EQ(ParseJsonBody("[1]", r).message(), "body: must be a JSON object");
  absl::Status type = ParseJsonBody(R"({"memberId":5})", r);
  EXPECT_EQ(type.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(type.message().rfind("body: ", 0), 0u) << type;
}

TEST(JsonBodyTest, PrintsDefaultsInLowerCamel) {
  cv1::EnrollResponse r;
  r.set_result(cv1::WAITLISTED);
  const std::string json = MessageToJson(r);
  EXPECT_NE(json.find("\"result\":\"WAITLISTED\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"waitlistPosition\":0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"cohortFilled\":false"), std::string::npos) << json;
}

}  // namespace
}  // namespace dunbar::gateway
