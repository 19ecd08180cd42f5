#include "tools/dunbarctl/cli_app.h"

#include <CLI/CLI.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/exit_codes.h"
#include "tools/dunbarctl/outreach_commands.h"

namespace dunbar::dunbarctl {

int RunCli(int argc, const char* const argv[], std::ostream& out, std::ostream& err) {
  CliContext ctx(out, err);
  GlobalOptions& options = ctx.options();
  std::string output = "table";

  CLI::App app(
      "dunbarctl: the dunbar operator CLI (contacts, imports, warm list, entitlements, programmes "
      "and batches, outreach)",
      "dunbarctl");
  app.require_subcommand(1);
  // Global flags may follow the subcommand: `dunbarctl members list --output json`.
  app.fallthrough();
  app.add_option("--addr", options.addr, "Membership service address host:port")
      ->envname("DUNBAR_ADDR")
      ->capture_default_str();
  app.add_option("--cohort-addr", options.cohort_addr, "Cohort service address host:port")
      ->envname("DUNBAR_COHORT_ADDR")
      ->capture_default_str();
  app.add_option("--outreach-addr", options.outreach_addr, "Outreach service address host:port")
      ->envname("DUNBAR_OUTREACH_ADDR")
      ->capture_default_str();
  app.add_option("--token", options.token, "Bearer token")->envname("DUNBAR_TOKEN");
  app.add_option("--tenant", options.tenant, "Tenant to act for (needed with service tokens)")
      ->envname("DUNBAR_TENANT");
  app.add_option("--output,-o", output, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_seconds, "Deadline of each call in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  Selected selected;
  AddTokenCommands(app, ctx, selected);
  AddHealthCommand(app, ctx, selected);
  AddMemberCommands(app, ctx, selected);
  AddImportCommand(app, ctx, selected);
  AddInteractionCommands(app, ctx, selected);
  AddRankCommand(app, ctx, selected);
  AddPreferenceCommands(app, ctx, selected);
  AddEntitlementCommands(app, ctx, selected);
  AddProgramCommands(app, ctx, selected);
  AddCohortCommands(app, ctx, selected);
  AddEnrollmentCommands(app, ctx, selected);
  AddRosterCommands(app, ctx, selected);
  AddStatsCommand(app, ctx, selected);
  AddOutreachCommands(app, ctx, selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e, out, err);  // --help
    }
    err << FormatError(grpc::StatusCode::INVALID_ARGUMENT, e.what()) << '\n'
        << "run `dunbarctl --help` (or `dunbarctl <command> --help`) for usage\n";
    return kExitUsage;
  }
  options.output = output == "json" ? OutputMode::kJson : OutputMode::kTable;
  if (!selected.body) {
    // Every leaf command registers a body; reaching here means a group was given alone.
    err << FormatError(grpc::StatusCode::INVALID_ARGUMENT, "no command given") << '\n';
    return kExitUsage;
  }
  try {
    return selected.body();
  } catch (const std::exception& e) {
    // Nothing we call is expected to throw; if something does, say so in one line, no trace.
    err << FormatError(grpc::StatusCode::INTERNAL, e.what()) << '\n';
    return 1;
  }
}

}  // namespace dunbar::dunbarctl
