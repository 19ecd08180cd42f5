// import contacts FILE.csv
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/csv_import.h"
#include "tools/dunbarctl/exit_codes.h"
#include "tools/dunbarctl/progress_bar.h"

namespace dunbar::dunbarctl {
namespace {

struct ImportFlags {
  std::string path;
  std::string request_id;
  std::string default_country;
  std::string timezone = "UTC";
  int rows_per_message = 500;
  double timeout_seconds = 600;
  int show_errors = 10;
  bool no_progress = false;
};

// Lists up to `limit` of `rows` ("  row 12 (line 13): email: not a valid email address").
void PrintRowList(absl::string_view title,
                  const google::protobuf::RepeatedPtrField<membership::v1::RowError>& rows,
                  const std::vector<int64_t>& lines, int64_t total, int limit, std::ostream& out) {
  if (rows.empty() || limit <= 0) return;
  const int shown = std::min(limit, rows.size());
  out << title;
  if (shown < total) out << " (first " << shown << " of " << total << ")";
  out << ":\n";
  for (int i = 0; i < shown; ++i) {
    const auto& row = rows.Get(i);
    out << "  row " << row.row();
    if (lines[i] > 0) out << " (line " << lines[i] << ")";
    out << ": " << row.field() << ": " << row.reason() << '\n';
  }
}

void PrintSummary(const std::string& path, const ImportOutcome& outcome, int show_errors,
                  std::ostream& out) {
  const auto& summary = outcome.summary;
  out << "imported " << path << ": " << summary.rows_received() << " rows: " << summary.created()
      << " created, " << summary.merged() << " merged, " << summary.rejected() << " rejected\n";
  PrintRowList("rejected rows", summary.errors(), outcome.error_lines, summary.rejected(),
               show_errors, out);
  PrintRowList("merged, but a handle belongs to another member", summary.warnings(),
               outcome.warning_lines, summary.warnings_size(), show_errors, out);
}

int RunImport(CliContext& ctx, const ImportFlags& flags) {
  ImportOptions options;
  options.tenant = ctx.options().tenant;
  // A fresh id by default: re-running an import is safe anyway (rows merge by handle), and a new
  // id makes the second run report "merged" rather than replaying the first answer.
  options.request_id = flags.request_id.empty() ? NewRequestId() : flags.request_id;
  options.default_country = flags.default_country;
  options.rows_per_message = flags.rows_per_message;
  if (!absl::LoadTimeZone(flags.timezone, &options.zone)) {
    return ctx.UsageError(absl::StrCat("--timezone: unknown time zone '", flags.timezone, "'"));
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  int64_t total_bytes = 0;
  if (flags.path != "-") {
    file.open(flags.path, std::ios::binary);
    if (!file) {
      return ctx.UsageError(absl::StrCat(flags.path, ": cannot open (", std::strerror(errno), ")"));
    }
    std::error_code size_error;
    const auto size = std::filesystem::file_size(flags.path, size_error);
    if (!size_error) total_bytes = static_cast<int64_t>(size);
    in = &file;
  }

  absl::StatusOr<std::unique_ptr<CsvImport>> import = CsvImport::Open(*in, std::move(options));
  if (!import.ok()) {
    return ctx.UsageError(
        absl::InvalidArgumentError(absl::StrCat(flags.path, ": ", import.status().message())));
  }
  if (!(*import)->unknown_columns().empty()) {
    ctx.err() << "warning: ignoring unknown columns: "
              << absl::StrJoin((*import)->unknown_columns(), ", ") << '\n';
  }

  ProgressBar bar(ctx.err(), total_bytes, !flags.no_progress && ProgressBar::StderrIsTerminal());
  auto call = ctx.NewCall(absl::Seconds(flags.timeout_seconds));
  ImportOutcome outcome =
      (*import)->Send(ctx.membership(), call.get(),
                      [&bar](int64_t bytes, int64_t rows) { bar.Update(bytes, rows); });
  bar.Finish();
  if (!outcome.rpc.ok()) {
    const int code = ctx.Fail(outcome.rpc);
    ctx.err() << "import stopped after sending " << outcome.rows_sent
              << " rows; re-running the same file is safe (rows merge by phone/WeChat/email)\n";
    return code;
  }
  return ctx.Emit(outcome.summary, [&](std::ostream& out) {
    PrintSummary(flags.path, outcome, flags.show_errors, out);
  });
}

}  // namespace

void AddImportCommand(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* import = root.add_subcommand("import", "Bulk imports");
  import->require_subcommand(1);
  CLI::App* contacts = import->add_subcommand(
      "contacts",
      "Import a CSV with a header row (UTF-8, optional BOM). Columns, any case: name, phone, "
      "wechat_id, email, tags (';' or '|' separated), source, connection_point, connection_at, "
      "notes. Rows with a known phone/WeChat id/email merge into the existing member.");
  auto flags = std::make_shared<ImportFlags>();
  contacts->add_option("file", flags->path, "CSV file ('-' for stdin)")->required();
  contacts->add_option("--request-id", flags->request_id,
                       "Idempotency key (default: a new one per run)");
  contacts->add_option("--default-country", flags->default_country,
                       "ISO country for phone numbers without + (default: the server's)");
  contacts->add_option("--timezone", flags->timezone,
                       "Zone for connection_at dates without an offset (default UTC)");
  contacts->add_option("--rows-per-message", flags->rows_per_message, "Rows per stream message")
      ->check(CLI::Range(1, 5000));
  contacts
      ->add_option("--import-timeout", flags->timeout_seconds,
                   "Deadline for the whole import in seconds (default 600)")
      ->check(CLI::PositiveNumber);
  contacts->add_option("--show-errors", flags->show_errors, "Rejected rows to list (default 10)");
  contacts->add_flag("--no-progress", flags->no_progress, "Never draw the progress bar");
  OnSelected(contacts, selected, [&ctx, flags] { return RunImport(ctx, *flags); });
}

}  // namespace dunbar::dunbarctl
