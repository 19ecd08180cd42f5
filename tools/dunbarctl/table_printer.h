// Aligned plain-text tables for terminal output. Columns are padded by display width (see
// display_width.h), so Chinese names line up with Latin ones; newlines and tabs inside cells are
// shown as spaces so one record stays on one line; overlong cells are cut with "…".
//
//   Table table({"ID", "NAME", "PHONE"});
//   table.AddRow({"01J...", "王小明", "+8613800138000"});
//   table.Render(std::cout);
//   // ID      NAME    PHONE
//   // 01J...  王小明  +8613800138000
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace dunbar::dunbarctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Cells beyond the header count are dropped; missing cells render empty.
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }

  // Cells wider than this are truncated (default 40 columns; 0 means no limit).
  void set_max_column_width(size_t width) { max_column_width_ = width; }

  // Header line, then one line per row; columns separated by two spaces, no trailing spaces.
  void Render(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  size_t max_column_width_ = 40;
};

// A two-column "FIELD  value" listing for a single record.
class KeyValueTable {
 public:
  void Add(std::string key, std::string value);
  void Render(std::ostream& out) const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace dunbar::dunbarctl
