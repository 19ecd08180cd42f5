// outreach campaigns list|create|get|pause|resume ("invite this segment to programme P")
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/outreach_commands.h"
#include "tools/dunbarctl/outreach_format.h"
#include "tools/dunbarctl/outreach_report_view.h"

namespace dunbar::dunbarctl {
namespace {

namespace outreach_api = ::dunbar::outreach::v1;

int EmitCampaign(CliContext& ctx, const outreach_api::Campaign& campaign) {
  return ctx.Emit(campaign, [&](std::ostream& out) { PrintCampaignDetail(campaign, out); });
}

struct ListFlags {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

int RunList(CliContext& ctx, const ListFlags& flags) {
  outreach_api::ListCampaignsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  outreach_api::ListCampaignsResponse listed;
  while (true) {
    outreach_api::ListCampaignsResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.outreach().ListCampaigns(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    listed.mutable_campaigns()->MergeFrom(page.campaigns());
    listed.set_next_page_token(page.next_page_token());
    if (!flags.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(listed, [&](std::ostream& out) {
    PrintCampaignRows(listed.campaigns(), out);
    out << "(" << listed.campaigns_size()
        << (listed.campaigns_size() == 1 ? " campaign" : " campaigns");
    if (!listed.next_page_token().empty()) {
      out << "; more with --page-token " << listed.next_page_token() << " or --all";
    }
    out << ")\n";
  });
}

struct CreateFlags {
  std::string name, program_id, cohort_id, tags, stages, start_date, end_date, request_id;
  int pace = 0;
};

int RunCreate(CliContext& ctx, const CreateFlags& flags) {
  if (absl::Status valid = CheckDateArg("--start", flags.start_date); !valid.ok()) {
    return ctx.UsageError(valid);
  }
  if (absl::Status valid = CheckDateArg("--end", flags.end_date); !valid.ok()) {
    return ctx.UsageError(valid);
  }
  outreach_api::CreateCampaignRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  outreach_api::Campaign* campaign = request.mutable_campaign();
  campaign->set_name(flags.name);
  campaign->set_target_program_id(flags.program_id);
  campaign->set_target_cohort_id(flags.cohort_id);
  for (const std::string& tag : SplitTags(flags.tags)) campaign->mutable_segment()->add_tags(tag);
  for (const std::string& text : SplitTags(flags.stages)) {
    // Validated here so a typo is a usage error; sent as the upper-case stage name.
    absl::StatusOr<membership::v1::Stage> stage = ParseStage("--stages", text);
    if (!stage.ok()) return ctx.UsageError(stage.status());
    campaign->mutable_segment()->add_stages(absl::AsciiStrToUpper(StageLabel(*stage)));
  }
  campaign->set_daily_pace(flags.pace);
  campaign->set_start_date(flags.start_date);
  campaign->set_end_date(flags.end_date);
  outreach_api::Campaign created;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().CreateCampaign(call.get(), request, &created);
  if (!status.ok()) return ctx.Fail(status);
  return EmitCampaign(ctx, created);
}

// get, pause and resume: the same request shape, one campaign back.
template <typename Request>
int RunOne(CliContext& ctx, const std::string& campaign_id,
           grpc::Status (outreach_api::OutreachService::StubInterface::*rpc)(
               grpc::ClientContext*, const Request&, outreach_api::Campaign*)) {
  Request request;
  request.set_tenant(ctx.options().tenant);
  request.set_campaign_id(campaign_id);
  outreach_api::Campaign campaign;
  auto call = ctx.NewCall();
  const grpc::Status status = (ctx.outreach().*rpc)(call.get(), request, &campaign);
  if (!status.ok()) return ctx.Fail(status);
  return EmitCampaign(ctx, campaign);
}

}  // namespace

void AddOutreachCampaignCommands(CLI::App& outreach, CliContext& ctx, Selected& selected) {
  CLI::App* campaigns = outreach.add_subcommand(
      "campaigns", "Invite a segment (tags, stages) to a programme at a daily pace");
  campaigns->require_subcommand(1);
  {
    CLI::App* list = campaigns->add_subcommand("list", "Campaigns, newest first");
    auto flags = std::make_shared<ListFlags>();
    list->add_option("--page-size", flags->page_size, "1..500 (default 50)")
        ->check(CLI::Range(1, 500));
    list->add_option("--page-token", flags->page_token, "Continue after a previous page");
    list->add_flag("--all", flags->all, "Follow page tokens to the end");
    OnSelected(list, selected, [&ctx, flags] { return RunList(ctx, *flags); });
  }
  {
    CLI::App* create = campaigns->add_subcommand("create", "Start inviting a segment");
    auto flags = std::make_shared<CreateFlags>();
    create->add_option("--name", flags->name, "Campaign name")->required();
    create->add_option("--program", flags->program_id, "Programme invited to")->required();
    create->add_option("--cohort", flags->cohort_id, "The batch invited to (optional)");
    create->add_option("--tags", flags->tags, "Contacts with any of these tags, e.g. 'vip;读书会'");
    create->add_option("--stages", flags->stages,
                       "Contacts in any of these stages, e.g. 'lead;contact'");
    create->add_option("--pace", flags->pace, "People a day, 1..50 (default 2)")
        ->check(CLI::Range(1, 50));
    create->add_option("--start", flags->start_date, "First day, YYYY-MM-DD (default today)");
    create->add_option("--end", flags->end_date, "Last day, YYYY-MM-DD (default open-ended)");
    create->add_option("--request-id", flags->request_id,
                       "Idempotency key: repeating it returns the first answer");
    OnSelected(create, selected, [&ctx, flags] { return RunCreate(ctx, *flags); });
  }
  using Stub = outreach_api::OutreachService::StubInterface;
  {
    CLI::App* get = campaigns->add_subcommand("get", "Show one campaign");
    auto id = std::make_shared<std::string>();
    get->add_option("campaign_id", *id, "Campaign id")->required();
    OnSelected(get, selected, [&ctx, id] {
      return RunOne<outreach_api::GetCampaignRequest>(ctx, *id, &Stub::GetCampaign);
    });
  }
  {
    CLI::App* pause = campaigns->add_subcommand("pause", "Stop planning its people (idempotent)");
    auto id = std::make_shared<std::string>();
    pause->add_option("campaign_id", *id, "Campaign id")->required();
    OnSelected(pause, selected, [&ctx, id] {
      return RunOne<outreach_api::PauseCampaignRequest>(ctx, *id, &Stub::PauseCampaign);
    });
  }
  {
    CLI::App* resume = campaigns->add_subcommand("resume", "Plan its people again (idempotent)");
    auto id = std::make_shared<std::string>();
    resume->add_option("campaign_id", *id, "Campaign id")->required();
    OnSelected(resume, selected, [&ctx, id] {
      return RunOne<outreach_api::ResumeCampaignRequest>(ctx, *id, &Stub::ResumeCampaign);
    });
  }
}

}  // namespace dunbar::dunbarctl
