// interactions record|list
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {
namespace {

namespace v1 = ::dunbar::membership::v1;

struct RecordFlags {
  std::string member_id, kind, at, note, request_id;
};

void PrintInteractions(const google::protobuf::RepeatedPtrField<v1::Interaction>& interactions,
                       std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  Table table({"ID", "MEMBER", "KIND", "AT", "NOTE"});
  for (const auto& interaction : interactions) {
    table.AddRow({interaction.id(), interaction.member_id(),
                  InteractionKindLabel(interaction.kind()), FormatTimestamp(interaction.at(), zone),
                  interaction.note()});
  }
  table.Render(out);
}

int RunRecord(CliContext& ctx, const RecordFlags& flags) {
  v1::RecordInteractionRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_member_id(flags.member_id);
  absl::StatusOr<v1::InteractionKind> kind = ParseInteractionKind("--kind", flags.kind);
  if (!kind.ok()) return ctx.UsageError(kind.status());
  request.set_kind(*kind);
  if (!flags.at.empty()) {
    absl::StatusOr<absl::Time> at = ParseTimeArg("--at", flags.at, absl::LocalTimeZone());
    if (!at.ok()) return ctx.UsageError(at.status());
    *request.mutable_at() = ToTimestamp(*at);
  }
  request.set_note(flags.note);
  v1::Interaction interaction;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().RecordInteraction(call.get(), request, &interaction);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(interaction, [&](std::ostream& out) {
    google::protobuf::RepeatedPtrField<v1::Interaction> one;
    *one.Add() = interaction;
    PrintInteractions(one, out);
  });
}

struct ListFlags {
  std::string member_id, page_token;
  int page_size = 0;
};

int RunList(CliContext& ctx, const ListFlags& flags) {
  v1::ListInteractionsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_member_id(flags.member_id);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListInteractionsResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().ListInteractions(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    PrintInteractions(response.interactions(), out);
    if (!response.next_page_token().empty()) {
      out << "(more with --page-token " << response.next_page_token() << ")\n";
    }
  });
}

}  // namespace

void AddInteractionCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* interactions =
      root.add_subcommand("interactions", "Signs that you influenced a contact (they warm it up)");
  interactions->require_subcommand(1);
  {
    CLI::App* record = interactions->add_subcommand("record", "Record one interaction");
    auto flags = std::make_shared<RecordFlags>();
    record->add_option("member_id", flags->member_id, "Member id")->required();
    record
        ->add_option("--kind", flags->kind,
                     "liked|commented|replied|attended|purchased|referred|contacted")
        ->required();
    record->add_option("--at", flags->at, "When (default now; 2024-03-01 09:30 or RFC 3339)");
    record->add_option("--note", flags->note, "Optional note");
    record->add_option("--request-id", flags->request_id, "Idempotency key");
    OnSelected(record, selected, [&ctx, flags] { return RunRecord(ctx, *flags); });
  }
  {
    CLI::App* list = interactions->add_subcommand("list", "A member's interactions, newest first");
    auto flags = std::make_shared<ListFlags>();
    list->add_option("member_id", flags->member_id, "Member id")->required();
    list->add_option("--page-size", flags->page_size, "1..500 (default 50)");
    list->add_option("--page-token", flags->page_token, "Continue after a previous page");
    OnSelected(list, selected, [&ctx, flags] { return RunList(ctx, *flags); });
  }
}

}  // namespace dunbar::dunbarctl
