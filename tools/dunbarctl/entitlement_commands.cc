// entitlements grant|revoke|list|check
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

void PrintEntitlements(const google::protobuf::RepeatedPtrField<v1::Entitlement>& entitlements,
                       std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  Table table({"ORDER", "MEMBER", "PROGRAM", "AMOUNT", "PAID", "STATUS"});
  for (const auto& entitlement : entitlements) {
    std::string state = "active";
    if (entitlement.revoked()) {
      state = "revoked " + FormatTimestamp(entitlement.revoked_at(), zone);
      if (!entitlement.revoke_reason().empty()) state += " (" + entitlement.revoke_reason() + ")";
    }
    table.AddRow({entitlement.order_id(), entitlement.member_id(), entitlement.program_id(),
                  FormatMinorAmount(entitlement.amount_minor(), entitlement.currency()),
                  FormatTimestamp(entitlement.paid_at(), zone), state});
  }
  table.Render(out);
}

int PrintOne(CliContext& ctx, const v1::Entitlement& entitlement) {
  return ctx.Emit(entitlement, [&](std::ostream& out) {
    google::protobuf::RepeatedPtrField<v1::Entitlement> one;
    *one.Add() = entitlement;
    PrintEntitlements(one, out);
  });
}

struct GrantFlags {
  std::string member_id, program_id, order_id, currency, paid_at;
  int64_t amount_minor = 0;
};

int RunGrant(CliContext& ctx, const GrantFlags& flags) {
  v1::GrantEntitlementRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_member_id(flags.member_id);
  request.set_program_id(flags.program_id);
  request.set_order_id(flags.order_id);
  request.set_amount_minor(flags.amount_minor);
  request.set_currency(flags.currency);
  if (!flags.paid_at.empty()) {
    absl::StatusOr<absl::Time> paid_at =
        ParseTimeArg("--paid-at", flags.paid_at, absl::LocalTimeZone());
    if (!paid_at.ok()) return ctx.UsageError(paid_at.status());
    *request.mutable_paid_at() = ToTimestamp(*paid_at);
  } else {
    // Paid now. A retry of the same order must repeat the same details, so scripts that retry
    // should pass --paid-at.
    *request.mutable_paid_at() = ToTimestamp(absl::Now());
  }
  v1::Entitlement entitlement;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().GrantEntitlement(call.get(), request, &entitlement);
  if (!status.ok()) return ctx.Fail(status);
  return PrintOne(ctx, entitlement);
}

int RunRevoke(CliContext& ctx, const std::string& order_id, const std::string& reason) {
  v1::RevokeEntitlementRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_order_id(order_id);
  request.set_reason(reason);
  v1::Entitlement entitlement;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().RevokeEntitlement(call.get(), request, &entitlement);
  if (!status.ok()) return ctx.Fail(status);
  return PrintOne(ctx, entitlement);
}

int RunList(CliContext& ctx, const std::string& member_id, bool include_revoked) {
  v1::ListEntitlementsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_member_id(member_id);
  request.set_include_revoked(include_revoked);
  v1::ListEntitlementsResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().ListEntitlements(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response,
                  [&](std::ostream& out) { PrintEntitlements(response.entitlements(), out); });
}

int RunCheck(CliContext& ctx, const std::string& member_id, const std::string& program_id) {
  v1::CheckEntitlementRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_member_id(member_id);
  request.set_program_id(program_id);
  v1::CheckEntitlementResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().CheckEntitlement(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    if (response.entitled()) {
      out << "entitled: " << member_id << " may join " << program_id << " (order "
          << response.order_id() << ")\n";
    } else {
      out << "not entitled: " << member_id << " has no active order for " << program_id << '\n';
    }
  });
}

}  // namespace

void AddEntitlementCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* entitlements =
      root.add_subcommand("entitlements", "Proof that a member paid for a programme");
  entitlements->require_subcommand(1);
  {
    CLI::App* grant = entitlements->add_subcommand(
        "grant", "Record a paid order (idempotent on --order; other details -> ALREADY_EXISTS)");
    auto flags = std::make_shared<GrantFlags>();
    grant->add_option("--member", flags->member_id, "Member id")->required();
    grant->add_option("--program", flags->program_id, "Programme id")->required();
    grant->add_option("--order", flags->order_id, "Order id (the idempotency key)")->required();
    grant->add_option("--amount-minor", flags->amount_minor, "Amount in minor units (19900)")
        ->required();
    grant->add_option("--currency", flags->currency, "ISO 4217 code, e.g. CNY")->required();
    grant->add_option("--paid-at", flags->paid_at, "When it was paid (default now)");
    OnSelected(grant, selected, [&ctx, flags] { return RunGrant(ctx, *flags); });
  }
  {
    CLI::App* revoke = entitlements->add_subcommand("revoke", "Revoke an order (a refund)");
    auto order = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    revoke->add_option("--order", *order, "Order id")->required();
    revoke->add_option("--reason", *reason, "Why, e.g. 'refund requested'");
    OnSelected(revoke, selected, [&ctx, order, reason] { return RunRevoke(ctx, *order, *reason); });
  }
  {
    CLI::App* list = entitlements->add_subcommand("list", "A member's entitlements");
    auto member = std::make_shared<std::string>();
    auto include_revoked = std::make_shared<bool>(false);
    list->add_option("--member", *member, "Member id")->required();
    list->add_flag("--include-revoked", *include_revoked, "Also list revoked orders");
    OnSelected(list, selected,
               [&ctx, member, include_revoked] { return RunList(ctx, *member, *include_revoked); });
  }
  {
    CLI::App* check =
        entitlements->add_subcommand("check", "Is the member entitled to the programme?");
    auto member = std::make_shared<std::string>();
    auto program = std::make_shared<std::string>();
    check->add_option("--member", *member, "Member id")->required();
    check->add_option("--program", *program, "Programme id")->required();
    OnSelected(check, selected,
               [&ctx, member, program] { return RunCheck(ctx, *member, *program); });
  }
}

}  // namespace dunbar::dunbarctl
