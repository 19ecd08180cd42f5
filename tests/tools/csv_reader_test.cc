#include "tools/dunbarctl/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace dunbar::dunbarctl {
namespace {

using ::testing::ElementsAre;

struct Record {
  std::vector<std::string> fields;
  int64_t line;
};

std::vector<Record> ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<Record> records;
  std::vector<std::string> fields;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    records.push_back({fields, reader.record_line()});
  }
  return records;
}

TEST(CsvReaderTest, SplitsPlainFieldsAndLines) {
  const auto records = ReadAll("name,phone\nLi Wei,13800138000\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("name", "phone"));
  EXPECT_THAT(records[1].fields, ElementsAre("Li Wei", "13800138000"));
  EXPECT_EQ(records[1].line, 2);
}

TEST(CsvReaderTest, LastLineWithoutNewline) {
  const auto records = ReadAll("a,b\n1,2");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1].fields, ElementsAre("1", "2"));
}

TEST(CsvReaderTest, QuotedFieldsKeepCommasQuotesAndNewlines) {
  const auto records =
      ReadAll("name,notes\n\"Wang, Xiaoming\",\"said \"\"hi\"\"\nthen left\"\nnext,row\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[1].fields, ElementsAre("Wang, Xiaoming", "said \"hi\"\nthen left"));
  EXPECT_EQ(records[1].line, 2);
  // The embedded newline moved the next record to line 4.
  EXPECT_THAT(records[2].fields, ElementsAre("next", "row"));
  EXPECT_EQ(records[2].line, 4);
}

TEST(CsvReaderTest, CrLfLineEndsAreOneBreak) {
  const auto records = ReadAll("a,b\r\n1,2\r\n3,4\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[1].fields, ElementsAre("1", "2"));
  EXPECT_THAT(records[2].fields, ElementsAre("3", "4"));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReaderTest, SkipsUtf8ByteOrderMark) {
  const auto records = ReadAll("\xEF\xBB\xBFname,phone\n王小明,1\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields[0], "name");  // no BOM glued to the first column name
  EXPECT_THAT(records[1].fields, ElementsAre("王小明", "1"));
}

TEST(CsvReaderTest, ChineseTextAndFullwidthPunctuationPassThrough) {
  const auto records = ReadAll("name,tags\n\"李雷，韩梅梅\",深度工作；读书会\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1].fields, ElementsAre("李雷，韩梅梅", "深度工作；读书会"));
}

TEST(CsvReaderTest, EmptyFieldsAndBlankLines) {
  const auto records = ReadAll("a,b,c\n,,\n\n1,,3\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_THAT(records[1].fields, ElementsAre("", "", ""));
  EXPECT_TRUE(IsBlankRecord(records[1].fields));
  EXPECT_THAT(records[2].fields, ElementsAre(""));
  EXPECT_TRUE(IsBlankRecord(records[2].fields));
  EXPECT_THAT(records[3].fields, ElementsAre("1", "", "3"));
  EXPECT_FALSE(IsBlankRecord(records[3].fields));
}

TEST(CsvReaderTest, QuotedEmptyAndTrailingDelimiter) {
  const auto records = ReadAll("\"\",x,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("", "x", ""));
}

TEST(CsvReaderTest, StrayQuotesAreKeptLiterally) {
  const auto records = ReadAll("5'11\" tall,\"ab\"cd\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("5'11\" tall", "abcd"));
}

TEST(CsvReaderTest, UnterminatedQuoteIsInvalidArgumentWithLine) {
  std::istringstream in("a,b\n1,2\n3,\"never closed\n4,5\n");
  CsvReader reader(in);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.Next(&fields));
  ASSERT_TRUE(*reader.Next(&fields));
  absl::StatusOr<bool> broken = reader.Next(&fields);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(broken.status().message(), "csv: quoted field starting on line 3 is not closed");
  EXPECT_EQ(reader.record_line(), 3);
}

TEST(CsvReaderTest, CountsBytesConsumed) {
  const std::string text = "\xEF\xBB\xBFname\nab\n";
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.Next(&fields));
  EXPECT_EQ(reader.bytes_consumed(), 8);
  ASSERT_TRUE(*reader.Next(&fields));
  EXPECT_EQ(reader.bytes_consumed(), static_cast<int64_t>(text.size()));
  EXPECT_FALSE(*reader.Next(&fields));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").empty());
}

}  // namespace
}  // namespace dunbar::dunbarctl
