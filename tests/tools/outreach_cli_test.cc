// The real dunbarctl command line (RunCli) for `dunbarctl outreach ...` against an in-process
// gMock OutreachService over loopback gRPC: each command sends the right request (merged policy,
// parsed outcomes and weekdays, minted request ids, the outreach address) and prints the right
// thing (the morning plan screen, effects of an outcome, the funnel); bad flags are usage errors
// that call nothing (the mock is strict), and an unreachable service exits 4.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dunbar/outreach/v1/outreach.grpc.pb.h"
#include "tools/dunbarctl/cli_app.h"
#include "tools/dunbarctl/exit_codes.h"

namespace dunbar::dunbarctl {
namespace {

namespace api = ::dunbar::outreach::v1;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::StrictMock;

class MockOutreach : public api::OutreachService::Service {
 public:
  using Ctx = grpc::ServerContext;
  MOCK_METHOD(grpc::Status, SetPolicy, (Ctx*, const api::SetPolicyRequest*, api::Policy*),
              (override));
  MOCK_METHOD(grpc::Status, GetPolicy, (Ctx*, const api::GetPolicyRequest*, api::Policy*),
              (override));
  MOCK_METHOD(grpc::Status, GetDailyPlan, (Ctx*, const api::GetDailyPlanRequest*, api::DailyPlan*),
              (override));
  MOCK_METHOD(grpc::Status, ListTasks,
              (Ctx*, const api::ListTasksRequest*, api::ListTasksResponse*), (override));
  MOCK_METHOD(grpc::Status, CompleteTask,
              (Ctx*, const api::CompleteTaskRequest*, api::CompleteTaskResponse*), (override));
  MOCK_METHOD(grpc::Status, SnoozeTask, (Ctx*, const api::SnoozeTaskRequest*, api::Task*),
              (override));
  MOCK_METHOD(grpc::Status, CreateCampaign,
              (Ctx*, const api::CreateCampaignRequest*, api::Campaign*), (override));
  MOCK_METHOD(grpc::Status, GetCampaign, (Ctx*, const api::GetCampaignRequest*, api::Campaign*),
              (override));
  MOCK_METHOD(grpc::Status, ListCampaigns,
              (Ctx*, const api::ListCampaignsRequest*, api::ListCampaignsResponse*), (override));
  MOCK_METHOD(grpc::Status, PauseCampaign, (Ctx*, const api::PauseCampaignRequest*, api::Campaign*),
              (override));
  MOCK_METHOD(grpc::Status, ResumeCampaign,
              (Ctx*, const api::ResumeCampaignRequest*, api::Campaign*), (override));
  MOCK_METHOD(grpc::Status, GetFunnel, (Ctx*, const api::GetFunnelRequest*, api::Funnel*),
              (override));
  MOCK_METHOD(grpc::Status, ListDeadLetters,
              (Ctx*, const api::ListDeadLettersRequest*, api::ListDeadLettersResponse*),
              (override));
  MOCK_METHOD(grpc::Status, ReplayDeadLetter,
              (Ctx*, const api::ReplayDeadLetterRequest*, api::ReplayDeadLetterResponse*),
              (override));
  MOCK_METHOD(grpc::Status, GetWorkerStatus,
              (Ctx*, const api::GetWorkerStatusRequest*, api::WorkerStatus*), (override));
};

// Requests seen by the server's threads, read by the test after the CLI returned (a std::mutex,
// so ThreadSanitizer sees the hand-over).
class Seen {
 public:
  void Add(const google::protobuf::Message& request, const grpc::ServerContext& context) {
    std::string authorization;
    auto it = context.client_metadata().find("authorization");
    if (it != context.client_metadata().end())
      authorization.assign(it->second.data(), it->second.size());
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request.SerializeAsString());
    authorizations_.push_back(std::move(authorization));
  }
  // The `index`th request seen, parsed as T.
  template <typename T>
  T At(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    T message;
    if (index < requests_.size()) message.ParseFromString(requests_[index]);
    return message;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.size();
  }
  std::string authorization(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    return index < authorizations_.size() ? authorizations_[index] : "";
  }

 private:
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::vector<std::string> authorizations_;
};

// An action for any unary RPC: records the request, answers `reply` (or `status`).
template <typename Reply>
auto Answer(Seen& seen, Reply reply, grpc::Status status = grpc::Status::OK) {
  return [&seen, reply, status](grpc::ServerContext* context, const auto* request, Reply* out) {
    seen.Add(*request, *context);
    *out = reply;
    return status;
  };
}

api::Task MakeTask(const std::string& id, const std::string& name, int position) {
  api::Task task;
  task.set_id(id);
  task.set_date("2024-03-05");
  task.set_kind(api::WARM_CONTACT);
  task.set_status(api::OPEN);
  task.set_member_id(absl::StrCat("m_", position));
  task.mutable_contact()->set_name(name);
  task.set_position(position);
  task.set_target_program_id("p_1");
  return task;
}

api::Policy StoredPolicy() {
  api::Policy policy;
  policy.set_tenant("acme");
  policy.set_daily_quota(5);
  for (int day = api::MONDAY; day <= api::FRIDAY; ++day) {
    policy.add_active_weekdays(api::Weekday(day));
  }
  policy.set_cooldown_days(14);
  policy.set_timezone("Asia/Shanghai");
  policy.set_target_program_id("p_1");
  policy.set_auto_campaign_on_new_cohort(true);
  policy.set_auto_campaign_pace(2);
  policy.set_follow_up_days(3);
  return policy;
}

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

class OutreachCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&mock_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    outreach_addr_ = absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override { server_->Shutdown(); }

  // Runs dunbarctl with --outreach-addr at the mock (unless `with_outreach_addr` is false);
  // membership and cohort point at the mock's port too, which does not serve them.
  CliRun Run(std::vector<std::string> args, bool with_outreach_addr = true) {
    std::vector<std::string> all = {"dunbarctl",     "--addr",       outreach_addr_,
                                    "--cohort-addr", outreach_addr_, "--token",
                                    "dbr_test",      "--timeout",    "5"};
    if (with_outreach_addr) {
      all.push_back("--outreach-addr");
      all.push_back(outreach_addr_);
    }
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& arg : all) argv.push_back(arg.c_str());
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
  }

  StrictMock<MockOutreach> mock_;
  Seen seen_;
  std::unique_ptr<grpc::Server> server_;
  std::string outreach_addr_;
};

TEST_F(OutreachCliTest, PolicyAloneAndPolicyGetShowTheDefaults) {
  api::Policy defaults = StoredPolicy();
  defaults.set_timezone("UTC");
  defaults.clear_target_program_id();
  defaults.set_auto_campaign_on_new_cohort(false);
  defaults.set_is_default(true);
  EXPECT_CALL(mock_, GetPolicy(_, _, _)).Times(2).WillRepeatedly(Answer(seen_, defaults));
  const CliRun alone = Run({"--tenant", "acme", "outreach", "policy"});
  EXPECT_EQ(alone.exit_code, kExitOk) << alone.err;
  EXPECT_EQ(alone.out,
            "quota          5 a day\n"
            "weekdays       mon tue wed thu fri\n"
            "cooldown       14 days\n"
            "timezone       UTC\n"
            "target         none\n"
            "auto campaign  off\n"
            "follow-up      after 3 days\n"
            "set            never (these are the defaults)\n");
  EXPECT_EQ(seen_.At<api::GetPolicyRequest>(0).tenant(), "acme");
  EXPECT_EQ(seen_.authorization(0), "Bearer dbr_test");
  EXPECT_EQ(Run({"outreach", "policy", "get"}).out, alone.out);
}

TEST_F(OutreachCliTest, PolicySetChangesOnlyTheGivenSettings) {
  api::Policy stored = StoredPolicy();
  EXPECT_CALL(mock_, GetPolicy(_, _, _)).WillOnce(Answer(seen_, stored));
  api::Policy answer = StoredPolicy();
  answer.set_daily_quota(3);
  answer.clear_active_weekdays();
  for (api::Weekday day : {api::MONDAY, api::SATURDAY, api::SUNDAY})
    answer.add_active_weekdays(day);
  answer.clear_target_program_id();
  answer.set_auto_campaign_on_new_cohort(false);
  EXPECT_CALL(mock_, SetPolicy(_, _, _)).WillOnce(Answer(seen_, answer));

  const CliRun run = Run({"outreach", "policy", "set", "--quota", "3", "--weekdays", "Sat, sun,MON",
                          "--target-program", "", "--no-auto-campaign"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  ASSERT_EQ(seen_.size(), 2u);
  const api::SetPolicyRequest request = seen_.At<api::SetPolicyRequest>(1);
  const api::Policy& sent = request.policy();
  EXPECT_EQ(sent.daily_quota(), 3);
  EXPECT_THAT(sent.active_weekdays(), ElementsAre(api::MONDAY, api::SATURDAY, api::SUNDAY));
  EXPECT_EQ(sent.target_program_id(), "");
  EXPECT_FALSE(sent.auto_campaign_on_new_cohort());
  // Kept from the stored policy.
  EXPECT_EQ(sent.timezone(), "Asia/Shanghai");
  EXPECT_EQ(sent.cooldown_days(), 14);
  EXPECT_EQ(sent.follow_up_days(), 3);
  EXPECT_EQ(sent.auto_campaign_pace(), 2);
  EXPECT_EQ(sent.tenant(), "");
  EXPECT_THAT(run.out, HasSubstr("quota          3 a day\nweekdays       mon sat sun\n"));
  EXPECT_THAT(run.out, HasSubstr("target         none\nauto campaign  off\n"));
}

TEST_F(OutreachCliTest, PolicySetEveryDayAndTheRest) {
  EXPECT_CALL(mock_, GetPolicy(_, _, _)).WillOnce(Answer(seen_, StoredPolicy()));
  EXPECT_CALL(mock_, SetPolicy(_, _, _)).WillOnce(Answer(seen_, StoredPolicy()));
  const CliRun run = Run({"outreach", "policy", "set", "--weekdays", "all", "--cooldown-days", "7",
                          "--timezone", "Europe/London", "--target-program", "p_9",
                          "--auto-campaign", "--auto-campaign-pace", "4", "--follow-up-days", "2"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  const api::Policy sent = seen_.At<api::SetPolicyRequest>(1).policy();
  EXPECT_EQ(sent.active_weekdays_size(), 7);
  EXPECT_EQ(sent.cooldown_days(), 7);
  EXPECT_EQ(sent.timezone(), "Europe/London");
  EXPECT_EQ(sent.target_program_id(), "p_9");
  EXPECT_TRUE(sent.auto_campaign_on_new_cohort());
  EXPECT_EQ(sent.auto_campaign_pace(), 4);
  EXPECT_EQ(sent.follow_up_days(), 2);
  EXPECT_EQ(sent.daily_quota(), 5);
}

api::DailyPlan MorningPlan() {
  api::DailyPlan plan;
  plan.set_date("2024-03-05");
  plan.set_timezone("Asia/Shanghai");
  plan.set_weekday(api::TUESDAY);
  plan.set_active(true);
  plan.set_quota(5);
  plan.set_shortfall_reason("only 3 eligible contacts");
  api::Task* warm = plan.add_tasks();
  *warm = MakeTask("t_1", "王小明", 1);
  warm->mutable_contact()->set_wechat_id("wang_xm");
  warm->mutable_contact()->set_phone("+8613800138000");
  warm->mutable_reason()->set_summary(
      "warm: commented 3x, attended 1x; never contacted; via 读书会 春季");
  warm->mutable_reason()->add_warmth_reasons("commented 3x");
  warm->mutable_reason()->add_warmth_reasons("attended 1x");
  warm->mutable_reason()->set_connection_point("读书会 春季");
  warm->mutable_reason()->set_days_since_contact(-1);
  api::Task* campaign = plan.add_tasks();
  *campaign = MakeTask("t_2", "Emma Clarke", 2);
  campaign->set_kind(api::CAMPAIGN);
  campaign->set_campaign_id("c_1");
  campaign->mutable_contact()->set_email("emma@example.co.uk");
  campaign->mutable_reason()->add_warmth_reasons("liked 2x");
  campaign->mutable_reason()->set_days_since_contact(20);
  campaign->set_status(api::DONE);
  campaign->set_outcome(api::INTERESTED);
  api::Task* follow_up = plan.add_tasks();
  *follow_up = MakeTask("t_3", "李娜", 3);
  follow_up->set_kind(api::FOLLOW_UP);
  follow_up->set_follows_up_task_id("t_0");
  follow_up->mutable_reason()->set_days_since_contact(1);
  follow_up->mutable_reason()->set_summary("interested on 2024-03-04");
  follow_up->set_snoozed_from("2024-03-04");
  return plan;
}

TEST_F(OutreachCliTest, PlanIsAReadableMorningScreen) {
  EXPECT_CALL(mock_, GetDailyPlan(_, _, _)).WillOnce(Answer(seen_, MorningPlan()));
  const CliRun run = Run({"outreach", "plan"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(seen_.At<api::GetDailyPlanRequest>(0).date(), "");
  EXPECT_EQ(run.out,
            "Outreach plan for Tuesday 2024-03-05 (Asia/Shanghai), quota 5\n"
            "3 people to contact (short of the quota: only 3 eligible contacts)\n"
            "\n"
            " 1. 王小明 · WeChat wang_xm\n"
            "    why: warm: commented 3x, attended 1x\n"
            "    met via 读书会 春季 · never contacted\n"
            "    task t_1 · open\n"
            "\n"
            " 2. Emma Clarke · email emma@example.co.uk\n"
            "    why: warm: liked 2x\n"
            "    last contact 20 days ago · campaign c_1\n"
            "    task t_2 · done: interested\n"
            "\n"
            " 3. 李娜\n"
            "    why: interested on 2024-03-04\n"
            "    last contact 1 day ago · follow-up of t_0\n"
            "    task t_3 · open (snoozed from 2024-03-04)\n"
            "\n"
            "record each outcome: dunbarctl outreach done TASK "
            "replied|interested|enrolled|declined|no-response|opted-out\n");
}

TEST_F(OutreachCliTest, AnInactiveDaySaysWhy) {
  api::DailyPlan plan;
  plan.set_date("2024-03-09");
  plan.set_timezone("UTC");
  plan.set_weekday(api::SATURDAY);
  plan.set_quota(5);
  plan.set_inactive_reason("SATURDAY is not an active outreach day");
  EXPECT_CALL(mock_, GetDailyPlan(_, _, _)).WillOnce(Answer(seen_, plan));
  const CliRun run = Run({"outreach", "plan", "--date", "2024-03-09"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(seen_.At<api::GetDailyPlanRequest>(0).date(), "2024-03-09");
  EXPECT_EQ(run.out,
            "Outreach plan for Saturday 2024-03-09 (UTC), quota 5\n"
            "no outreach today: SATURDAY is not an active outreach day\n");
}

TEST_F(OutreachCliTest, PlanJsonIsTheResponse) {
  EXPECT_CALL(mock_, GetDailyPlan(_, _, _)).WillOnce(Answer(seen_, MorningPlan()));
  const CliRun run = Run({"outreach", "plan", "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, StartsWith("{\n"));
  EXPECT_THAT(run.out, HasSubstr("\"shortfallReason\": \"only 3 eligible contacts\""));
  EXPECT_THAT(run.out, HasSubstr("\"name\": \"王小明\""));
  EXPECT_THAT(run.out, HasSubstr("\"weekday\": \"TUESDAY\""));
}

TEST_F(OutreachCliTest, TasksFiltersAndFollowsPages) {
  api::ListTasksResponse first;
  *first.add_tasks() = MorningPlan().tasks(0);
  first.set_next_page_token("p2");
  api::ListTasksResponse second;
  *second.add_tasks() = MorningPlan().tasks(1);
  EXPECT_CALL(mock_, ListTasks(_, _, _))
      .WillOnce(Answer(seen_, first))
      .WillOnce(Answer(seen_, second))
      .WillOnce(Answer(seen_, first));
  const CliRun all = Run({"outreach", "tasks", "--date", "2024-03-05", "--status", "OPEN",
                          "--campaign", "c_1", "--all"});
  EXPECT_EQ(all.exit_code, kExitOk) << all.err;
  const api::ListTasksRequest request = seen_.At<api::ListTasksRequest>(0);
  EXPECT_EQ(request.date(), "2024-03-05");
  EXPECT_EQ(request.status(), api::OPEN);
  EXPECT_EQ(request.campaign_id(), "c_1");
  EXPECT_EQ(seen_.At<api::ListTasksRequest>(1).page_token(), "p2");
  EXPECT_EQ(all.out,
            "DATE        #  NAME         HANDLE                    KIND      STATUS            "
            "CAMPAIGN  TASK\n"
            "2024-03-05  1  王小明       WeChat wang_xm            warm      open              "
            "          t_1\n"
            "2024-03-05  2  Emma Clarke  email emma@example.co.uk  campaign  done: interested  "
            "c_1       t_2\n"
            "(2 tasks)\n");

  const CliRun one = Run({"outreach", "tasks", "--campaign", "c_1"});
  EXPECT_THAT(one.out, HasSubstr("(1 task; more with --page-token p2 or --all)\n"));
  EXPECT_EQ(seen_.At<api::ListTasksRequest>(2).status(), api::TASK_STATUS_UNSPECIFIED);
}

api::CompleteTaskResponse Completed(const std::string& task_id, api::Outcome outcome) {
  api::CompleteTaskResponse response;
  api::Task* task = response.mutable_task();
  *task = MakeTask(task_id, "王小明", 1);
  task->set_status(api::DONE);
  task->set_outcome(outcome);
  task->mutable_effects()->set_state(api::APPLIED);
  task->mutable_effects()->set_contact_recorded(true);
  return response;
}

TEST_F(OutreachCliTest, DoneTakesOutcomesInAnyCaseAndPrintsTheEffects) {
  api::CompleteTaskResponse enrolled = Completed("t_1", api::ENROLLED);
  enrolled.mutable_task()->mutable_effects()->set_enroll_result("ENROLLED");
  enrolled.mutable_task()->mutable_effects()->set_enrolled_cohort_id("p_1.2");
  enrolled.mutable_task()->mutable_effects()->set_seat_number(7);
  api::CompleteTaskResponse waitlisted = Completed("t_2", api::ENROLLED);
  waitlisted.mutable_task()->mutable_effects()->set_enroll_result("WAITLISTED");
  waitlisted.mutable_task()->mutable_effects()->set_waitlist_position(2);
  api::CompleteTaskResponse interested = Completed("t_3", api::INTERESTED);
  interested.mutable_task()->mutable_effects()->set_follow_up_date("2024-03-08");
  interested.mutable_task()->mutable_effects()->set_follow_up_task_id("t_9");
  api::CompleteTaskResponse opted_out = Completed("t_4", api::OPTED_OUT);
  opted_out.mutable_task()->mutable_effects()->set_opt_out_recorded(true);
  api::CompleteTaskResponse pending = Completed("t_5", api::ENROLLED);
  pending.mutable_task()->mutable_effects()->set_state(api::PENDING);
  pending.mutable_task()->mutable_effects()->set_last_error("cohort is unavailable");
  EXPECT_CALL(mock_, CompleteTask(_, _, _))
      .WillOnce(Answer(seen_, enrolled))
      .WillOnce(Answer(seen_, waitlisted))
      .WillOnce(Answer(seen_, interested))
      .WillOnce(Answer(seen_, opted_out))
      .WillOnce(Answer(seen_, pending))
      .WillOnce(Answer(
          seen_, api::CompleteTaskResponse(),
          grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "task t_1 is already completed")));

  const CliRun first = Run(
      {"outreach", "done", "t_1", "ENROLLED", "--note", "paid by WeChat", "--request-id", "d-1"});
  EXPECT_EQ(first.exit_code, kExitOk) << first.err;
  EXPECT_EQ(first.out,
            "enrolled: 王小明 (task t_1)\n"
            "  contact recorded in membership\n"
            "  enrolled in batch p_1.2 seat 7\n");
  const api::CompleteTaskRequest request = seen_.At<api::CompleteTaskRequest>(0);
  EXPECT_EQ(request.task_id(), "t_1");
  EXPECT_EQ(request.outcome(), api::ENROLLED);
  EXPECT_EQ(request.note(), "paid by WeChat");
  EXPECT_EQ(request.request_id(), "d-1");

  EXPECT_EQ(Run({"outreach", "done", "t_2", "enrolled"}).out,
            "enrolled: 王小明 (task t_2)\n"
            "  contact recorded in membership\n"
            "  waitlisted #2 for p_1\n");
  const std::string minted = seen_.At<api::CompleteTaskRequest>(1).request_id();
  EXPECT_THAT(minted, StartsWith("cli_"));

  EXPECT_EQ(Run({"outreach", "done", "t_3", "Interested"}).out,
            "interested: 王小明 (task t_3)\n"
            "  contact recorded in membership\n"
            "  follow-up on 2024-03-08 (task t_9)\n");
  EXPECT_EQ(seen_.At<api::CompleteTaskRequest>(2).outcome(), api::INTERESTED);
  EXPECT_NE(seen_.At<api::CompleteTaskRequest>(2).request_id(), minted);

  EXPECT_EQ(Run({"outreach", "done", "t_4", "opted_out"}).out,
            "opted-out: 王小明 (task t_4)\n"
            "  contact recorded in membership\n"
            "  do-not-contact set in membership\n");
  EXPECT_EQ(seen_.At<api::CompleteTaskRequest>(3).outcome(), api::OPTED_OUT);

  EXPECT_EQ(Run({"outreach", "done", "t_5", "enrolled"}).out,
            "enrolled: 王小明 (task t_5)\n"
            "  contact recorded in membership\n"
            "  effects pending: the worker retries them (last error: cohort is unavailable)\n");

  const CliRun again = Run({"outreach", "done", "t_1", "no-response"});
  EXPECT_EQ(again.exit_code, kExitRpcError);
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(again.err, "error: FAILED_PRECONDITION: task t_1 is already completed\n");
  EXPECT_EQ(seen_.At<api::CompleteTaskRequest>(5).outcome(), api::NO_RESPONSE);
}

TEST_F(OutreachCliTest, SnoozeMovesTheTask) {
  api::Task moved = MakeTask("t_1", "王小明", 1);
  moved.set_date("2024-03-08");
  moved.set_snoozed_from("2024-03-05");
  EXPECT_CALL(mock_, SnoozeTask(_, _, _)).WillOnce(Answer(seen_, moved));
  const CliRun run = Run({"outreach", "snooze", "t_1", "2024-03-08"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out, "task t_1 moved to 2024-03-08 (first planned for 2024-03-05)\n");
  const api::SnoozeTaskRequest request = seen_.At<api::SnoozeTaskRequest>(0);
  EXPECT_EQ(request.task_id(), "t_1");
  EXPECT_EQ(request.until_date(), "2024-03-08");
}

api::Campaign MakeCampaign() {
  api::Campaign campaign;
  campaign.set_id("c_1");
  campaign.set_name("春季招募");
  campaign.set_target_program_id("p_1");
  campaign.set_target_cohort_id("p_1.2");
  campaign.mutable_segment()->add_tags("vip");
  campaign.mutable_segment()->add_tags("读书会");
  campaign.mutable_segment()->add_stages("LEAD");
  campaign.set_daily_pace(2);
  campaign.set_start_date("2024-03-01");
  campaign.set_state(api::ACTIVE);
  campaign.set_origin(api::OPERATOR);
  campaign.set_tasks_planned(6);
  return campaign;
}

TEST_F(OutreachCliTest, CampaignsCreateListGetPauseResume) {
  EXPECT_CALL(mock_, CreateCampaign(_, _, _)).WillOnce(Answer(seen_, MakeCampaign()));
  const CliRun created =
      Run({"outreach", "campaigns", "create", "--name", "春季招募", "--program", "p_1", "--cohort",
           "p_1.2", "--tags", "vip;读书会", "--stages", "lead", "--pace", "2", "--start",
           "2024-03-01", "--end", "2024-03-31"});
  EXPECT_EQ(created.exit_code, kExitOk) << created.err;
  const api::CreateCampaignRequest request = seen_.At<api::CreateCampaignRequest>(0);
  EXPECT_THAT(request.request_id(), StartsWith("cli_"));
  EXPECT_EQ(request.campaign().name(), "春季招募");
  EXPECT_EQ(request.campaign().target_program_id(), "p_1");
  EXPECT_EQ(request.campaign().target_cohort_id(), "p_1.2");
  EXPECT_THAT(request.campaign().segment().tags(), ElementsAre("vip", "读书会"));
  EXPECT_THAT(request.campaign().segment().stages(), ElementsAre("LEAD"));
  EXPECT_EQ(request.campaign().daily_pace(), 2);
  EXPECT_EQ(request.campaign().start_date(), "2024-03-01");
  EXPECT_EQ(request.campaign().end_date(), "2024-03-31");
  EXPECT_EQ(created.out,
            "id         c_1\n"
            "name       春季招募\n"
            "programme  p_1\n"
            "batch      p_1.2\n"
            "segment    tags vip|读书会; stages LEAD\n"
            "pace       2 a day\n"
            "dates      2024-03-01 .. open-ended\n"
            "state      active\n"
            "origin     operator\n"
            "planned    6 tasks\n");

  api::ListCampaignsResponse listed;
  *listed.add_campaigns() = MakeCampaign();
  EXPECT_CALL(mock_, ListCampaigns(_, _, _)).WillOnce(Answer(seen_, listed));
  EXPECT_EQ(Run({"outreach", "campaigns", "list"}).out,
            "ID   NAME      PROGRAMME  BATCH  SEGMENT                       PACE   DATES          "
            "           STATE   PLANNED\n"
            "c_1  春季招募  p_1        p_1.2  tags vip|读书会; stages LEAD  2/day  2024-03-01 .. "
            "open-ended  active  6\n"
            "(1 campaign)\n");

  api::Campaign paused = MakeCampaign();
  paused.set_state(api::PAUSED);
  EXPECT_CALL(mock_, GetCampaign(_, _, _)).WillOnce(Answer(seen_, MakeCampaign()));
  EXPECT_CALL(mock_, PauseCampaign(_, _, _)).WillOnce(Answer(seen_, paused));
  EXPECT_CALL(mock_, ResumeCampaign(_, _, _)).WillOnce(Answer(seen_, MakeCampaign()));
  EXPECT_THAT(Run({"outreach", "campaigns", "get", "c_1"}).out, HasSubstr("state      active\n"));
  EXPECT_EQ(seen_.At<api::GetCampaignRequest>(2).campaign_id(), "c_1");
  EXPECT_THAT(Run({"outreach", "campaigns", "pause", "c_1"}).out, HasSubstr("state      paused\n"));
  EXPECT_EQ(seen_.At<api::PauseCampaignRequest>(3).campaign_id(), "c_1");
  EXPECT_THAT(Run({"outreach", "campaigns", "resume", "c_1"}).out,
              HasSubstr("state      active\n"));
  EXPECT_EQ(seen_.At<api::ResumeCampaignRequest>(4).campaign_id(), "c_1");
}

TEST_F(OutreachCliTest, FunnelShowsStagesRatesAndTheDays) {
  api::Funnel funnel;
  funnel.set_from_date("2024-03-01");
  funnel.set_to_date("2024-03-04");
  api::FunnelCounts* totals = funnel.mutable_totals();
  totals->set_contacted(10);
  totals->set_replied(4);
  totals->set_interested(3);
  totals->set_enrolled(2);
  totals->set_waitlisted(1);
  totals->set_declined(1);
  totals->set_no_response(3);
  totals->set_opted_out(0);
  funnel.set_reply_rate(0.7);
  funnel.set_interest_rate(0.5);
  funnel.set_enrol_rate(0.2);
  const int contacted[] = {0, 8, 0, 2};
  for (int day = 0; day < 4; ++day) {
    api::FunnelDay* entry = funnel.add_days();
    entry->set_date(absl::StrCat("2024-03-0", day + 1));
    entry->mutable_counts()->set_contacted(contacted[day]);
    entry->mutable_counts()->set_enrolled(day == 1 ? 2 : 0);
  }
  EXPECT_CALL(mock_, GetFunnel(_, _, _)).WillOnce(Answer(seen_, funnel));
  const CliRun run = Run(
      {"outreach", "funnel", "--from", "2024-03-01", "--to", "2024-03-04", "--campaign", "c_1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  const api::GetFunnelRequest request = seen_.At<api::GetFunnelRequest>(0);
  EXPECT_EQ(request.from_date(), "2024-03-01");
  EXPECT_EQ(request.to_date(), "2024-03-04");
  EXPECT_EQ(request.campaign_id(), "c_1");
  EXPECT_EQ(request.cohort_id(), "");
  EXPECT_EQ(
      run.out,
      "campaign c_1: Funnel 2024-03-01 .. 2024-03-04\n"
      "STAGE        COUNT  OF CONTACTED\n"
      "contacted    10     [██████████] 10/10\n"
      "replied      4      [████░░░░░░] 4/10\n"
      "interested   3      [███░░░░░░░] 3/10\n"
      "enrolled     2      [██░░░░░░░░] 2/10\n"
      "waitlisted   1      [█░░░░░░░░░] 1/10\n"
      "declined     1      [█░░░░░░░░░] 1/10\n"
      "no response  3      [███░░░░░░░] 3/10\n"
      "opted out    0      [░░░░░░░░░░] 0/10\n"
      "reply rate 70% (answered at all), interest rate 50%, enrol rate 20%\n"
      "contacted per day: ▁█▁▂\n"
      "DATE        CONTACTED  REPLIED  INTERESTED  ENROLLED  DECLINED  NO RESPONSE  OPTED OUT\n"
      "2024-03-02  8          0        0           2         0         0            0\n"
      "2024-03-04  2          0        0           0         0         0            0\n");
}

TEST_F(OutreachCliTest, DeadLettersListReplayAndWorkerStatus) {
  api::ListDeadLettersResponse letters;
  api::DeadLetter* letter = letters.add_dead_letters();
  letter->set_id("1700000000000-0");
  letter->set_source("jobs");
  letter->set_type("task.effects");
  letter->set_error("cohort: programme p_1 not found");
  letter->set_attempts(5);
  EXPECT_CALL(mock_, ListDeadLetters(_, _, _))
      .WillOnce(Answer(seen_, letters))
      .WillOnce(Answer(seen_, api::ListDeadLettersResponse()));
  EXPECT_EQ(Run({"outreach", "dead-letters"}).out,
            "ID               SOURCE  TYPE          ATTEMPTS  DEAD AT  ERROR\n"
            "1700000000000-0  jobs    task.effects  5                  cohort: programme p_1 not "
            "found\n"
            "(1 dead letter; replay one with `dunbarctl outreach dead-letters replay ID`)\n");
  EXPECT_EQ(Run({"outreach", "dead-letters", "list"}).out, "no dead letters\n");

  api::ReplayDeadLetterResponse replayed;
  replayed.set_job_id("1700000000001-0");
  EXPECT_CALL(mock_, ReplayDeadLetter(_, _, _)).WillOnce(Answer(seen_, replayed));
  EXPECT_EQ(
      Run({"outreach", "dead-letters", "replay", "1700000000000-0", "--request-id", "r-1"}).out,
      "replayed dead letter 1700000000000-0 as job 1700000000001-0\n");
  const api::ReplayDeadLetterRequest request = seen_.At<api::ReplayDeadLetterRequest>(2);
  EXPECT_EQ(request.dead_letter_id(), "1700000000000-0");
  EXPECT_EQ(request.request_id(), "r-1");

  api::WorkerStatus status;
  api::StreamStatus* stream = status.add_streams();
  stream->set_source("cohort-events");
  stream->set_group("outreach");
  stream->set_lag(3);
  stream->set_pending(1);
  stream->set_consumers(2);
  status.set_delayed_jobs(4);
  status.set_delayed_jobs_due(1);
  status.set_dead_letters(1);
  EXPECT_CALL(mock_, GetWorkerStatus(_, _, _)).WillOnce(Answer(seen_, status));
  EXPECT_EQ(Run({"outreach", "status"}).out,
            "SOURCE         GROUP     LAG  PENDING  CONSUMERS\n"
            "cohort-events  outreach  3    1        2\n"
            "delayed jobs: 4 scheduled, 1 due; dead letters: 1\n");
}

TEST_F(OutreachCliTest, BadFlagsAreUsageErrorsWithoutACall) {
  const CliRun outcome = Run({"outreach", "done", "t_1", "maybe"});
  EXPECT_EQ(outcome.exit_code, kExitUsage);
  EXPECT_EQ(
      outcome.err,
      "error: INVALID_ARGUMENT: OUTCOME: 'maybe' is not one of replied, interested, enrolled, "
      "declined, no-response, opted-out\n");
  const CliRun weekday = Run({"outreach", "policy", "set", "--weekdays", "mon,funday"});
  EXPECT_EQ(weekday.exit_code, kExitUsage);
  EXPECT_EQ(weekday.err,
            "error: INVALID_ARGUMENT: --weekdays: 'funday' is not a weekday (use "
            "mon,tue,wed,thu,fri,sat,sun, all or weekdays)\n");
  const CliRun nothing = Run({"outreach", "policy", "set"});
  EXPECT_EQ(nothing.exit_code, kExitUsage);
  EXPECT_EQ(nothing.err,
            "error: INVALID_ARGUMENT: policy set: give at least one setting to change\n");
  const CliRun date = Run({"outreach", "plan", "--date", "2024-02-30"});
  EXPECT_EQ(date.exit_code, kExitUsage);
  EXPECT_EQ(date.err,
            "error: INVALID_ARGUMENT: --date: '2024-02-30' is not a date (use YYYY-MM-DD)\n");
  const CliRun unfiltered = Run({"outreach", "tasks"});
  EXPECT_EQ(unfiltered.exit_code, kExitUsage);
  EXPECT_EQ(unfiltered.err,
            "error: INVALID_ARGUMENT: tasks: give --date or --campaign (or both)\n");
  EXPECT_EQ(Run({"outreach", "tasks", "--date", "2024-03-05", "--status", "later"}).exit_code,
            kExitUsage);
  EXPECT_EQ(Run({"outreach", "policy", "set", "--quota", "51"}).exit_code, kExitUsage);
  EXPECT_EQ(Run({"outreach", "snooze", "t_1", "tomorrow"}).exit_code, kExitUsage);
  EXPECT_EQ(Run({"outreach", "done", "t_1"}).exit_code, kExitUsage);
  EXPECT_EQ(Run({"outreach", "funnel", "--campaign", "c_1", "--cohort", "p_1.1"}).exit_code,
            kExitUsage);
  EXPECT_EQ(Run({"outreach", "campaigns", "create", "--name", "x"}).exit_code, kExitUsage);
  EXPECT_EQ(
      Run({"outreach", "campaigns", "create", "--name", "x", "--program", "p_1", "--stages", "vip"})
          .exit_code,
      kExitUsage);
  EXPECT_EQ(Run({"outreach"}).exit_code, kExitUsage);
  EXPECT_EQ(seen_.size(), 0u);  // and the strict mock saw no call
}

TEST_F(OutreachCliTest, OutreachAddressComesFromTheEnvironment) {
  EXPECT_CALL(mock_, GetWorkerStatus(_, _, _)).WillOnce(Answer(seen_, api::WorkerStatus()));
  ASSERT_EQ(setenv("DUNBAR_OUTREACH_ADDR", outreach_addr_.c_str(), 1), 0);
  const CliRun run = Run({"outreach", "status"}, /*with_outreach_addr=*/false);
  unsetenv("DUNBAR_OUTREACH_ADDR");
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(seen_.size(), 1u);
}

TEST_F(OutreachCliTest, UnreachableOutreachServiceExitsFour) {
  // A port that just stopped serving: a server of our own, started and shut down.
  std::string closed;
  {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    MockOutreach unused;  // a server needs a service to start
    builder.RegisterService(&unused);
    std::unique_ptr<grpc::Server> gone = builder.BuildAndStart();
    ASSERT_NE(gone, nullptr);
    closed = absl::StrCat("127.0.0.1:", port);
    gone->Shutdown();
  }
  const CliRun run = Run({"--outreach-addr", closed, "outreach", "plan"}, false);
  EXPECT_EQ(run.exit_code, kExitTransport);
  EXPECT_THAT(run.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace dunbar::dunbarctl
