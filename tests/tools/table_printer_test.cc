#include "tools/dunbarctl/table_printer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tools/dunbarctl/display_width.h"

namespace dunbar::dunbarctl {
namespace {

TEST(DisplayWidthTest, CountsCjkAsTwoColumns) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("Li Wei"), 6u);
  EXPECT_EQ(DisplayWidth("王小明"), 6u);
  EXPECT_EQ(DisplayWidth("王 Li"), 5u);
  EXPECT_EQ(DisplayWidth("小源说说 第3期"), 14u);
  EXPECT_EQ(DisplayWidth("ｗｅｃｈａｔ"), 12u);  // fullwidth Latin
  EXPECT_EQ(DisplayWidth("김민수"), 6u);         // Hangul
  EXPECT_EQ(DisplayWidth("カタカナ"), 8u);
  EXPECT_EQ(DisplayWidth("，"), 2u);  // fullwidth comma
  EXPECT_EQ(DisplayWidth("😀"), 2u);
}

TEST(DisplayWidthTest, CombiningMarksAndAccentsAreNarrow) {
  EXPECT_EQ(DisplayWidth("Zoë"), 3u);
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);  // e + combining acute
  EXPECT_EQ(DisplayWidth("Ñandú"), 5u);
}

TEST(DisplayWidthTest, InvalidUtf8CountsOneColumnPerByte) {
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);
  EXPECT_EQ(DisplayWidth("a\xE4\xB8"), 3u);  // truncated 3-byte sequence
}

TEST(DisplayWidthTest, TruncateKeepsWholeCodePoints) {
  EXPECT_EQ(TruncateToWidth("王小明", 6), "王小明");
  EXPECT_EQ(TruncateToWidth("王小明和朋友们", 7), "王小明…");
  EXPECT_EQ(TruncateToWidth("王小明和朋友们", 6), "王小…");  // 4 + ellipsis; 王小明 would need 7
  EXPECT_EQ(TruncateToWidth("abcdef", 4), "abc…");
  EXPECT_EQ(TruncateToWidth("abcdef", 0), "");
}

TEST(TableTest, AlignsMixedChineseAndLatinByDisplayWidth) {
  Table table({"ID", "NAME", "PHONE"});
  table.AddRow({"m1", "王小明", "+8613800138000"});
  table.AddRow({"m2", "Li Wei", "+8613900139000"});
  table.AddRow({"m3", "欧阳娜娜 Nana", ""});
  std::ostringstream out;
  table.Render(out);
  EXPECT_EQ(out.str(),
            "ID  NAME           PHONE\n"
            "m1  王小明         +8613800138000\n"
            "m2  Li Wei         +8613900139000\n"
            "m3  欧阳娜娜 Nana\n");
}

TEST(TableTest, EveryLineHasTheSameColumnOffsets) {
  Table table({"NAME", "TAGS"});
  table.AddRow({"张三", "vip"});
  table.AddRow({"Alexander", "深度工作"});
  std::ostringstream out;
  table.Render(out);
  std::istringstream lines(out.str());
  std::string line;
  while (std::getline(lines, line)) {
    // "TAGS", "vip", "深度工作" all start at display column 11.
    const size_t start = line.find_first_not_of(' ', line.find("  "));
    EXPECT_EQ(DisplayWidth(line.substr(0, start)), 11u) << line;
  }
}

TEST(TableTest, FlattensNewlinesAndTruncatesLongCells) {
  Table table({"NOTE", "X"});
  table.set_max_column_width(8);
  table.AddRow({"line one\nline two", "1"});
  std::ostringstream out;
  table.Render(out);
  EXPECT_EQ(out.str(),
            "NOTE      X\n"
            "line on…  1\n");
}

TEST(TableTest, MissingCellsRenderEmptyAndHeaderOnlyTable) {
  Table table({"A", "B", "C"});
  std::ostringstream empty;
  table.Render(empty);
  EXPECT_EQ(empty.str(), "A  B  C\n");
  table.AddRow({"x"});
  std::ostringstream out;
  table.Render(out);
  EXPECT_EQ(out.str(), "A  B  C\nx\n");
}

TEST(KeyValueTableTest, AlignsValues) {
  KeyValueTable detail;
  detail.Add("name", "王小明");
  detail.Add("connection_point", "深度工作 2 期");
  std::ostringstream out;
  detail.Render(out);
  EXPECT_EQ(out.str(),
            "name              王小明\n"
            "connection_point  深度工作 2 期\n");
}

}  // namespace
}  // namespace dunbar::dunbarctl
