// Import row normalization and member field validation (pure logic, no Redis).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "services/membership/api_helpers.h"
#include "services/membership/contact_import.h"
#include "services/membership/member_validation.h"

namespace dunbar::membership {
namespace {

using ::testing::ElementsAre;

TEST(NormalizeImportRowTest, NormalizesHandlesTagsAndText) {
  v1::ImportRow row;
  row.set_name("  李伟 ");
  row.set_phone("138 0013-8000");
  row.set_wechat_id(" LiWei_88 ");
  row.set_email(" Li.Wei@Example.COM ");
  row.add_tags("VIP");
  row.add_tags(" deep-work ");
  row.add_tags("vip");
  row.set_source(" workshop-2024 ");
  row.mutable_connection_point()->set_description(" Deep Work 2 ");
  row.set_notes("met in Shanghai");
  absl::StatusOr<v1::Member> member = NormalizeImportRow(row, "CN");
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->name(), "李伟");
  EXPECT_EQ(member->phone(), "+8613800138000");
  EXPECT_EQ(member->wechat_id(), "liwei_88");
  EXPECT_EQ(member->email(), "li.wei@example.com");
  EXPECT_THAT(member->tags(), ElementsAre("deep-work", "vip"));
  EXPECT_EQ(member->source(), "workshop-2024");
  EXPECT_EQ(member->connection_point().description(), "Deep Work 2");
  EXPECT_FALSE(member->connection_point().has_at());
  EXPECT_EQ(member->notes(), "met in Shanghai");
}

TEST(NormalizeImportRowTest, SamePersonInDifferentFormatsGetsSameHandles) {
  v1::ImportRow a, b;
  a.set_phone("+86 138 0013 8000");
  b.set_phone("13800138000");
  EXPECT_EQ(NormalizeImportRow(a, "CN")->phone(), NormalizeImportRow(b, "CN")->phone());
  v1::ImportRow us;
  us.set_phone("(415) 555-2671");
  EXPECT_EQ(NormalizeImportRow(us, "US")->phone(), "+14155552671");
}

TEST(NormalizeImportRowTest, RowWithoutHandleIsRejectedOnHandle) {
  v1::ImportRow row;
  row.set_name("Nobody");
  row.set_phone("   ");
  absl::Status status = NormalizeImportRow(row, "CN").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  v1::RowError error = RowErrorFromStatus(7, status);
  EXPECT_EQ(error.row(), 7);
  EXPECT_EQ(error.field(), "handle");
  EXPECT_EQ(error.reason(), "a row needs a phone, WeChat id or email");
}

TEST(NormalizeImportRowTest, BadFieldsAreNamed) {
  const auto field_of = [](const v1::ImportRow& row) {
    return RowErrorFromStatus(1, NormalizeImportRow(row, "CN").status()).field();
  };
  v1::ImportRow bad_phone;
  bad_phone.set_phone("12");
  EXPECT_EQ(field_of(bad_phone), "phone");
  v1::ImportRow bad_email;
  bad_email.set_phone("13800138000");
  bad_email.set_email("not-an-email");
  EXPECT_EQ(field_of(bad_email), "email");
  v1::ImportRow bad_wechat;
  bad_wechat.set_wechat_id("1");
  EXPECT_EQ(field_of(bad_wechat), "wechat_id");
  v1::ImportRow bad_tag;
  bad_tag.set_email("a@b.cn");
  bad_tag.add_tags("a,b");
  EXPECT_EQ(field_of(bad_tag), "tags");
  v1::ImportRow long_name;
  long_name.set_email("a@b.cn");
  long_name.set_name(std::string(201, 'x'));
  EXPECT_EQ(field_of(long_name), "name");
  v1::ImportRow bad_utf8;
  bad_utf8.set_email("a@b.cn");
  bad_utf8.set_notes("\xff\xfe");
  EXPECT_EQ(field_of(bad_utf8), "notes");
}

TEST(RowErrorFromStatusTest, MessageWithoutFieldKeepsReason) {
  v1::RowError error = RowErrorFromStatus(3, absl::InvalidArgumentError("something odd"));
  EXPECT_EQ(error.row(), 3);
  EXPECT_EQ(error.field(), "");
  EXPECT_EQ(error.reason(), "something odd");
}

TEST(NormalizeMemberTest, StageMustBeSpecifiedWhenNamed) {
  v1::Member member;
  absl::Status status = NormalizeMember({"stage"}, "member.", "CN", member);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("member.stage:"));
  member.set_stage(static_cast<v1::Stage>(42));
  EXPECT_EQ(NormalizeMember({"stage"}, "member.", "CN", member).code(),
            absl::StatusCode::kInvalidArgument);
  member.set_stage(v1::STAGE_ALUMNI);
  EXPECT_TRUE(NormalizeMember({"stage"}, "member.", "CN", member).ok());
}

TEST(NormalizeMemberTest, TooManyTags) {
  v1::Member member;
  for (int i = 0; i < 51; ++i) member.add_tags("t" + std::to_string(i));
  absl::Status status = NormalizeMember({"tags"}, "member.", "CN", member);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("member.tags:"));
}

TEST(NormalizeMemberTest, EmptyHandlesAreCleared) {
  v1::Member member;
  member.set_phone("  ");
  member.set_email(" ");
  ASSERT_TRUE(NormalizeMember({"phone", "email", "wechat_id"}, "member.", "CN", member).ok());
  EXPECT_EQ(member.phone(), "");
  EXPECT_EQ(member.email(), "");
  EXPECT_FALSE(HasHandle(member));
}

TEST(NormalizeMemberTest, ConnectionPointTimeIsChecked) {
  v1::Member member;
  member.mutable_connection_point()->mutable_at()->set_seconds(1700000000);
  member.mutable_connection_point()->mutable_at()->set_nanos(-1);
  absl::Status status = NormalizeMember({"connection_point"}, "member.", "CN", member);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("member.connection_point.at:"));
}

TEST(NormalizeMemberTest, UnknownPathNamesTheMask) {
  v1::Member member;
  absl::Status status = NormalizeMember({"id"}, "member.", "CN", member);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("update_mask:"));
}

}  // namespace
}  // namespace dunbar::membership
