#include "tools/dunbarctl/import_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dunbar::dunbarctl {
namespace {

using ::testing::ElementsAre;

ColumnMapping MustMap(const std::vector<std::string>& header) {
  absl::StatusOr<ColumnMapping> mapping = MapHeader(header);
  EXPECT_TRUE(mapping.ok()) << mapping.status();
  return mapping.ok() ? *mapping : ColumnMapping{};
}

TEST(ImportMappingTest, MapsHeaderCaseInsensitivelyAndReportsUnknownColumns) {
  const ColumnMapping mapping =
      MustMap({"Name", " PHONE ", "WeChat", "Connection Point", "connection-at", "Birthday"});
  ASSERT_EQ(mapping.by_index.size(), 6u);
  EXPECT_EQ(mapping.by_index[0], ImportColumn::kName);
  EXPECT_EQ(mapping.by_index[1], ImportColumn::kPhone);
  EXPECT_EQ(mapping.by_index[2], ImportColumn::kWeChatId);
  EXPECT_EQ(mapping.by_index[3], ImportColumn::kConnectionPoint);
  EXPECT_EQ(mapping.by_index[4], ImportColumn::kConnectionAt);
  EXPECT_EQ(mapping.by_index[5], std::nullopt);
  EXPECT_THAT(mapping.unknown_columns, ElementsAre("Birthday"));
}

TEST(ImportMappingTest, RejectsDuplicateAndUnknownOnlyHeaders) {
  absl::StatusOr<ColumnMapping> duplicate = MapHeader({"email", "Email"});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(duplicate.status().message(), "header: column 'email' appears more than once");

  // A file without a header row: its first data row is not a header.
  absl::StatusOr<ColumnMapping> headless = MapHeader({"王小明", "13800138000"});
  ASSERT_FALSE(headless.ok());
  EXPECT_EQ(headless.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ImportMappingTest, MapsEveryColumnOfARow) {
  const ColumnMapping mapping = MustMap({"name", "phone", "wechat_id", "email", "tags", "source",
                                         "connection_point", "connection_at", "notes", "extra"});
  const MappedRow mapped =
      MapRow(mapping,
             {" 王小明 ", "138 0013 8000", "wxid_abc", "Wang@Example.com", "vip; 深度工作 |reader",
              "wechat-group", "深度工作 2 期", "2024-03-01", "likes tea\nand books", "ignored"},
             absl::UTCTimeZone());
  ASSERT_TRUE(mapped.ok()) << mapped.error_field << ": " << mapped.error_reason;
  const auto& row = mapped.row;
  EXPECT_EQ(row.name(), "王小明");
  EXPECT_EQ(row.phone(), "138 0013 8000");  // normalizing is the server's job
  EXPECT_EQ(row.wechat_id(), "wxid_abc");
  EXPECT_EQ(row.email(), "Wang@Example.com");
  EXPECT_THAT(row.tags(), ElementsAre("vip", "深度工作", "reader"));
  EXPECT_EQ(row.source(), "wechat-group");
  EXPECT_EQ(row.connection_point().description(), "深度工作 2 期");
  EXPECT_EQ(row.connection_point().at().seconds(), 1709251200);
  EXPECT_EQ(row.notes(), "likes tea\nand books");
}

TEST(ImportMappingTest, ShortRowsLeaveFieldsEmpty) {
  const ColumnMapping mapping = MustMap({"name", "email", "tags"});
  const MappedRow mapped = MapRow(mapping, {"Li Wei"}, absl::UTCTimeZone());
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped.row.name(), "Li Wei");
  EXPECT_EQ(mapped.row.email(), "");
  EXPECT_EQ(mapped.row.tags_size(), 0);
  EXPECT_FALSE(mapped.row.has_connection_point());
}

TEST(ImportMappingTest, RejectsRowsWithTooManyFields) {
  const ColumnMapping mapping = MustMap({"name", "email"});
  const MappedRow mapped = MapRow(mapping, {"a", "b", "c"}, absl::UTCTimeZone());
  EXPECT_FALSE(mapped.ok());
  EXPECT_EQ(mapped.error_field, "row");
  EXPECT_EQ(mapped.error_reason, "has 3 fields but the header has 2");
}

TEST(ImportMappingTest, RejectsBadDatesAndNonUtf8) {
  const ColumnMapping mapping = MustMap({"name", "connection_at"});
  const MappedRow bad_date = MapRow(mapping, {"Li", "yesterday"}, absl::UTCTimeZone());
  EXPECT_FALSE(bad_date.ok());
  EXPECT_EQ(bad_date.error_field, "connection_at");
  EXPECT_EQ(bad_date.error_reason, "'yesterday' is not a date (use 2024-03-01 or RFC 3339)");

  // "王" in GBK is D5 F5: not UTF-8.
  const MappedRow gbk = MapRow(mapping, {"\xCD\xF5\xD0\xA1", ""}, absl::UTCTimeZone());
  EXPECT_FALSE(gbk.ok());
  EXPECT_EQ(gbk.error_field, "name");
  EXPECT_EQ(gbk.error_reason, "not valid UTF-8 (save the file as \"CSV UTF-8\")");
}

TEST(ImportMappingTest, ConnectionAtUsesTheZone) {
  const ColumnMapping mapping = MustMap({"name", "connection_at"});
  const MappedRow mapped = MapRow(mapping, {"Li", "2024-03-01"}, absl::FixedTimeZone(8 * 3600));
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped.row.connection_point().at().seconds(), 1709251200 - 8 * 3600);
}

}  // namespace
}  // namespace dunbar::dunbarctl
