#include "tools/dunbarctl/csv_reader.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dunbar::dunbarctl {
namespace {
constexpr int kEof = std::char_traits<char>::eof();
}  // namespace

CsvReader::CsvReader(std::istream& in, char delimiter) : in_(in), delimiter_(delimiter) {}

int CsvReader::Get() {
  const int c = in_.rdbuf()->sbumpc();
  if (c != kEof) ++bytes_consumed_;
  return c;
}

int CsvReader::Peek() { return in_.rdbuf()->sgetc(); }

absl::StatusOr<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  if (!started_) {
    started_ = true;
    // Skip a UTF-8 byte order mark, only at the very start of the input.
    if (Peek() == 0xEF) {
      std::string bom;
      for (int i = 0; i < 3 && Peek() != kEof; ++i) bom.push_back(static_cast<char>(Get()));
      if (bom != "\xEF\xBB\xBF") {
        // Not a BOM after all: the bytes belong to the first field.
        fields->push_back(bom);
      }
    }
  }
  if (Peek() == kEof && fields->empty()) return false;
  record_line_ = line_;
  if (fields->empty()) fields->emplace_back();

  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  if (!fields->back().empty()) state = State::kUnquoted;
  while (true) {
    const int c = Get();
    if (c == kEof) {
      if (state == State::kQuoted) {
        return absl::InvalidArgumentError(
            absl::StrCat("csv: quoted field starting on line ", record_line_, " is not closed"));
      }
      return true;
    }
    const char ch = static_cast<char>(c);
    if (state == State::kQuoted) {
      if (ch == '"') {
        if (Peek() == '"') {
          Get();
          fields->back().push_back('"');
        } else {
          state = State::kAfterQuote;
        }
      } else {
        if (ch == '\n') ++line_;
        fields->back().push_back(ch);
      }
      continue;
    }
    if (ch == delimiter_) {
      fields->emplace_back();
      state = State::kFieldStart;
      continue;
    }
    if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && Peek() == '\n') Get();
      ++line_;
      return true;
    }
    if (ch == '"' && state == State::kFieldStart) {
      state = State::kQuoted;
      continue;
    }
    // Text after a closing quote, or a quote inside an unquoted field, is kept literally (as
    // Python's csv module and spreadsheets do) rather than rejecting a hand-edited file.
    fields->back().push_back(ch);
    state = State::kUnquoted;
  }
}

bool IsBlankRecord(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    if (!field.empty()) return false;
  }
  return true;
}

}  // namespace dunbar::dunbarctl
