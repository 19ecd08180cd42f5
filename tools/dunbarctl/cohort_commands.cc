// cohorts list|get|open-next|start|close (batches of a programme)
#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/cohort_view.h"
#include "tools/dunbarctl/command.h"

namespace dunbar::dunbarctl {
namespace {

namespace cohort_api = ::dunbar::cohort::v1;

int EmitCohort(CliContext& ctx, const cohort_api::Cohort& cohort) {
  return ctx.Emit(cohort, [&](std::ostream& out) { PrintCohortDetail(cohort, out); });
}

// Every batch of the programme: a programme has few batches, so all pages are fetched.
int RunList(CliContext& ctx, const std::string& program_id) {
  cohort_api::ListCohortsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_program_id(program_id);
  cohort_api::ListCohortsResponse listed;
  do {
    cohort_api::ListCohortsResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.cohort().ListCohorts(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    listed.mutable_cohorts()->MergeFrom(page.cohorts());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return ctx.Emit(listed, [&](std::ostream& out) { PrintCohortRows(listed.cohorts(), out); });
}

int RunGet(CliContext& ctx, const std::string& cohort_id) {
  cohort_api::GetCohortRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_cohort_id(cohort_id);
  cohort_api::Cohort cohort;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().GetCohort(call.get(), request, &cohort);
  if (!status.ok()) return ctx.Fail(status);
  return EmitCohort(ctx, cohort);
}

struct OpenNextFlags {
  std::string program_id, start_date, request_id;
};

int RunOpenNext(CliContext& ctx, const OpenNextFlags& flags) {
  cohort_api::OpenNextCohortRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_program_id(flags.program_id);
  request.set_start_date(flags.start_date);
  cohort_api::OpenNextCohortResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().OpenNextCohort(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    const cohort_api::Cohort& cohort = response.cohort();
    out << "opened cohort " << cohort.number() << ": " << cohort.name() << " (" << cohort.id()
        << ")\n";
    if (response.promoted_member_ids_size() > 0) {
      out << "moved " << response.promoted_member_ids_size()
          << " from the waitlist: " << absl::StrJoin(response.promoted_member_ids(), ", ") << '\n';
    }
    PrintCohortDetail(cohort, out);
  });
}

int RunStart(CliContext& ctx, const std::string& cohort_id, bool allow_late) {
  cohort_api::StartCohortRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_cohort_id(cohort_id);
  request.set_allow_late_enrollment(allow_late);
  cohort_api::Cohort cohort;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().StartCohort(call.get(), request, &cohort);
  if (!status.ok()) return ctx.Fail(status);
  return EmitCohort(ctx, cohort);
}

int RunClose(CliContext& ctx, const std::string& cohort_id) {
  cohort_api::CloseCohortRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_cohort_id(cohort_id);
  cohort_api::Cohort cohort;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().CloseCohort(call.get(), request, &cohort);
  if (!status.ok()) return ctx.Fail(status);
  return EmitCohort(ctx, cohort);
}

}  // namespace

void AddCohortCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* cohorts = root.add_subcommand("cohorts", "Batches of a programme (cohort service)");
  cohorts->require_subcommand(1);
  {
    CLI::App* list = cohorts->add_subcommand("list", "A programme's batches with their fill");
    auto program = std::make_shared<std::string>();
    list->add_option("program_id", *program, "Programme id")->required();
    OnSelected(list, selected, [&ctx, program] { return RunList(ctx, *program); });
  }
  {
    CLI::App* get = cohorts->add_subcommand("get", "Show one batch");
    auto id = std::make_shared<std::string>();
    get->add_option("cohort_id", *id, "Cohort id (<programme id>.<number>)")->required();
    OnSelected(get, selected, [&ctx, id] { return RunGet(ctx, *id); });
  }
  {
    CLI::App* open_next = cohorts->add_subcommand(
        "open-next", "Open the next batch now; the waitlist's head moves into it");
    auto flags = std::make_shared<OpenNextFlags>();
    open_next->add_option("program_id", flags->program_id, "Programme id")->required();
    open_next->add_option("--start-date", flags->start_date, "Start of the batch, YYYY-MM-DD");
    open_next->add_option("--request-id", flags->request_id, "Idempotency key");
    OnSelected(open_next, selected, [&ctx, flags] { return RunOpenNext(ctx, *flags); });
  }
  {
    CLI::App* start = cohorts->add_subcommand("start", "Mark a batch RUNNING (idempotent)");
    auto id = std::make_shared<std::string>();
    auto allow_late = std::make_shared<bool>(false);
    start->add_option("cohort_id", *id, "Cohort id")->required();
    start->add_flag("--allow-late", *allow_late, "Keep taking enrolments after the start");
    OnSelected(start, selected, [&ctx, id, allow_late] { return RunStart(ctx, *id, *allow_late); });
  }
  {
    CLI::App* close = cohorts->add_subcommand("close", "Mark a batch CLOSED (idempotent)");
    auto id = std::make_shared<std::string>();
    close->add_option("cohort_id", *id, "Cohort id")->required();
    OnSelected(close, selected, [&ctx, id] { return RunClose(ctx, *id); });
  }
}

}  // namespace dunbar::dunbarctl
