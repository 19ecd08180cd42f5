#include "tools/dunbarctl/table_printer.h"

#include <algorithm>
#include <utility>

#include "tools/dunbarctl/display_width.h"

namespace dunbar::dunbarctl {
namespace {

constexpr absl::string_view kColumnGap = "  ";

void WritePadded(std::ostream& out, const std::string& cell, size_t width) {
  out << cell;
  const size_t used = DisplayWidth(cell);
  for (size_t i = used; i < width; ++i) out << ' ';
}

std::string FlattenWhitespace(std::string cell) {
  for (char& c : cell) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return cell;
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (std::string& cell : cells) cell = FlattenWhitespace(std::move(cell));
  rows_.push_back(std::move(cells));
}

void Table::Render(std::ostream& out) const {
  std::vector<std::vector<std::string>> rows = rows_;
  if (max_column_width_ > 0) {
    for (auto& row : rows) {
      for (std::string& cell : row) cell = TruncateToWidth(cell, max_column_width_);
    }
  }
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto write_line = [&](const std::vector<std::string>& cells) {
    // Trailing empty cells are not padded, so no line ends in spaces.
    size_t last = cells.size();
    while (last > 0 && cells[last - 1].empty()) --last;
    for (size_t c = 0; c < last; ++c) {
      if (c > 0) out << kColumnGap;
      if (c + 1 == last) {
        out << cells[c];
      } else {
        WritePadded(out, cells[c], widths[c]);
      }
    }
    out << '\n';
  };
  write_line(headers_);
  for (const auto& row : rows) write_line(row);
}

void KeyValueTable::Add(std::string key, std::string value) {
  entries_.emplace_back(std::move(key), FlattenWhitespace(std::move(value)));
}

void KeyValueTable::Render(std::ostream& out) const {
  size_t key_width = 0;
  for (const auto& [key, value] : entries_) key_width = std::max(key_width, DisplayWidth(key));
  for (const auto& [key, value] : entries_) {
    if (value.empty()) {
      out << key << '\n';
      continue;
    }
    WritePadded(out, key, key_width);
    out << kColumnGap << value << '\n';
  }
}

}  // namespace dunbar::dunbarctl
