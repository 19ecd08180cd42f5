#include "tools/dunbarctl/outreach_view.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/outreach_format.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {

namespace outreach_api = ::dunbar::outreach::v1;

namespace {

std::string ContactName(const outreach_api::Task& task) {
  return task.contact().name().empty() ? task.member_id() : task.contact().name();
}

// "warm: commented 3x, attended 1x" from the warmth reasons (the connection point and the last
// contact have a line of their own), else the server's one-line summary.
std::string WhyLine(const outreach_api::PickReason& reason) {
  if (!reason.warmth_reasons().empty()) {
    return absl::StrCat("warm: ", absl::StrJoin(reason.warmth_reasons(), ", "));
  }
  // The summary then repeats the connection point and last contact shown on the next line.
  if (absl::StartsWith(reason.summary(), "no interactions yet")) {
    return "new contact: no interactions yet";
  }
  return reason.summary();
}

// "met via 读书会 春季 · never contacted · campaign c_1 · follow-up of t_0"
std::string FactsLine(const outreach_api::Task& task) {
  std::vector<std::string> facts;
  const outreach_api::PickReason& reason = task.reason();
  if (!reason.connection_point().empty()) {
    facts.push_back(absl::StrCat("met via ", reason.connection_point()));
  }
  facts.push_back(DaysSinceContactLabel(reason.days_since_contact()));
  if (!task.campaign_id().empty()) facts.push_back(absl::StrCat("campaign ", task.campaign_id()));
  if (!task.follows_up_task_id().empty()) {
    facts.push_back(absl::StrCat("follow-up of ", task.follows_up_task_id()));
  }
  return absl::StrJoin(facts, " · ");
}

void PrintPlanEntry(const outreach_api::Task& task, int number, std::ostream& out) {
  out << (number < 10 ? " " : "") << number << ". " << ContactName(task);
  const std::string handle = PreferredHandle(task.contact());
  if (!handle.empty()) out << " · " << handle;
  out << '\n';
  const std::string why = WhyLine(task.reason());
  if (!why.empty()) out << "    why: " << why << '\n';
  out << "    " << FactsLine(task) << '\n';
  out << "    task " << task.id() << " · " << TaskStatusSummary(task) << '\n';
}

}  // namespace

std::string TaskStatusSummary(const outreach_api::Task& task) {
  std::string summary = TaskStatusLabel(task.status());
  if (task.status() == outreach_api::DONE && task.outcome() != outreach_api::OUTCOME_UNSPECIFIED) {
    absl::StrAppend(&summary, ": ", OutcomeLabel(task.outcome()));
  }
  if (task.status() == outreach_api::CANCELLED && !task.cancel_reason().empty()) {
    absl::StrAppend(&summary, " (", task.cancel_reason(), ")");
  }
  if (!task.snoozed_from().empty())
    absl::StrAppend(&summary, " (snoozed from ", task.snoozed_from(), ")");
  return summary;
}

void PrintPolicy(const outreach_api::Policy& policy, std::ostream& out) {
  KeyValueTable table;
  table.Add("quota", absl::StrCat(policy.daily_quota(), " a day"));
  table.Add("weekdays", WeekdaysLabel(policy.active_weekdays()));
  table.Add("cooldown", absl::StrCat(policy.cooldown_days(), " days"));
  table.Add("timezone", policy.timezone());
  table.Add("target", policy.target_program_id().empty() ? "none" : policy.target_program_id());
  table.Add("auto campaign",
            policy.auto_campaign_on_new_cohort()
                ? absl::StrCat("on new batches, ", policy.auto_campaign_pace(), " a day")
                : "off");
  table.Add("follow-up", absl::StrCat("after ", policy.follow_up_days(), " days"));
  if (policy.is_default()) {
    table.Add("set", "never (these are the defaults)");
  } else {
    const std::string updated = FormatTimestamp(policy.updated_at(), absl::LocalTimeZone());
    if (!updated.empty()) table.Add("updated", updated);
  }
  table.Render(out);
}

void PrintPlan(const outreach_api::DailyPlan& plan, std::ostream& out) {
  out << "Outreach plan for " << WeekdayName(plan.weekday()) << ' ' << plan.date() << " ("
      << plan.timezone() << "), quota " << plan.quota() << '\n';
  if (!plan.active()) {
    out << "no outreach today: "
        << (plan.inactive_reason().empty() ? "not an active day" : plan.inactive_reason()) << '\n';
    return;
  }
  const int people = plan.tasks_size();
  out << people << (people == 1 ? " person" : " people") << " to contact";
  if (!plan.shortfall_reason().empty())
    out << " (short of the quota: " << plan.shortfall_reason() << ')';
  out << '\n';
  int number = 0;
  bool any_open = false;
  for (const outreach_api::Task& task : plan.tasks()) {
    out << '\n';
    PrintPlanEntry(task, ++number, out);
    any_open = any_open || task.status() == outreach_api::OPEN;
  }
  if (any_open) {
    out << "\nrecord each outcome: dunbarctl outreach done TASK "
           "replied|interested|enrolled|declined|no-response|opted-out\n";
  }
}

void PrintTaskRows(const google::protobuf::RepeatedPtrField<outreach_api::Task>& tasks,
                   std::ostream& out) {
  Table table({"DATE", "#", "NAME", "HANDLE", "KIND", "STATUS", "CAMPAIGN", "TASK"});
  for (const outreach_api::Task& task : tasks) {
    table.AddRow({task.date(), absl::StrCat(task.position()), ContactName(task),
                  PreferredHandle(task.contact()), TaskKindLabel(task.kind()),
                  TaskStatusSummary(task), task.campaign_id(), task.id()});
  }
  table.Render(out);
}

void PrintCompletion(const outreach_api::Task& task, std::ostream& out) {
  out << OutcomeLabel(task.outcome()) << ": " << ContactName(task) << " (task " << task.id()
      << ")\n";
  const outreach_api::TaskEffects& effects = task.effects();
  if (effects.contact_recorded()) out << "  contact recorded in membership\n";
  if (effects.opt_out_recorded()) out << "  do-not-contact set in membership\n";
  const std::string& result = effects.enroll_result();
  if (result == "ENROLLED" || result == "ALREADY_ENROLLED") {
    out << (result == "ENROLLED" ? "  enrolled in batch " : "  already enrolled in batch ")
        << effects.enrolled_cohort_id() << " seat " << effects.seat_number() << '\n';
  } else if (result == "WAITLISTED") {
    out << "  waitlisted #" << effects.waitlist_position() << " for " << task.target_program_id()
        << '\n';
  } else if (!result.empty()) {
    out << "  cohort answered " << result << '\n';
  }
  if (!effects.follow_up_date().empty()) {
    out << "  follow-up on " << effects.follow_up_date();
    if (!effects.follow_up_task_id().empty())
      out << " (task " << effects.follow_up_task_id() << ')';
    out << '\n';
  }
  switch (effects.state()) {
    case outreach_api::PENDING:
      out << "  effects pending: the worker retries them";
      if (!effects.last_error().empty()) out << " (last error: " << effects.last_error() << ')';
      out << '\n';
      break;
    case outreach_api::FAILED:
      out << "  effects FAILED: " << effects.last_error()
          << " (see `dunbarctl outreach dead-letters`)\n";
      break;
    default:
      break;
  }
}

}  // namespace dunbar::dunbarctl
