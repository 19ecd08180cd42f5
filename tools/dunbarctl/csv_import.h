// Streams a contacts CSV to MembershipService.ImportContacts: the header is mapped first (so
// unknown columns can be reported before anything is sent), then rows go out in chunks of
// `rows_per_message`, the first message carrying the ImportHeader. Rows that cannot be sent
// (wrong field count, not UTF-8, bad date, broken quoting) are rejected locally and counted with
// the server's rejections; every error is numbered by the file's data row (1 = first row after
// the header; blank lines are skipped) and carries the line it starts on.
//
//   absl::StatusOr<CsvImport> import = CsvImport::Open(file, options);
//   if (!import.ok()) ...                        // no header / no known column: nothing sent
//   for (auto& c : import->unknown_columns()) warn(c);
//   ImportOutcome outcome = import->Send(stub, call.get(), progress_callback);
//   if (!outcome.rpc.ok()) ...                   // transport or server failure
//   Print(outcome.summary);                      // created / merged / rejected + errors
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "tools/dunbarctl/csv_reader.h"
#include "tools/dunbarctl/import_mapping.h"

namespace dunbar::dunbarctl {

struct ImportOptions {
  std::string tenant;                         // empty: the token's tenant
  std::string request_id;                     // sent in the ImportHeader
  std::string default_country;                // empty: the server's default
  absl::TimeZone zone = absl::UTCTimeZone();  // for connection_at values without an offset
  int rows_per_message = 500;
};

struct ImportOutcome {
  grpc::Status rpc;  // the stream's final status
  // Server counts plus local rejections; rows_received counts every data row read; errors (the
  // first 1000 by row) and warnings (rows merged although a handle belonged to someone else)
  // sorted by row, with rows renumbered to the file's data rows.
  membership::v1::ImportContactsResponse summary;
  std::vector<int64_t> error_lines;    // parallel to summary.errors(): line the row starts on
  std::vector<int64_t> warning_lines;  // parallel to summary.warnings()
  int64_t rows_sent = 0;
};

class CsvImport {
 public:
  // Reads and maps the header row. INVALID_ARGUMENT for an empty file or a header without any
  // known column.
  static absl::StatusOr<std::unique_ptr<CsvImport>> Open(std::istream& in, ImportOptions options);

  const std::vector<std::string>& unknown_columns() const { return mapping_.unknown_columns; }

  // Called after each row with the bytes consumed so far and the rows read.
  using ProgressFn = std::function<void(int64_t bytes, int64_t rows)>;
  ImportOutcome Send(membership::v1::MembershipService::StubInterface& stub,
                     grpc::ClientContext* call, const ProgressFn& progress);

 private:
  CsvImport(std::istream& in, ImportOptions options);

  CsvReader reader_;
  ImportOptions options_;
  ColumnMapping mapping_;
};

}  // namespace dunbar::dunbarctl
