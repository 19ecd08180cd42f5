// enroll, withdraw, transfer, enrollments (a member's places in programmes)
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/cohort_view.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {
namespace {

namespace cohort_api = ::dunbar::cohort::v1;

struct EnrollFlags {
  std::string program_id, member_id, source = "cli", request_id;
};

void PrintEnrollResult(const EnrollFlags& flags, const cohort_api::EnrollResponse& response,
                       std::ostream& out) {
  switch (response.result()) {
    case cohort_api::ENROLLED:
    case cohort_api::ALREADY_ENROLLED:
      out << cohort_api::EnrollResult_Name(response.result()) << ' ' << flags.member_id << " in "
          << SeatLabel(response.seat()) << '\n';
      break;
    case cohort_api::WAITLISTED:
      out << "WAITLISTED " << flags.member_id << " at position " << response.waitlist_position()
          << " for " << flags.program_id << '\n';
      break;
    default:
      out << "UNKNOWN result " << response.result() << " for " << flags.member_id << '\n';
      return;
  }
  if (response.cohort_filled()) {
    out << "cohort " << response.seat().cohort_number() << " is now full";
    if (response.has_opened_cohort()) {
      out << "; cohort " << response.opened_cohort().number()
          << " opened: " << response.opened_cohort().name();
    }
    out << '\n';
  }
}

int RunEnroll(CliContext& ctx, const EnrollFlags& flags) {
  cohort_api::EnrollRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_program_id(flags.program_id);
  request.set_member_id(flags.member_id);
  request.set_source(flags.source);
  cohort_api::EnrollResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().Enroll(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) { PrintEnrollResult(flags, response, out); });
}

struct WithdrawFlags {
  std::string program_id, member_id, reason, request_id;
};

int RunWithdraw(CliContext& ctx, const WithdrawFlags& flags) {
  cohort_api::WithdrawRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_program_id(flags.program_id);
  request.set_member_id(flags.member_id);
  request.set_reason(flags.reason);
  cohort_api::WithdrawResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().Withdraw(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    if (response.left_waitlist()) {
      out << "WITHDRAWN " << flags.member_id << " left the waitlist of " << flags.program_id
          << '\n';
      return;
    }
    out << "WITHDRAWN " << flags.member_id << " from " << flags.program_id;
    const auto& history = response.enrollment().history();
    if (!history.empty() && !history.rbegin()->from_cohort_id().empty()) {
      out << " (seat freed in " << history.rbegin()->from_cohort_id() << ')';
    }
    out << '\n';
    if (!response.promoted_member_id().empty()) {
      out << response.promoted_member_id() << " moved up from the waitlist into the freed seat\n";
    }
  });
}

struct TransferFlags {
  std::string member_id, from_cohort_id, to_cohort_id, reason, request_id;
};

int RunTransfer(CliContext& ctx, const TransferFlags& flags) {
  cohort_api::TransferRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_member_id(flags.member_id);
  request.set_from_cohort_id(flags.from_cohort_id);
  request.set_to_cohort_id(flags.to_cohort_id);
  request.set_reason(flags.reason);
  cohort_api::Enrollment enrollment;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().Transfer(call.get(), request, &enrollment);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(enrollment, [&](std::ostream& out) {
    out << "TRANSFERRED " << flags.member_id << " from " << flags.from_cohort_id << " to "
        << SeatLabel(enrollment.seat()) << '\n';
  });
}

std::string PlaceLabel(const cohort_api::Enrollment& enrollment) {
  switch (enrollment.status()) {
    case cohort_api::ACTIVE:
      return SeatLabel(enrollment.seat());
    case cohort_api::WAITING:
      return absl::StrCat("waitlist position ", enrollment.waitlist_position());
    default:
      return "";
  }
}

int RunEnrollments(CliContext& ctx, const std::string& member_id) {
  cohort_api::ListMemberEnrollmentsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_member_id(member_id);
  cohort_api::ListMemberEnrollmentsResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().ListMemberEnrollments(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    const absl::TimeZone zone = absl::LocalTimeZone();
    Table table({"PROGRAMME", "STATUS", "PLACE", "SOURCE", "SINCE"});
    table.set_max_column_width(60);
    for (const cohort_api::Enrollment& enrollment : response.enrollments()) {
      table.AddRow({enrollment.program_id(),
                    absl::AsciiStrToLower(cohort_api::EnrollmentStatus_Name(enrollment.status())),
                    PlaceLabel(enrollment), enrollment.source(),
                    FormatTimestamp(enrollment.enrolled_at(), zone)});
    }
    table.Render(out);
  });
}

}  // namespace

void AddEnrollmentCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  {
    CLI::App* enroll = root.add_subcommand(
        "enroll", "Seat a member in a programme's open batch (or its waitlist)");
    auto flags = std::make_shared<EnrollFlags>();
    enroll->add_option("program_id", flags->program_id, "Programme id")->required();
    enroll->add_option("member_id", flags->member_id, "Member id")->required();
    enroll->add_option("--source", flags->source, "How they came (default cli)");
    enroll->add_option("--request-id", flags->request_id,
                       "Idempotency key: repeating it returns the first answer");
    OnSelected(enroll, selected, [&ctx, flags] { return RunEnroll(ctx, *flags); });
  }
  {
    CLI::App* withdraw = root.add_subcommand(
        "withdraw", "Free a member's seat (the waitlist's head takes it) or waitlist place");
    auto flags = std::make_shared<WithdrawFlags>();
    withdraw->add_option("program_id", flags->program_id, "Programme id")->required();
    withdraw->add_option("member_id", flags->member_id, "Member id")->required();
    withdraw->add_option("--reason", flags->reason, "Why, e.g. 'refund'");
    withdraw->add_option("--request-id", flags->request_id, "Idempotency key");
    OnSelected(withdraw, selected, [&ctx, flags] { return RunWithdraw(ctx, *flags); });
  }
  {
    CLI::App* transfer =
        root.add_subcommand("transfer", "Move a member's seat to another batch of the programme");
    auto flags = std::make_shared<TransferFlags>();
    transfer->add_option("member_id", flags->member_id, "Member id")->required();
    transfer->add_option("from_cohort_id", flags->from_cohort_id, "Current cohort id")->required();
    transfer->add_option("to_cohort_id", flags->to_cohort_id, "Target cohort id")->required();
    transfer->add_option("--reason", flags->reason, "Why, e.g. 'schedule clash'");
    transfer->add_option("--request-id", flags->request_id, "Idempotency key");
    OnSelected(transfer, selected, [&ctx, flags] { return RunTransfer(ctx, *flags); });
  }
  {
    CLI::App* enrollments =
        root.add_subcommand("enrollments", "A member's places in programmes (current and past)");
    auto member = std::make_shared<std::string>();
    enrollments->add_option("member_id", *member, "Member id")->required();
    OnSelected(enrollments, selected, [&ctx, member] { return RunEnrollments(ctx, *member); });
  }
}

}  // namespace dunbar::dunbarctl
