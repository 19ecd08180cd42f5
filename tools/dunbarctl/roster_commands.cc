// roster (who sits in a batch) and waitlist (who queues for a programme)
#include <memory>
#include <string>

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

struct PageFlags {
  std::string id;  // the cohort (roster) or programme (waitlist)
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

void AddPageFlags(CLI::App* command, PageFlags& flags) {
  command->add_option("--page-size", flags.page_size, "1..500 (default 50)");
  command->add_option("--page-token", flags.page_token, "Continue after a previous page");
  command->add_flag("--all", flags.all, "Follow page tokens to the end");
}

// "(2 members)", "(50 members; more with --page-token X or --all)"
std::string CountLine(const std::string& counted, const std::string& next_page_token) {
  std::string line = absl::StrCat("(", counted);
  if (!next_page_token.empty()) {
    absl::StrAppend(&line, "; more with --page-token ", next_page_token, " or --all");
  }
  return line + ")\n";
}

int RunRoster(CliContext& ctx, const PageFlags& flags) {
  cohort_api::ListRosterRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_cohort_id(flags.id);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  cohort_api::ListRosterResponse roster;
  while (true) {
    cohort_api::ListRosterResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.cohort().ListRoster(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    roster.mutable_entries()->MergeFrom(page.entries());
    roster.set_next_page_token(page.next_page_token());
    // The cohort as of the last page, so the header matches the newest state seen.
    *roster.mutable_cohort() = page.cohort();
    if (!flags.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(roster, [&](std::ostream& out) {
    const cohort_api::Cohort& cohort = roster.cohort();
    out << cohort.name() << " (" << cohort.id() << ")  "
        << FillBar(cohort.seats_taken(), cohort.capacity()) << "  "
        << CohortStateLabel(cohort.state()) << '\n';
    const absl::TimeZone zone = absl::LocalTimeZone();
    Table table({"SEAT", "MEMBER", "SEATED", "SOURCE", "ORDER"});
    for (const cohort_api::RosterEntry& entry : roster.entries()) {
      table.AddRow({absl::StrCat(entry.seat_number()), entry.member_id(),
                    FormatTimestamp(entry.seated_at(), zone), entry.source(),
                    entry.entitlement_order_id()});
    }
    table.Render(out);
    const int count = roster.entries_size();
    out << CountLine(absl::StrCat(count, count == 1 ? " member" : " members"),
                     roster.next_page_token());
  });
}

int RunWaitlist(CliContext& ctx, const PageFlags& flags) {
  cohort_api::GetWaitlistRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_program_id(flags.id);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  cohort_api::GetWaitlistResponse waitlist;
  while (true) {
    cohort_api::GetWaitlistResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.cohort().GetWaitlist(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    waitlist.mutable_entries()->MergeFrom(page.entries());
    waitlist.set_next_page_token(page.next_page_token());
    waitlist.set_length(page.length());
    if (!flags.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(waitlist, [&](std::ostream& out) {
    out << waitlist.length() << " waiting for " << flags.id << '\n';
    if (waitlist.entries().empty()) return;
    const absl::TimeZone zone = absl::LocalTimeZone();
    Table table({"POS", "MEMBER", "JOINED", "SOURCE"});
    for (const cohort_api::WaitlistEntry& entry : waitlist.entries()) {
      table.AddRow({absl::StrCat(entry.position()), entry.member_id(),
                    FormatTimestamp(entry.joined_at(), zone), entry.source()});
    }
    table.Render(out);
    if (!waitlist.next_page_token().empty()) {
      out << CountLine(absl::StrCat(waitlist.entries_size(), " shown"), waitlist.next_page_token());
    }
  });
}

}  // namespace

void AddRosterCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  {
    CLI::App* roster = root.add_subcommand("roster", "Who sits in a batch, by seat number");
    auto flags = std::make_shared<PageFlags>();
    roster->add_option("cohort_id", flags->id, "Cohort id (<programme id>.<number>)")->required();
    AddPageFlags(roster, *flags);
    OnSelected(roster, selected, [&ctx, flags] { return RunRoster(ctx, *flags); });
  }
  {
    CLI::App* waitlist =
        root.add_subcommand("waitlist", "Who waits for a programme's next batch, in order");
    auto flags = std::make_shared<PageFlags>();
    waitlist->add_option("program_id", flags->id, "Programme id")->required();
    AddPageFlags(waitlist, *flags);
    OnSelected(waitlist, selected, [&ctx, flags] { return RunWaitlist(ctx, *flags); });
  }
}

}  // namespace dunbar::dunbarctl
