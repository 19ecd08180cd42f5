// rank: the warm list, warmest first.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {
namespace {

namespace v1 = ::dunbar::membership::v1;

struct RankFlags {
  int page_size = 20;
  std::string page_token, stage, tag;
  int min_days_since_contacted = 0;
  std::vector<std::string> exclude_ids;
};

// "3 replied, 1 attended"
std::string DescribeCounts(const google::protobuf::RepeatedPtrField<v1::InteractionCount>& counts) {
  std::vector<std::string> parts;
  for (const auto& count : counts) {
    parts.push_back(absl::StrCat(count.count(), " ", InteractionKindLabel(count.kind())));
  }
  return absl::StrJoin(parts, ", ");
}

void PrintRanked(const v1::RankContactsResponse& response, int first_rank, std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  Table table({"#", "ID", "NAME", "WARMTH", "WHY", "LAST", "CONNECTION", "CONTACTED"});
  int rank = first_rank;
  for (const auto& contact : response.contacts()) {
    const v1::Member& member = contact.member();
    table.AddRow({absl::StrCat(rank++), member.id(), member.name(),
                  absl::StrFormat("%.2f", contact.warmth()), DescribeCounts(contact.counts()),
                  FormatTimestamp(contact.last_interaction_at(), zone),
                  member.connection_point().description(),
                  contact.days_since_contacted() < 0
                      ? "never"
                      : absl::StrCat(contact.days_since_contacted(), "d ago")});
  }
  table.Render(out);
  if (!response.next_page_token().empty()) {
    out << "(more with --page-token " << response.next_page_token() << ")\n";
  }
}

int RunRank(CliContext& ctx, const RankFlags& flags) {
  v1::RankContactsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  request.set_min_days_since_contacted(flags.min_days_since_contacted);
  for (const std::string& id : flags.exclude_ids) request.add_exclude_ids(id);
  if (!flags.stage.empty()) {
    absl::StatusOr<v1::Stage> stage = ParseStage("--stage", flags.stage);
    if (!stage.ok()) return ctx.UsageError(stage.status());
    request.set_stage(*stage);
  }
  request.set_tag(flags.tag);
  v1::RankContactsResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().RankContacts(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) { PrintRanked(response, 1, out); });
}

}  // namespace

void AddRankCommand(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* rank = root.add_subcommand(
      "rank", "The warm list: contacts you influenced most recently and most, warmest first");
  auto flags = std::make_shared<RankFlags>();
  rank->add_option("--page-size,-n", flags->page_size, "How many (1..500, default 20)");
  rank->add_option("--page-token", flags->page_token, "Continue after a previous page");
  rank->add_option("--min-days", flags->min_days_since_contacted,
                   "Skip contacts reached out to in the last N days");
  rank->add_option("--exclude", flags->exclude_ids, "Member ids to leave out (repeatable)");
  rank->add_option("--stage", flags->stage, "Only this stage");
  rank->add_option("--tag", flags->tag, "Only contacts with this tag");
  OnSelected(rank, selected, [&ctx, flags] { return RunRank(ctx, *flags); });
}

}  // namespace dunbar::dunbarctl
