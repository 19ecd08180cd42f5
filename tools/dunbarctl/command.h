// How commands plug into the CLI: each command group adds its subcommands to the CLI11 tree and,
// when one of them is chosen on the command line, stores its body in `Selected`. The body runs
// after the whole command line has parsed (so global flags given after the subcommand count) and
// returns the exit code.
//
//   void AddMemberCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
//     CLI::App* get = members->add_subcommand("get", "Show one member");
//     auto id = std::make_shared<std::string>();
//     get->add_option("member_id", *id)->required();
//     OnSelected(get, selected, [&ctx, id] { return RunGet(ctx, *id); });
//   }
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>

namespace dunbar::dunbarctl {

class CliContext;

using CommandBody = std::function<int()>;

struct Selected {
  CommandBody body;
};

inline void OnSelected(CLI::App* command, Selected& selected, CommandBody body) {
  command->callback([&selected, body = std::move(body)] { selected.body = body; });
}

// One function per command group (each in its own file).
void AddTokenCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddHealthCommand(CLI::App& root, CliContext& ctx, Selected& selected);
void AddMemberCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddImportCommand(CLI::App& root, CliContext& ctx, Selected& selected);
void AddInteractionCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddRankCommand(CLI::App& root, CliContext& ctx, Selected& selected);
void AddPreferenceCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddEntitlementCommands(CLI::App& root, CliContext& ctx, Selected& selected);
// Cohort service (--cohort-addr): programs, cohorts, enroll|withdraw|transfer, roster|waitlist,
// stats.
void AddProgramCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddCohortCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddEnrollmentCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddRosterCommands(CLI::App& root, CliContext& ctx, Selected& selected);
void AddStatsCommand(CLI::App& root, CliContext& ctx, Selected& selected);

}  // namespace dunbar::dunbarctl
