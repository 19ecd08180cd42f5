#include "tools/dunbarctl/outreach_report_view.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/fill_bar.h"
#include "tools/dunbarctl/outreach_format.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {

namespace outreach_api = ::dunbar::outreach::v1;

namespace {

std::string OriginLabel(outreach_api::CampaignOrigin origin) {
  switch (origin) {
    case outreach_api::OPERATOR:
      return "operator";
    case outreach_api::NEW_COHORT:
      return "new batch (automatic)";
    default:
      return "";
  }
}

// "2024-03-01 .. 2024-03-31", "2024-03-01 .. open-ended"
std::string DatesLabel(const outreach_api::Campaign& campaign) {
  return absl::StrCat(campaign.start_date(), " .. ",
                      campaign.end_date().empty() ? "open-ended" : campaign.end_date());
}

// One funnel stage per row, with its share of everyone contacted as a bar.
void PrintStages(const outreach_api::FunnelCounts& totals, std::ostream& out) {
  const int64_t contacted = totals.contacted();
  const std::pair<const char*, int64_t> stages[] = {
      {"contacted", totals.contacted()},     {"replied", totals.replied()},
      {"interested", totals.interested()},   {"enrolled", totals.enrolled()},
      {"waitlisted", totals.waitlisted()},   {"declined", totals.declined()},
      {"no response", totals.no_response()}, {"opted out", totals.opted_out()},
  };
  Table table({"STAGE", "COUNT", "OF CONTACTED"});
  for (const auto& [label, count] : stages) {
    table.AddRow(
        {label, absl::StrCat(count),
         contacted > 0 ? FillBar(static_cast<int>(count), static_cast<int>(contacted)) : ""});
  }
  table.Render(out);
}

void PrintDays(const outreach_api::Funnel& funnel, std::ostream& out) {
  if (funnel.days().empty()) return;
  std::vector<int> contacted;
  for (const outreach_api::FunnelDay& day : funnel.days()) {
    contacted.push_back(static_cast<int>(day.counts().contacted()));
  }
  out << "contacted per day: " << Sparkline(contacted) << '\n';
  if (funnel.totals().contacted() == 0) return;
  Table table({"DATE", "CONTACTED", "REPLIED", "INTERESTED", "ENROLLED", "DECLINED", "NO RESPONSE",
               "OPTED OUT"});
  for (const outreach_api::FunnelDay& day : funnel.days()) {
    const outreach_api::FunnelCounts& c = day.counts();
    if (c.contacted() == 0) continue;
    table.AddRow({day.date(), absl::StrCat(c.contacted()), absl::StrCat(c.replied()),
                  absl::StrCat(c.interested()), absl::StrCat(c.enrolled()),
                  absl::StrCat(c.declined()), absl::StrCat(c.no_response()),
                  absl::StrCat(c.opted_out())});
  }
  table.Render(out);
}

}  // namespace

std::string SegmentLabel(const outreach_api::Segment& segment) {
  std::vector<std::string> parts;
  if (!segment.tags().empty())
    parts.push_back(absl::StrCat("tags ", absl::StrJoin(segment.tags(), "|")));
  if (!segment.stages().empty()) {
    parts.push_back(absl::StrCat("stages ", absl::StrJoin(segment.stages(), "|")));
  }
  return parts.empty() ? "everyone" : absl::StrJoin(parts, "; ");
}

void PrintCampaignRows(const google::protobuf::RepeatedPtrField<outreach_api::Campaign>& campaigns,
                       std::ostream& out) {
  Table table({"ID", "NAME", "PROGRAMME", "BATCH", "SEGMENT", "PACE", "DATES", "STATE", "PLANNED"});
  for (const outreach_api::Campaign& campaign : campaigns) {
    table.AddRow({campaign.id(), campaign.name(), campaign.target_program_id(),
                  campaign.target_cohort_id(), SegmentLabel(campaign.segment()),
                  absl::StrCat(campaign.daily_pace(), "/day"), DatesLabel(campaign),
                  CampaignStateLabel(campaign.state()), absl::StrCat(campaign.tasks_planned())});
  }
  table.Render(out);
}

void PrintCampaignDetail(const outreach_api::Campaign& campaign, std::ostream& out) {
  KeyValueTable table;
  auto add = [&table](const char* key, const std::string& value) {
    if (!value.empty()) table.Add(key, value);
  };
  add("id", campaign.id());
  add("name", campaign.name());
  add("programme", campaign.target_program_id());
  add("batch", campaign.target_cohort_id());
  add("segment", SegmentLabel(campaign.segment()));
  add("pace", absl::StrCat(campaign.daily_pace(), " a day"));
  add("dates", DatesLabel(campaign));
  add("state", CampaignStateLabel(campaign.state()));
  add("origin", OriginLabel(campaign.origin()));
  add("planned", absl::StrCat(campaign.tasks_planned(), " tasks"));
  add("created", FormatTimestamp(campaign.created_at(), absl::LocalTimeZone()));
  table.Render(out);
}

void PrintFunnel(const outreach_api::Funnel& funnel, std::ostream& out) {
  out << "Funnel " << funnel.from_date() << " .. " << funnel.to_date() << '\n';
  PrintStages(funnel.totals(), out);
  out << "reply rate " << PercentLabel(funnel.reply_rate()) << " (answered at all), interest rate "
      << PercentLabel(funnel.interest_rate()) << ", enrol rate "
      << PercentLabel(funnel.enrol_rate()) << '\n';
  PrintDays(funnel, out);
}

void PrintDeadLetterRows(
    const google::protobuf::RepeatedPtrField<outreach_api::DeadLetter>& dead_letters,
    std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  Table table({"ID", "SOURCE", "TYPE", "ATTEMPTS", "DEAD AT", "ERROR"});
  table.set_max_column_width(60);
  for (const outreach_api::DeadLetter& letter : dead_letters) {
    table.AddRow({letter.id(), letter.source(), letter.type(), absl::StrCat(letter.attempts()),
                  FormatTimestamp(letter.dead_at(), zone), letter.error()});
  }
  table.Render(out);
}

void PrintWorkerStatus(const outreach_api::WorkerStatus& status, std::ostream& out) {
  Table table({"SOURCE", "GROUP", "LAG", "PENDING", "CONSUMERS"});
  for (const outreach_api::StreamStatus& stream : status.streams()) {
    table.AddRow({stream.source(), stream.group(), absl::StrCat(stream.lag()),
                  absl::StrCat(stream.pending()), absl::StrCat(stream.consumers())});
  }
  table.Render(out);
  out << "delayed jobs: " << status.delayed_jobs() << " scheduled, " << status.delayed_jobs_due()
      << " due; dead letters: " << status.dead_letters() << '\n';
}

}  // namespace dunbar::dunbarctl
