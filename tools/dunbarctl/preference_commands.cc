// prefs set
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

struct SetFlags {
  std::string member_id, reason, channel, request_id;
  bool do_not_contact = false;
};

int RunSet(CliContext& ctx, const SetFlags& flags) {
  v1::SetContactPreferenceRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_member_id(flags.member_id);
  request.set_do_not_contact(flags.do_not_contact);
  request.set_do_not_contact_reason(flags.reason);
  if (!flags.channel.empty()) {
    absl::StatusOr<v1::Channel> channel = ParseChannel("--channel", flags.channel);
    if (!channel.ok()) return ctx.UsageError(channel.status());
    request.set_preferred_channel(*channel);
  }
  v1::ContactPreference preference;
  auto call = ctx.NewCall();
  const grpc::Status status =
      ctx.membership().SetContactPreference(call.get(), request, &preference);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(preference, [&](std::ostream& out) {
    KeyValueTable detail;
    detail.Add("member_id", preference.member_id());
    detail.Add("do_not_contact", preference.do_not_contact() ? "yes" : "no");
    if (!preference.do_not_contact_reason().empty()) {
      detail.Add("reason", preference.do_not_contact_reason());
    }
    const std::string channel = ChannelLabel(preference.preferred_channel());
    detail.Add("preferred_channel", channel.empty() ? "any" : channel);
    detail.Add("updated_at", FormatTimestamp(preference.updated_at(), absl::LocalTimeZone()));
    detail.Render(out);
  });
}

}  // namespace

void AddPreferenceCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* prefs = root.add_subcommand("prefs", "Contact preferences");
  prefs->require_subcommand(1);
  CLI::App* set = prefs->add_subcommand(
      "set", "Replace a member's contact preference (flags not given are reset)");
  auto flags = std::make_shared<SetFlags>();
  set->add_option("member_id", flags->member_id, "Member id")->required();
  set->add_flag("--do-not-contact", flags->do_not_contact, "Never pick this member for outreach");
  set->add_option("--reason", flags->reason, "Why (kept with the do-not-contact flag)");
  set->add_option("--channel", flags->channel, "Preferred channel: phone|wechat|email");
  set->add_option("--request-id", flags->request_id, "Idempotency key");
  OnSelected(set, selected, [&ctx, flags] { return RunSet(ctx, *flags); });
}

}  // namespace dunbar::dunbarctl
