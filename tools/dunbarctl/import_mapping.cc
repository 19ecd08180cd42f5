#include "tools/dunbarctl/import_mapping.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation/validation.h"
#include "tools/dunbarctl/field_format.h"

namespace dunbar::dunbarctl {
namespace {

std::optional<ImportColumn> ColumnFromHeader(absl::string_view header) {
  std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header));
  for (char& c : key) {
    if (c == ' ' || c == '-') c = '_';
  }
  static const std::pair<absl::string_view, ImportColumn> kNames[] = {
      {"name", ImportColumn::kName},
      {"phone", ImportColumn::kPhone},
      {"wechat_id", ImportColumn::kWeChatId},
      {"wechat", ImportColumn::kWeChatId},
      {"email", ImportColumn::kEmail},
      {"tags", ImportColumn::kTags},
      {"source", ImportColumn::kSource},
      {"connection_point", ImportColumn::kConnectionPoint},
      {"connection_at", ImportColumn::kConnectionAt},
      {"notes", ImportColumn::kNotes},
  };
  for (const auto& [name, column] : kNames) {
    if (key == name) return column;
  }
  return std::nullopt;
}

absl::string_view ColumnName(ImportColumn column) {
  switch (column) {
    case ImportColumn::kName:
      return "name";
    case ImportColumn::kPhone:
      return "phone";
    case ImportColumn::kWeChatId:
      return "wechat_id";
    case ImportColumn::kEmail:
      return "email";
    case ImportColumn::kTags:
      return "tags";
    case ImportColumn::kSource:
      return "source";
    case ImportColumn::kConnectionPoint:
      return "connection_point";
    case ImportColumn::kConnectionAt:
      return "connection_at";
    case ImportColumn::kNotes:
      return "notes";
  }
  return "";
}

}  // namespace

absl::StatusOr<ColumnMapping> MapHeader(const std::vector<std::string>& header) {
  ColumnMapping mapping;
  std::vector<bool> seen(static_cast<size_t>(ImportColumn::kNotes) + 1, false);
  bool any_known = false;
  for (const std::string& name : header) {
    std::optional<ImportColumn> column = ColumnFromHeader(name);
    if (column.has_value()) {
      const auto index = static_cast<size_t>(*column);
      if (seen[index]) {
        return absl::InvalidArgumentError(
            absl::StrCat("header: column '", ColumnName(*column), "' appears more than once"));
      }
      seen[index] = true;
      any_known = true;
    } else {
      mapping.unknown_columns.push_back(name);
    }
    mapping.by_index.push_back(column);
  }
  if (!any_known) {
    return absl::InvalidArgumentError(
        "header: no known column (expected a header row with some of name, phone, wechat_id, "
        "email, tags, source, connection_point, connection_at, notes)");
  }
  return mapping;
}

MappedRow MapRow(const ColumnMapping& mapping, const std::vector<std::string>& fields,
                 absl::TimeZone zone) {
  MappedRow mapped;
  if (fields.size() > mapping.by_index.size()) {
    mapped.error_field = "row";
    mapped.error_reason =
        absl::StrCat("has ", fields.size(), " fields but the header has ", mapping.by_index.size());
    return mapped;
  }
  membership::v1::ImportRow& row = mapped.row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!mapping.by_index[i].has_value()) continue;
    const ImportColumn column = *mapping.by_index[i];
    const std::string value(absl::StripAsciiWhitespace(fields[i]));
    if (!validation::IsValidUtf8(value)) {
      mapped.error_field = std::string(ColumnName(column));
      mapped.error_reason = "not valid UTF-8 (save the file as \"CSV UTF-8\")";
      return mapped;
    }
    switch (column) {
      case ImportColumn::kName:
        row.set_name(value);
        break;
      case ImportColumn::kPhone:
        row.set_phone(value);
        break;
      case ImportColumn::kWeChatId:
        row.set_wechat_id(value);
        break;
      case ImportColumn::kEmail:
        row.set_email(value);
        break;
      case ImportColumn::kTags:
        for (std::string& tag : SplitTags(value)) row.add_tags(std::move(tag));
        break;
      case ImportColumn::kSource:
        row.set_source(value);
        break;
      case ImportColumn::kConnectionPoint:
        row.mutable_connection_point()->set_description(value);
        break;
      case ImportColumn::kConnectionAt: {
        if (value.empty()) break;
        absl::StatusOr<absl::Time> at = ParseTimeArg("connection_at", value, zone);
        if (!at.ok()) {
          mapped.error_field = "connection_at";
          mapped.error_reason =
              absl::StrCat("'", value, "' is not a date (use 2024-03-01 or RFC 3339)");
          return mapped;
        }
        *row.mutable_connection_point()->mutable_at() = ToTimestamp(*at);
        break;
      }
      case ImportColumn::kNotes:
        row.set_notes(value);
        break;
    }
  }
  return mapped;
}

}  // namespace dunbar::dunbarctl
