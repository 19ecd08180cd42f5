// outreach policy|plan|tasks|done|snooze (the daily habit), and the `outreach` group itself
#include "tools/dunbarctl/outreach_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/outreach_format.h"
#include "tools/dunbarctl/outreach_view.h"

namespace dunbar::dunbarctl {
namespace {

namespace outreach_api = ::dunbar::outreach::v1;

int RunPolicyGet(CliContext& ctx) {
  outreach_api::GetPolicyRequest request;
  request.set_tenant(ctx.options().tenant);
  outreach_api::Policy policy;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().GetPolicy(call.get(), request, &policy);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(policy, [&](std::ostream& out) { PrintPolicy(policy, out); });
}

// The settings `policy set` can change. SetPolicy replaces the whole policy, so the command reads
// the current one and changes only the flags given (a concurrent edit in between is overwritten:
// the operator is the only writer of their policy).
struct PolicyFlags {
  int quota = 0, cooldown_days = 0, auto_campaign_pace = 0, follow_up_days = 0;
  std::string weekdays, timezone, target_program;
  bool auto_campaign = false;
  std::vector<CLI::Option*> options;

  void AddTo(CLI::App* command) {
    options = {
        command->add_option("--quota", quota, "People a day, 1..50 (default 5)")
            ->check(CLI::Range(1, 50)),
        command->add_option("--weekdays", weekdays,
                            "Active days, e.g. mon,tue,thu (or all, weekdays)"),
        command
            ->add_option("--cooldown-days", cooldown_days,
                         "Days before the same person is planned again, 1..365 (default 14)")
            ->check(CLI::Range(1, 365)),
        command->add_option("--timezone", timezone,
                            "IANA zone of the plan dates, e.g. Asia/Shanghai"),
        command->add_option("--target-program", target_program,
                            "Programme ENROLLED outcomes enrol in ('' for none)"),
        command->add_flag("--auto-campaign,!--no-auto-campaign", auto_campaign,
                          "Start an invitation campaign when a new batch opens"),
        command
            ->add_option("--auto-campaign-pace", auto_campaign_pace,
                         "Daily pace of those campaigns, 1..50 (default 2)")
            ->check(CLI::Range(1, 50)),
        command
            ->add_option("--follow-up-days", follow_up_days,
                         "INTERESTED -> follow up this many days later, 1..60 (default 3)")
            ->check(CLI::Range(1, 60)),
    };
  }

  bool any_given() const {
    for (const CLI::Option* option : options) {
      if (option->count() > 0) return true;
    }
    return false;
  }
  bool given(const char* name) const {
    for (const CLI::Option* option : options) {
      if (option->check_name(name)) return option->count() > 0;
    }
    return false;
  }

  absl::Status ApplyTo(outreach_api::Policy* policy) const {
    if (given("--weekdays")) {
      absl::StatusOr<std::vector<outreach_api::Weekday>> days =
          ParseWeekdays("--weekdays", weekdays);
      if (!days.ok()) return days.status();
      policy->clear_active_weekdays();
      for (outreach_api::Weekday day : *days) policy->add_active_weekdays(day);
    }
    if (given("--quota")) policy->set_daily_quota(quota);
    if (given("--cooldown-days")) policy->set_cooldown_days(cooldown_days);
    if (given("--timezone")) policy->set_timezone(timezone);
    if (given("--target-program")) policy->set_target_program_id(target_program);
    if (given("--auto-campaign")) policy->set_auto_campaign_on_new_cohort(auto_campaign);
    if (given("--auto-campaign-pace")) policy->set_auto_campaign_pace(auto_campaign_pace);
    if (given("--follow-up-days")) policy->set_follow_up_days(follow_up_days);
    return absl::OkStatus();
  }
};

int RunPolicySet(CliContext& ctx, const PolicyFlags& flags) {
  if (!flags.any_given()) return ctx.UsageError("policy set: give at least one setting to change");
  outreach_api::Policy changes;  // validates the flags before any call
  if (absl::Status valid = flags.ApplyTo(&changes); !valid.ok()) return ctx.UsageError(valid);

  outreach_api::GetPolicyRequest get;
  get.set_tenant(ctx.options().tenant);
  outreach_api::SetPolicyRequest request;
  request.set_tenant(ctx.options().tenant);
  {
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.outreach().GetPolicy(call.get(), get, request.mutable_policy());
    if (!status.ok()) return ctx.Fail(status);
  }
  outreach_api::Policy* policy = request.mutable_policy();
  policy->clear_tenant();
  policy->clear_updated_at();
  policy->clear_is_default();
  flags.ApplyTo(policy).IgnoreError();  // validated above
  outreach_api::Policy stored;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().SetPolicy(call.get(), request, &stored);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(stored, [&](std::ostream& out) { PrintPolicy(stored, out); });
}

int RunPlan(CliContext& ctx, const std::string& date) {
  if (absl::Status valid = CheckDateArg("--date", date); !valid.ok()) return ctx.UsageError(valid);
  outreach_api::GetDailyPlanRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_date(date);
  outreach_api::DailyPlan plan;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().GetDailyPlan(call.get(), request, &plan);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(plan, [&](std::ostream& out) { PrintPlan(plan, out); });
}

struct TaskListFlags {
  std::string date, status, campaign_id, page_token;
  int page_size = 0;
  bool all = false;
};

int RunTasks(CliContext& ctx, const TaskListFlags& flags) {
  if (flags.date.empty() && flags.campaign_id.empty()) {
    return ctx.UsageError("tasks: give --date or --campaign (or both)");
  }
  if (absl::Status valid = CheckDateArg("--date", flags.date); !valid.ok()) {
    return ctx.UsageError(valid);
  }
  outreach_api::ListTasksRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_date(flags.date);
  request.set_campaign_id(flags.campaign_id);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  if (!flags.status.empty()) {
    absl::StatusOr<outreach_api::TaskStatus> status = ParseTaskStatus("--status", flags.status);
    if (!status.ok()) return ctx.UsageError(status.status());
    request.set_status(*status);
  }
  outreach_api::ListTasksResponse listed;
  while (true) {
    outreach_api::ListTasksResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.outreach().ListTasks(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    listed.mutable_tasks()->MergeFrom(page.tasks());
    listed.set_next_page_token(page.next_page_token());
    if (!flags.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(listed, [&](std::ostream& out) {
    PrintTaskRows(listed.tasks(), out);
    out << "(" << listed.tasks_size() << (listed.tasks_size() == 1 ? " task" : " tasks");
    if (!listed.next_page_token().empty()) {
      out << "; more with --page-token " << listed.next_page_token() << " or --all";
    }
    out << ")\n";
  });
}

struct DoneFlags {
  std::string task_id, outcome, note, request_id;
};

int RunDone(CliContext& ctx, const DoneFlags& flags) {
  absl::StatusOr<outreach_api::Outcome> outcome = ParseOutcome("OUTCOME", flags.outcome);
  if (!outcome.ok()) return ctx.UsageError(outcome.status());
  outreach_api::CompleteTaskRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_task_id(flags.task_id);
  request.set_outcome(*outcome);
  request.set_note(flags.note);
  outreach_api::CompleteTaskResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().CompleteTask(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) { PrintCompletion(response.task(), out); });
}

int RunSnooze(CliContext& ctx, const std::string& task_id, const std::string& until) {
  if (absl::Status valid = CheckDateArg("DATE", until); !valid.ok()) return ctx.UsageError(valid);
  outreach_api::SnoozeTaskRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_task_id(task_id);
  request.set_until_date(until);
  outreach_api::Task task;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.outreach().SnoozeTask(call.get(), request, &task);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(task, [&](std::ostream& out) {
    out << "task " << task.id() << " moved to " << task.date();
    if (!task.snoozed_from().empty()) out << " (first planned for " << task.snoozed_from() << ')';
    out << '\n';
  });
}

void AddPolicyCommands(CLI::App& outreach, CliContext& ctx, Selected& selected) {
  CLI::App* policy = outreach.add_subcommand(
      "policy", "The daily habit: quota, active weekdays, cooldown, timezone, target programme");
  policy->require_subcommand(0, 1);
  // `outreach policy` alone shows it, like `outreach policy get`.
  policy->callback([&ctx, &selected, policy] {
    if (policy->get_subcommands().empty()) selected.body = [&ctx] { return RunPolicyGet(ctx); };
  });
  CLI::App* get = policy->add_subcommand("get", "Show the policy (or the defaults)");
  OnSelected(get, selected, [&ctx] { return RunPolicyGet(ctx); });
  CLI::App* set = policy->add_subcommand(
      "set", "Change the given settings; the others keep their current values");
  auto flags = std::make_shared<PolicyFlags>();
  flags->AddTo(set);
  OnSelected(set, selected, [&ctx, flags] { return RunPolicySet(ctx, *flags); });
}

void AddTaskCommands(CLI::App& outreach, CliContext& ctx, Selected& selected) {
  {
    CLI::App* plan = outreach.add_subcommand(
        "plan", "Today's people to contact and why (made on the first call, then stable)");
    auto date = std::make_shared<std::string>();
    plan->add_option("--date", *date,
                     "A local date, YYYY-MM-DD (default today in the policy's zone)");
    OnSelected(plan, selected, [&ctx, date] { return RunPlan(ctx, *date); });
  }
  {
    CLI::App* tasks = outreach.add_subcommand("tasks", "Tasks of a date and/or a campaign");
    auto flags = std::make_shared<TaskListFlags>();
    tasks->add_option("--date", flags->date, "Planned for this local date, YYYY-MM-DD");
    tasks->add_option("--status", flags->status, "open, done or cancelled");
    tasks->add_option("--campaign", flags->campaign_id, "Campaign id");
    tasks->add_option("--page-size", flags->page_size, "1..500 (default 50)")
        ->check(CLI::Range(1, 500));
    tasks->add_option("--page-token", flags->page_token, "Continue after a previous page");
    tasks->add_flag("--all", flags->all, "Follow page tokens to the end");
    OnSelected(tasks, selected, [&ctx, flags] { return RunTasks(ctx, *flags); });
  }
  {
    CLI::App* done = outreach.add_subcommand(
        "done", "Record what came of a task; its effects reach membership and cohort once");
    auto flags = std::make_shared<DoneFlags>();
    done->add_option("task_id", flags->task_id, "Task id (from `outreach plan`)")->required();
    done->add_option("outcome", flags->outcome,
                     "replied, interested, enrolled, declined, no-response or opted-out")
        ->required();
    done->add_option("--note", flags->note, "Free text, up to 1000 bytes");
    done->add_option("--request-id", flags->request_id,
                     "Idempotency key: repeating it returns the first answer");
    OnSelected(done, selected, [&ctx, flags] { return RunDone(ctx, *flags); });
  }
  {
    CLI::App* snooze = outreach.add_subcommand("snooze", "Move an open task to a later date");
    auto task = std::make_shared<std::string>();
    auto until = std::make_shared<std::string>();
    snooze->add_option("task_id", *task, "Task id")->required();
    snooze->add_option("date", *until, "The new date, YYYY-MM-DD")->required();
    OnSelected(snooze, selected, [&ctx, task, until] { return RunSnooze(ctx, *task, *until); });
  }
}

}  // namespace

void AddOutreachCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* outreach = root.add_subcommand(
      "outreach", "A few warm contacts a day: policy, daily plan, outcomes, campaigns, funnel");
  outreach->require_subcommand(1);
  AddPolicyCommands(*outreach, ctx, selected);
  AddTaskCommands(*outreach, ctx, selected);
  AddOutreachCampaignCommands(*outreach, ctx, selected);
  AddOutreachReportCommands(*outreach, ctx, selected);
}

}  // namespace dunbar::dunbarctl
