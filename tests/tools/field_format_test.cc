#include "tools/dunbarctl/field_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dunbar::dunbarctl {
namespace {

using ::testing::ElementsAre;

TEST(FieldFormatTest, ParsesEnumLabelsCaseInsensitively) {
  EXPECT_EQ(*ParseStage("--stage", "lead"), v1::STAGE_LEAD);
  EXPECT_EQ(*ParseStage("--stage", " Alumni "), v1::STAGE_ALUMNI);
  EXPECT_EQ(*ParseStage("--stage", "STAGE_MEMBER"), v1::STAGE_MEMBER);
  EXPECT_EQ(*ParseInteractionKind("--kind", "Replied"), v1::REPLIED);
  EXPECT_EQ(*ParseChannel("--channel", "wechat"), v1::CHANNEL_WECHAT);
  EXPECT_EQ(*ParseHandleKind("--kind", "email"), v1::HANDLE_EMAIL);
}

TEST(FieldFormatTest, RejectsUnknownAndUnspecifiedEnumLabels) {
  absl::StatusOr<v1::Stage> bad = ParseStage("--stage", "vip");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "--stage: 'vip' is not one of contact, lead, member, alumni");
  EXPECT_EQ(ParseStage("--stage", "unspecified").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseInteractionKind("--kind", "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FieldFormatTest, Labels) {
  EXPECT_EQ(StageLabel(v1::STAGE_CONTACT), "contact");
  EXPECT_EQ(StageLabel(v1::STAGE_UNSPECIFIED), "");
  EXPECT_EQ(InteractionKindLabel(v1::PURCHASED), "purchased");
  EXPECT_EQ(ChannelLabel(v1::CHANNEL_EMAIL), "email");
}

TEST(FieldFormatTest, ParsesDatesInTheGivenZone) {
  absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  EXPECT_EQ(*ParseTimeArg("at", "2024-03-01", absl::UTCTimeZone()),
            absl::FromUnixSeconds(1709251200));
  EXPECT_EQ(*ParseTimeArg("at", "2024/03/01", absl::UTCTimeZone()),
            absl::FromUnixSeconds(1709251200));
  EXPECT_EQ(*ParseTimeArg("at", "2024-03-01", shanghai),
            absl::FromUnixSeconds(1709251200 - 8 * 3600));
  EXPECT_EQ(*ParseTimeArg("at", "2024-03-01 09:30", absl::UTCTimeZone()),
            absl::FromUnixSeconds(1709251200 + 9 * 3600 + 30 * 60));
  EXPECT_EQ(*ParseTimeArg("at", "2024-03-01T09:30:15", absl::UTCTimeZone()),
            absl::FromUnixSeconds(1709251200 + 9 * 3600 + 30 * 60 + 15));
  // An explicit offset wins over the zone.
  EXPECT_EQ(*ParseTimeArg("at", "2024-03-01T08:00:00+08:00", absl::UTCTimeZone()),
            absl::FromUnixSeconds(1709251200));
}

TEST(FieldFormatTest, RejectsNonDates) {
  absl::StatusOr<absl::Time> bad =
      ParseTimeArg("connection_at", "last spring", absl::UTCTimeZone());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "connection_at: 'last spring' is not a date (use 2024-03-01, 2024-03-01 09:30 or RFC "
            "3339)");
  EXPECT_FALSE(ParseTimeArg("at", "2024-13-01", absl::UTCTimeZone()).ok());
}

TEST(FieldFormatTest, TimestampRoundTrip) {
  const absl::Time time = absl::FromUnixSeconds(1709251200) + absl::Milliseconds(250);
  const google::protobuf::Timestamp timestamp = ToTimestamp(time);
  EXPECT_EQ(timestamp.seconds(), 1709251200);
  EXPECT_EQ(timestamp.nanos(), 250000000);
  EXPECT_EQ(FormatTimestamp(timestamp, absl::UTCTimeZone()), "2024-03-01 00:00");
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp(), absl::UTCTimeZone()), "");
  const google::protobuf::Timestamp before_epoch = ToTimestamp(absl::FromUnixMillis(-1500));
  EXPECT_EQ(before_epoch.seconds(), -2);
  EXPECT_EQ(before_epoch.nanos(), 500000000);
}

TEST(FieldFormatTest, FormatsMinorAmounts) {
  EXPECT_EQ(FormatMinorAmount(19900, "CNY"), "199.00 CNY");
  EXPECT_EQ(FormatMinorAmount(5, "usd"), "0.05 USD");
  EXPECT_EQ(FormatMinorAmount(-1250, "EUR"), "-12.50 EUR");
  EXPECT_EQ(FormatMinorAmount(5000, "JPY"), "5000 JPY");
}

TEST(FieldFormatTest, SplitsTagsOnAsciiAndFullwidthSeparators) {
  EXPECT_THAT(SplitTags("vip;深度工作 | reader,  "), ElementsAre("vip", "深度工作", "reader"));
  EXPECT_THAT(SplitTags("读书会；早起｜跑步，冥想"), ElementsAre("读书会", "早起", "跑步", "冥想"));
  EXPECT_TRUE(SplitTags(" ; | ").empty());
}

}  // namespace
}  // namespace dunbar::dunbarctl
