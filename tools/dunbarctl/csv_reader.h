// A streaming RFC 4180 CSV reader for contact imports: quoted fields with embedded commas, quotes
// ("" inside quotes) and line breaks; LF or CRLF line ends; a UTF-8 byte order mark at the start
// of the input is skipped (Excel's "CSV UTF-8" writes one). Records are read one at a time, so
// files larger than memory stream through.
//
//   std::ifstream file(path, std::ios::binary);
//   CsvReader reader(file);
//   std::vector<std::string> fields;
//   while (true) {
//     absl::StatusOr<bool> more = reader.Next(&fields);
//     if (!more.ok()) { /* unterminated quote; reader.record_line() says where */ }
//     if (!*more) break;
//     Use(fields, reader.record_line());
//   }
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dunbar::dunbarctl {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in, char delimiter = ',');

  // Reads the next record into `fields` (cleared first). Returns false at the end of the input.
  // An empty line is a record with one empty field. A quoted field still open at the end of the
  // input is INVALID_ARGUMENT (the partial record is left in `fields`).
  absl::StatusOr<bool> Next(std::vector<std::string>* fields);

  // 1-based line on which the record last returned by Next() starts.
  int64_t record_line() const { return record_line_; }
  // Bytes consumed so far (BOM included): progress for a file of known size.
  int64_t bytes_consumed() const { return bytes_consumed_; }

 private:
  int Get();  // next byte or EOF, counting bytes
  int Peek();

  std::istream& in_;
  char delimiter_;
  bool started_ = false;
  int64_t line_ = 1;  // line of the next unread byte
  int64_t record_line_ = 0;
  int64_t bytes_consumed_ = 0;
};

// True if every field is empty (a blank line): imports skip such records.
bool IsBlankRecord(const std::vector<std::string>& fields);

}  // namespace dunbar::dunbarctl
