// stats: a programme's batches (fill, time to fill), waitlist and enrolments per day
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/cohort_format.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/fill_bar.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {
namespace {

namespace cohort_api = ::dunbar::cohort::v1;

void PrintCohortStats(const cohort_api::ProgramStats& stats, std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  Table table({"#", "NAME", "SEATS", "STATE", "OPENED", "TIME TO FILL"});
  for (const cohort_api::CohortStats& entry : stats.cohorts()) {
    const cohort_api::Cohort& cohort = entry.cohort();
    table.AddRow({absl::StrCat(cohort.number()), cohort.name(),
                  FillBar(cohort.seats_taken(), cohort.capacity()),
                  CohortStateLabel(cohort.state()), FormatTimestamp(cohort.opened_at(), zone),
                  cohort.has_full_at() ? HumanizeDuration(entry.time_to_fill_seconds()) : ""});
  }
  table.Render(out);
}

// A sparkline of the whole window, then the days that had enrolments.
void PrintDailyCounts(const cohort_api::ProgramStats& stats, std::ostream& out) {
  const auto& days = stats.enrollments_per_day();
  if (days.empty()) return;
  std::vector<int> counts;
  int total = 0, busiest = 0;
  for (const cohort_api::DailyCount& day : days) {
    counts.push_back(day.enrollments());
    total += day.enrollments();
    busiest = std::max(busiest, day.enrollments());
  }
  out << "enrolments per day (UTC), " << days.begin()->date() << " .. " << days.rbegin()->date()
      << ": " << total << " in total, at most " << busiest << " a day\n"
      << Sparkline(counts) << '\n';
  if (total == 0) return;
  Table table({"DATE", "ENROLMENTS"});
  for (const cohort_api::DailyCount& day : days) {
    if (day.enrollments() > 0) table.AddRow({day.date(), absl::StrCat(day.enrollments())});
  }
  table.Render(out);
}

int RunStats(CliContext& ctx, const std::string& program_id, int days) {
  cohort_api::GetProgramStatsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_program_id(program_id);
  request.set_days(days);
  cohort_api::ProgramStats stats;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().GetProgramStats(call.get(), request, &stats);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(stats, [&](std::ostream& out) {
    const int batches = stats.cohorts_size();
    out << stats.program().name() << " (" << stats.program().id() << "): " << stats.total_enrolled()
        << " enrolled in " << batches << (batches == 1 ? " batch, " : " batches, ")
        << stats.waitlist_length() << " waiting\n";
    PrintCohortStats(stats, out);
    PrintDailyCounts(stats, out);
  });
}

}  // namespace

void AddStatsCommand(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* stats = root.add_subcommand(
      "stats", "A programme's batches (fill, time to fill), waitlist and enrolments per day");
  auto program = std::make_shared<std::string>();
  auto days = std::make_shared<int>(0);
  stats->add_option("program_id", *program, "Programme id")->required();
  stats->add_option("--days", *days, "Enrolments per day for the last N days (default 30)")
      ->check(CLI::Range(1, 366));
  OnSelected(stats, selected, [&ctx, program, days] { return RunStats(ctx, *program, *days); });
}

}  // namespace dunbar::dunbarctl
