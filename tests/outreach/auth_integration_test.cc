// Authentication and tenant isolation for EVERY RPC of OutreachService; the table is checked
// against the service descriptor, so a new RPC without a case fails this test.
#include <google/protobuf/descriptor.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "tests/support/auth_table.h"
#include "tests/support/outreach_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;

// `date` plus `days`, both "YYYY-MM-DD".
std::string AddDays(const std::string& date, int days) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(date, &day)) << date;
  return absl::FormatCivilTime(day + days);
}

const std::vector<ov1::Weekday> kEveryDay = {ov1::MONDAY,   ov1::TUESDAY, ov1::WEDNESDAY,
                                             ov1::THURSDAY, ov1::FRIDAY,  ov1::SATURDAY,
                                             ov1::SUNDAY};

class OutreachAuthTest : public OutreachIntegrationTest {
 protected:
  void SetUp() override {
    OutreachIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    auto members = MakeMembers(fixture(), 12);
    ASSERT_TRUE(members.ok()) << members.status();
    members_ = *members;
    program_ = MustCreateProgram(fixture(), 50);
    MustSetPolicy(fixture(), PolicySpec(10, "UTC", "", kEveryDay));
    today_ = fixture().Today();
    const ov1::DailyPlan plan = MustGetDailyPlan(fixture(), today_);
    ASSERT_EQ(plan.tasks_size(), 10) << plan.ShortDebugString();
    // The first task is snoozed again and again; the rest are completed one per call.
    snoozed_task_ = plan.tasks(0).id();
    for (int i = 1; i < plan.tasks_size(); ++i) open_tasks_.push_back(plan.tasks(i).id());
    campaign_ = MustCreateCampaign(fixture(), CampaignSpec("Invite", program_.id()));
    ASSERT_FALSE(campaign_.id().empty());
  }

  // A dead letter in acme's stream (what the worker writes after max_attempts failures).
  std::string AddDeadLetter() {
    ov1::DeadLetter letter;
    letter.set_source("membership-events");
    letter.set_source_entry_id(absl::StrCat("1-", ++dead_letters_made_));
    letter.set_type("member.updated");
    (*letter.mutable_fields())["member_id"] = members_[0];
    letter.set_error("UNAVAILABLE: membership down");
    letter.set_attempts(5);
    auto id = fixture().worker_deps().store->AddDeadLetter("acme", fixture().Now(), letter);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  using Call = std::function<grpc::Status(grpc::ClientContext*, const std::string& tenant)>;

  // One valid call per RPC on acme's data; `tenant` goes into the request.
  std::map<std::string, Call> Calls() {
    auto& s = stub();
    const std::string pid = program_.id();
    const std::string campaign = campaign_.id();
    const std::string today = today_;
    return {
        {"SetPolicy",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::SetPolicyRequest r;
           r.set_tenant(tenant);
           *r.mutable_policy() = PolicySpec(10, "UTC", pid, kEveryDay);
           ov1::Policy out;
           return s.SetPolicy(ctx, r, &out);
         }},
        {"GetPolicy",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::GetPolicyRequest r;
           r.set_tenant(tenant);
           ov1::Policy out;
           return s.GetPolicy(ctx, r, &out);
         }},
        {"GetDailyPlan",
         [&s, today](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::GetDailyPlanRequest r;
           r.set_tenant(tenant);
           r.set_date(today);
           ov1::DailyPlan out;
           return s.GetDailyPlan(ctx, r, &out);
         }},
        {"ListTasks",
         [&s, today](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::ListTasksRequest r;
           r.set_tenant(tenant);
           r.set_date(today);
           ov1::ListTasksResponse out;
           return s.ListTasks(ctx, r, &out);
         }},
        {"GetTask",
         [&s, this](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::GetTaskRequest r;
           r.set_tenant(tenant);
           r.set_task_id(snoozed_task_);
           ov1::Task out;
           return s.GetTask(ctx, r, &out);
         }},
        {"CompleteTask",
         [&s, this](grpc::ClientContext* ctx, const std::string& tenant) {
           if (next_open_task_ >= open_tasks_.size()) {
             return grpc::Status(Code::ABORTED, "setup: no open task left");
           }
           ov1::CompleteTaskRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_task_id(open_tasks_[next_open_task_]);
           r.set_outcome(ov1::NO_RESPONSE);
           ov1::CompleteTaskResponse out;
           grpc::Status status = s.CompleteTask(ctx, r, &out);
           if (status.ok()) ++next_open_task_;  // done: the next success needs another task
           return status;
         }},
        {"SnoozeTask",
         [&s, this, today](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::SnoozeTaskRequest r;
           r.set_tenant(tenant);
           r.set_task_id(snoozed_task_);
           r.set_until_date(AddDays(today, ++snooze_days_));
           ov1::Task out;
           return s.SnoozeTask(ctx, r, &out);
         }},
        {"CreateCampaign",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::CreateCampaignRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           *r.mutable_campaign() = CampaignSpec("Another", pid);
           ov1::Campaign out;
           return s.CreateCampaign(ctx, r, &out);
         }},
        {"GetCampaign",
         [&s, campaign](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::GetCampaignRequest r;
           r.set_tenant(tenant);
           r.set_campaign_id(campaign);
           ov1::Campaign out;
           return s.GetCampaign(ctx, r, &out);
         }},
        {"ListCampaigns",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::ListCampaignsRequest r;
           r.set_tenant(tenant);
           ov1::ListCampaignsResponse out;
           return s.ListCampaigns(ctx, r, &out);
         }},
        {"PauseCampaign",
         [&s, campaign](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::PauseCampaignRequest r;
           r.set_tenant(tenant);
           r.set_campaign_id(campaign);
           ov1::Campaign out;
           return s.PauseCampaign(ctx, r, &out);
         }},
        {"ResumeCampaign",
         [&s, campaign](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::ResumeCampaignRequest r;
           r.set_tenant(tenant);
           r.set_campaign_id(campaign);
           ov1::Campaign out;
           return s.ResumeCampaign(ctx, r, &out);
         }},
        {"GetFunnel",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::GetFunnelRequest r;
           r.set_tenant(tenant);
           ov1::Funnel out;
           return s.GetFunnel(ctx, r, &out);
         }},
        {"ListDeadLetters",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::ListDeadLettersRequest r;
           r.set_tenant(tenant);
           ov1::ListDeadLettersResponse out;
           return s.ListDeadLetters(ctx, r, &out);
         }},
        {"ReplayDeadLetter",
         [&s, this](grpc::ClientContext* ctx, const std::string& tenant) {
           // A letter of its own per call: a replayed letter leaves the dead-letter stream.
           ov1::ReplayDeadLetterRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_dead_letter_id(AddDeadLetter());
           ov1::ReplayDeadLetterResponse out;
           return s.ReplayDeadLetter(ctx, r, &out);
         }},
        {"GetWorkerStatus",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           ov1::GetWorkerStatusRequest r;
           r.set_tenant(tenant);
           ov1::WorkerStatus out;
           return s.GetWorkerStatus(ctx, r, &out);
         }},
    };
  }

  std::vector<std::string> members_;
  cv1::Program program_;
  ov1::Campaign campaign_;
  std::string today_;
  std::string snoozed_task_;
  std::vector<std::string> open_tasks_;
  size_t next_open_task_ = 0;
  int snooze_days_ = 0;
  int dead_letters_made_ = 0;
};

TEST_F(OutreachAuthTest, EveryRpcChecksTheTokenAndTheTenant) {
  const auto calls = Calls();
  ExpectCallsCoverService("dunbar.outreach.v1.OutreachService", calls, 16u);
  ExpectEveryCallChecksTokenAndTenant(calls, [](Caller caller) { return Ctx(caller); });
  // Three completions and three snoozes went through, no more.
  EXPECT_EQ(next_open_task_, 3u);
  ov1::Task snoozed;
  ASSERT_GRPC_OK(GetTask(fixture(), snoozed_task_, &snoozed));
  EXPECT_EQ(snoozed.date(), AddDays(today_, snooze_days_));
  EXPECT_EQ(snoozed.snoozed_from(), today_);
}

// Another tenant names acme's tasks, campaign, programme and dead letter: it sees nothing and
// changes nothing; what it may do is act on its own (empty) data.
TEST_F(OutreachAuthTest, AnotherTenantCannotReachAcmesData) {
  const std::string letter = AddDeadLetter();
  ASSERT_FALSE(letter.empty());
  auto calls = Calls();
  // Reads of the caller's own (empty) data succeed: they must simply not show acme's.
  const std::set<std::string> own_data = {"GetPolicy",      "GetDailyPlan", "ListTasks",
                                          "ListCampaigns",  "GetFunnel",    "ListDeadLetters",
                                          "GetWorkerStatus"};
  for (const auto& [method, call] : calls) {
    for (Caller caller : {Caller::kGlobex, Caller::kService}) {
      const std::string tenant = caller == Caller::kService ? "globex" : "";
      auto context = Ctx(caller);
      grpc::Status status = call(context.get(), tenant);
      const Code expected = own_data.count(method) > 0 ? Code::OK : Code::NOT_FOUND;
      EXPECT_THAT(status, HasCode(expected)) << method << " as " << static_cast<int>(caller);
    }
  }
  // Globex's own views are empty.
  ov1::Policy globex_policy;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &globex_policy, Caller::kGlobex));
  EXPECT_TRUE(globex_policy.is_default());
  auto globex_tasks = [&] {
    ov1::ListTasksRequest r;
    r.set_date(today_);
    return ListAllTasks(fixture(), r, 500, Caller::kGlobex);
  }();
  ASSERT_TRUE(globex_tasks.ok()) << globex_tasks.status();
  EXPECT_TRUE(globex_tasks->empty());
  auto globex_campaigns = ListAllCampaigns(fixture(), 500, Caller::kGlobex);
  ASSERT_TRUE(globex_campaigns.ok()) << globex_campaigns.status();
  EXPECT_TRUE(globex_campaigns->empty());
  auto globex_letters = ListAllDeadLetters(fixture(), 500, Caller::kGlobex);
  ASSERT_TRUE(globex_letters.ok()) << globex_letters.status();
  EXPECT_TRUE(globex_letters->empty());

  // Acme's state is untouched: its tasks open on today's plan, its campaign active, its policy
  // without a target, its dead letters still there.
  auto acme_tasks = [&] {
    ov1::ListTasksRequest r;
    r.set_date(today_);
    r.set_status(ov1::OPEN);
    return ListAllTasks(fixture(), r);
  }();
  ASSERT_TRUE(acme_tasks.ok()) << acme_tasks.status();
  EXPECT_EQ(acme_tasks->size(), 10u);
  ov1::Campaign campaign;
  ov1::GetCampaignRequest get;
  get.set_campaign_id(campaign_.id());
  ASSERT_GRPC_OK(stub().GetCampaign(Ctx().get(), get, &campaign));
  EXPECT_FALSE(campaign.paused());
  EXPECT_EQ(campaign.state(), ov1::ACTIVE);
  ov1::Policy acme_policy;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &acme_policy));
  EXPECT_EQ(acme_policy.target_program_id(), "");
  auto acme_letters = ListAllDeadLetters(fixture());
  ASSERT_TRUE(acme_letters.ok()) << acme_letters.status();
  // The ReplayDeadLetter case adds a letter per call; none of them was replayed.
  ASSERT_EQ(acme_letters->size(), static_cast<size_t>(dead_letters_made_));
  EXPECT_EQ((*acme_letters)[0].id(), letter);
}

}  // namespace
}  // namespace dunbar::testing
