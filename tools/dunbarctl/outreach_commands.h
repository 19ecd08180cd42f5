// `dunbarctl outreach ...`: the outreach service (--outreach-addr, env DUNBAR_OUTREACH_ADDR).
//
//   dunbarctl outreach policy set --quota 3 --weekdays mon,wed,fri --target-program p_1
//   dunbarctl outreach plan                       # today's people and why (the morning screen)
//   dunbarctl outreach done 01J... interested --note "call back Friday"
//   dunbarctl outreach funnel --from 2024-03-01
//
// The group is split by topic, one file each: policy, plan and tasks (outreach_commands.cc),
// campaigns (outreach_campaign_commands.cc), funnel, dead letters and worker status
// (outreach_report_commands.cc).
#pragma once

#include <CLI/CLI.hpp>

#include "tools/dunbarctl/command.h"

namespace dunbar::dunbarctl {

class CliContext;

// Adds the `outreach` group with all its commands.
void AddOutreachCommands(CLI::App& root, CliContext& ctx, Selected& selected);

// The parts, each adding its commands to the `outreach` group.
void AddOutreachCampaignCommands(CLI::App& outreach, CliContext& ctx, Selected& selected);
void AddOutreachReportCommands(CLI::App& outreach, CliContext& ctx, Selected& selected);

}  // namespace dunbar::dunbarctl
