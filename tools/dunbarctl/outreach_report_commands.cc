// outreach funnel|dead-letters|status (how outreach is going, and its worker's health)
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/outreach_commands.h"
#include "tools/dunbarctl/outreach_format.h"
#include "tools/dunbarctl/outreach_report_view.h"

namespace dunbar::dunbarctl {
namespace {

namespace outreach_api = ::dunbar::outreach::v1;

struct FunnelFlags {
  std::string from_date, to_date, campaign_id, cohort_id;
};

int RunFunnel(CliContext& ctx, const FunnelFlags& flags) {
  if (absl::Status valid = CheckDateArg("--from", flags.from_date); !valid.ok()) {
    return ctx.UsageError(valid);
  }
  if (absl::Status valid = CheckDateArg("--to", flags.to_date); !valid.ok()) {
    return ctx.UsageError(valid);
  }
  outreach_api::GetFunnelRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_from_date(flags.from_date);
  request.set_to_date(flags.to_date);
  request.set_campaign_id(flags.campaign_id);
  request.set_cohort_id(flags.cohort_id);
  outreach_api::Funnel funnel;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().GetFunnel(call.get(), request, &funnel);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(funnel, [&](std::ostream& out) {
    if (!flags.campaign_id.empty()) out << "campaign " << flags.campaign_id << ": ";
    if (!flags.cohort_id.empty()) out << "batch " << flags.cohort_id << ": ";
    PrintFunnel(funnel, out);
  });
}

struct DeadLetterListFlags {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

int RunDeadLetters(CliContext& ctx, const DeadLetterListFlags& flags) {
  outreach_api::ListDeadLettersRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  outreach_api::ListDeadLettersResponse listed;
  while (true) {
    outreach_api::ListDeadLettersResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.outreach().ListDeadLetters(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    listed.mutable_dead_letters()->MergeFrom(page.dead_letters());
    listed.set_next_page_token(page.next_page_token());
    if (!flags.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(listed, [&](std::ostream& out) {
    if (listed.dead_letters().empty() && listed.next_page_token().empty()) {
      out << "no dead letters\n";
      return;
    }
    PrintDeadLetterRows(listed.dead_letters(), out);
    out << "(" << listed.dead_letters_size()
        << (listed.dead_letters_size() == 1 ? " dead letter" : " dead letters");
    if (!listed.next_page_token().empty()) {
      out << "; more with --page-token " << listed.next_page_token() << " or --all";
    }
    out << "; replay one with `dunbarctl outreach dead-letters replay ID`)\n";
  });
}

int RunReplay(CliContext& ctx, const std::string& dead_letter_id, const std::string& request_id) {
  outreach_api::ReplayDeadLetterRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  request.set_dead_letter_id(dead_letter_id);
  outreach_api::ReplayDeadLetterResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().ReplayDeadLetter(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    out << "replayed dead letter " << dead_letter_id << " as job " << response.job_id() << '\n';
  });
}

int RunStatus(CliContext& ctx) {
  outreach_api::GetWorkerStatusRequest request;
  request.set_tenant(ctx.options().tenant);
  outreach_api::WorkerStatus worker;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().GetWorkerStatus(call.get(), request, &worker);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(worker, [&](std::ostream& out) { PrintWorkerStatus(worker, out); });
}

}  // namespace

void AddOutreachReportCommands(CLI::App& outreach, CliContext& ctx, Selected& selected) {
  {
    CLI::App* funnel = outreach.add_subcommand(
        "funnel", "Contacted -> replied -> interested -> enrolled, with rates and a daily series");
    auto flags = std::make_shared<FunnelFlags>();
    funnel->add_option("--from", flags->from_date,
                       "First date, YYYY-MM-DD (default 29 days before --to)");
    funnel->add_option("--to", flags->to_date, "Last date, YYYY-MM-DD (default today)");
    CLI::Option* campaign =
        funnel->add_option("--campaign", flags->campaign_id, "Only this campaign's tasks");
    CLI::Option* cohort =
        funnel->add_option("--cohort", flags->cohort_id, "Only tasks inviting to this batch");
    campaign->excludes(cohort);
    OnSelected(funnel, selected, [&ctx, flags] { return RunFunnel(ctx, *flags); });
  }
  {
    CLI::App* dead = outreach.add_subcommand(
        "dead-letters", "Worker entries that failed too often (list, or replay one)");
    dead->require_subcommand(0, 1);
    auto flags = std::make_shared<DeadLetterListFlags>();
    CLI::App* list = dead->add_subcommand("list", "Oldest first");
    list->add_option("--page-size", flags->page_size, "1..500 (default 50)")
        ->check(CLI::Range(1, 500));
    list->add_option("--page-token", flags->page_token, "Continue after a previous page");
    list->add_flag("--all", flags->all, "Follow page tokens to the end");
    OnSelected(list, selected, [&ctx, flags] { return RunDeadLetters(ctx, *flags); });
    // `outreach dead-letters` alone lists them.
    dead->callback([&ctx, &selected, dead, flags] {
      if (dead->get_subcommands().empty()) {
        selected.body = [&ctx, flags] { return RunDeadLetters(ctx, *flags); };
      }
    });
    CLI::App* replay = dead->add_subcommand("replay", "Queue a dead letter again");
    auto id = std::make_shared<std::string>();
    auto request_id = std::make_shared<std::string>();
    replay->add_option("dead_letter_id", *id, "Dead letter id")->required();
    replay->add_option("--request-id", *request_id, "Idempotency key");
    OnSelected(replay, selected,
               [&ctx, id, request_id] { return RunReplay(ctx, *id, *request_id); });
  }
  {
    CLI::App* status = outreach.add_subcommand(
        "status", "The worker: consumer lag, pending entries, delayed jobs");
    OnSelected(status, selected, [&ctx] { return RunStatus(ctx); });
  }
}

}  // namespace dunbar::dunbarctl
