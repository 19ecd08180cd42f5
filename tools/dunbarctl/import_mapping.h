// From CSV records to ImportRow messages: the header row names the columns (matched
// case-insensitively; spaces and dashes count as underscores), each later record becomes one row.
// Known columns: name, phone, wechat_id (or wechat), email, tags (separated by ';' or '|'),
// source, connection_point, connection_at, notes. Other columns are reported and ignored.
//
//   absl::StatusOr<ColumnMapping> mapping = MapHeader({"Name", "Phone", "Tags", "Birthday"});
//   // mapping->unknown_columns == {"Birthday"}
//   MappedRow mapped = MapRow(*mapping, {"王小明", "138 0013 8000", "vip;深度工作"}, zone);
//   // mapped.ok(), mapped.row.tags() == {"vip", "深度工作"}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::dunbarctl {

enum class ImportColumn {
  kName,
  kPhone,
  kWeChatId,
  kEmail,
  kTags,
  kSource,
  kConnectionPoint,
  kConnectionAt,
  kNotes,
};

struct ColumnMapping {
  std::vector<std::optional<ImportColumn>> by_index;  // one entry per header field
  std::vector<std::string> unknown_columns;           // as written in the header
};

// INVALID_ARGUMENT if a known column appears twice or no column is known (e.g. a file without
// a header row).
absl::StatusOr<ColumnMapping> MapHeader(const std::vector<std::string>& header);

struct MappedRow {
  membership::v1::ImportRow row;
  // Set when the row cannot be sent (the server never sees it): the column and why.
  std::string error_field;
  std::string error_reason;
  bool ok() const { return error_field.empty(); }
};

// Maps one data record. Fields are trimmed of ASCII whitespace. Rejected locally: more fields
// than the header has, text that is not UTF-8 (e.g. a file saved as GBK), and a connection_at
// that is not a date. Everything else (phone, email shapes...) is the server's to judge.
// Dates without an offset are read in `zone`.
MappedRow MapRow(const ColumnMapping& mapping, const std::vector<std::string>& fields,
                 absl::TimeZone zone);

}  // namespace dunbar::dunbarctl
