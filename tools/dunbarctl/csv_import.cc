#include "tools/dunbarctl/csv_import.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dunbar::dunbarctl {
namespace {

namespace v1 = ::dunbar::membership::v1;

// Where a row sent to the server came from in the file.
struct RowOrigin {
  int64_t row;
  int64_t line;
};

struct NumberedError {
  v1::RowError error;
  int64_t line;
};

// Like the server, list at most this many rejected rows (all are counted).
constexpr size_t kMaxListedErrors = 1000;

}  // namespace

CsvImport::CsvImport(std::istream& in, ImportOptions options)
    : reader_(in), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<CsvImport>> CsvImport::Open(std::istream& in,
                                                           ImportOptions options) {
  if (options.rows_per_message < 1) {
    return absl::InvalidArgumentError("rows_per_message: must be at least 1");
  }
  std::unique_ptr<CsvImport> import(new CsvImport(in, std::move(options)));
  std::vector<std::string> header;
  absl::StatusOr<bool> read = import->reader_.Next(&header);
  if (!read.ok()) return read.status();
  if (!*read || IsBlankRecord(header)) {
    return absl::InvalidArgumentError("csv: the file is empty (expected a header row first)");
  }
  absl::StatusOr<ColumnMapping> mapping = MapHeader(header);
  if (!mapping.ok()) return mapping.status();
  import->mapping_ = *std::move(mapping);
  return import;
}

ImportOutcome CsvImport::Send(v1::MembershipService::StubInterface& stub, grpc::ClientContext* call,
                              const ProgressFn& progress) {
  ImportOutcome outcome;
  v1::ImportContactsResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<v1::ImportContactsRequest>> writer =
      stub.ImportContacts(call, &response);

  std::vector<RowOrigin> sent;  // index: server row number - 1
  std::vector<NumberedError> errors;
  int64_t local_rejected = 0;
  auto reject = [&](int64_t row, std::string field, std::string reason) {
    ++local_rejected;
    if (errors.size() >= kMaxListedErrors) return;
    v1::RowError error;
    error.set_row(row);
    error.set_field(std::move(field));
    error.set_reason(std::move(reason));
    errors.push_back({std::move(error), reader_.record_line()});
  };
  int64_t rows_read = 0;
  bool stream_broken = false;

  v1::ImportContactsRequest message;
  v1::ImportHeader* header = message.mutable_header();
  header->set_tenant(options_.tenant);
  header->set_request_id(options_.request_id);
  header->set_default_country(options_.default_country);

  auto flush = [&]() {
    if (stream_broken) return;
    if (!writer->Write(message)) {
      stream_broken = true;  // Finish() below says why
      return;
    }
    message.Clear();
  };

  std::vector<std::string> fields;
  while (!stream_broken) {
    absl::StatusOr<bool> more = reader_.Next(&fields);
    if (!more.ok()) {
      // Only an unterminated quote gets here; it swallowed the rest of the file.
      ++rows_read;
      reject(rows_read, "csv", std::string(more.status().message()));
      break;
    }
    if (!*more) break;
    if (IsBlankRecord(fields)) continue;
    ++rows_read;
    MappedRow mapped = MapRow(mapping_, fields, options_.zone);
    if (!mapped.ok()) {
      reject(rows_read, std::move(mapped.error_field), std::move(mapped.error_reason));
    } else {
      *message.add_rows() = std::move(mapped.row);
      sent.push_back({rows_read, reader_.record_line()});
      if (message.rows_size() >= options_.rows_per_message) flush();
    }
    if (progress) progress(reader_.bytes_consumed(), rows_read);
  }
  // The end marker lets the server tell a finished import from a stream cut short.
  if (!stream_broken) {
    message.set_end_of_import(true);
    flush();
  }
  if (!stream_broken) writer->WritesDone();
  outcome.rpc = writer->Finish();
  outcome.rows_sent = static_cast<int64_t>(sent.size());
  if (!outcome.rpc.ok()) return outcome;

  // Server row numbers count sent rows only; renumber them to the file's data rows.
  auto renumber = [&sent](const v1::RowError& server_error) {
    NumberedError numbered{server_error, 0};
    const int64_t index = server_error.row() - 1;
    if (index >= 0 && index < static_cast<int64_t>(sent.size())) {
      numbered.error.set_row(sent[index].row);
      numbered.line = sent[index].line;
    }
    return numbered;
  };
  auto by_row = [](const NumberedError& a, const NumberedError& b) {
    return a.error.row() < b.error.row();
  };
  for (const v1::RowError& server_error : response.errors()) {
    errors.push_back(renumber(server_error));
  }
  std::stable_sort(errors.begin(), errors.end(), by_row);
  if (errors.size() > kMaxListedErrors) errors.resize(kMaxListedErrors);
  std::vector<NumberedError> warnings;
  for (const v1::RowError& server_warning : response.warnings()) {
    warnings.push_back(renumber(server_warning));
  }
  std::stable_sort(warnings.begin(), warnings.end(), by_row);

  v1::ImportContactsResponse& summary = outcome.summary;
  summary.set_rows_received(rows_read);
  summary.set_created(response.created());
  summary.set_merged(response.merged());
  summary.set_rejected(response.rejected() + local_rejected);
  for (NumberedError& numbered : errors) {
    *summary.add_errors() = std::move(numbered.error);
    outcome.error_lines.push_back(numbered.line);
  }
  for (NumberedError& numbered : warnings) {
    *summary.add_warnings() = std::move(numbered.error);
    outcome.warning_lines.push_back(numbered.line);
  }
  return outcome;
}

}  // namespace dunbar::dunbarctl
