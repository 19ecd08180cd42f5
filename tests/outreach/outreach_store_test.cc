// OutreachStore against a real redis-server: every method's happy path and error codes, exactly one
// plan per date under 32 racing threads, open-task exclusion, completion with its funnel counters,
// jobs and idempotent replay, effects merging, follow-ups, snoozing, campaigns, delayed jobs and
// dead letters.
#include "services/outreach/outreach_store.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/timestamps.h"
#include "common/redis/redis_client.h"
#include "tests/support/shared_redis_test.h"

namespace dunbar::outreach {
namespace {

constexpr char kTenant[] = "acme";
constexpr char kDay1[] = "2026-01-05";
constexpr char kDay2[] = "2026-01-06";
constexpr char kDay3[] = "2026-01-07";

using Entry = std::map<std::string, std::string>;

class OutreachStoreTest : public ::dunbar::testing::SharedRedisTest<> {
 protected:
  void SetUp() override {
    SharedRedisTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<OutreachStore>(*client_, OutreachStore::Options{});
    ASSERT_TRUE(store_->LoadScripts().ok());
  }

  // Time moves one second per call.
  absl::Time Tick() {
    now_ += absl::Seconds(1);
    return now_;
  }

  Mutation NewMutation(const std::string& request_id = "", const std::string& fingerprint = "") {
    Mutation mutation;
    mutation.tenant = kTenant;
    mutation.request_id = request_id.empty() ? absl::StrCat("r", ++request_counter_) : request_id;
    mutation.fingerprint =
        fingerprint.empty() ? absl::StrCat("fp-", mutation.request_id) : fingerprint;
    mutation.now = Tick();
    return mutation;
  }

  static v1::Task Pick(const std::string& id, const std::string& member,
                       const std::string& campaign = "", const std::string& cohort = "") {
    v1::Task pick;
    pick.set_id(id);
    pick.set_status(v1::OPEN);
    pick.set_kind(campaign.empty() ? v1::WARM_CONTACT : v1::CAMPAIGN);
    pick.set_member_id(member);
    pick.mutable_contact()->set_member_id(member);
    pick.mutable_contact()->set_name(absl::StrCat("Name of ", member));
    pick.mutable_contact()->set_phone("+8613800000000");
    pick.mutable_contact()->add_tags("vip");
    pick.mutable_reason()->set_warmth(2.5);
    pick.mutable_reason()->add_warmth_reasons("commented 3x");
    pick.mutable_reason()->set_days_since_contact(-1);
    pick.mutable_reason()->set_summary(absl::StrCat("warm: ", member));
    pick.set_campaign_id(campaign);
    pick.set_target_program_id("deep");
    pick.set_target_cohort_id(cohort);
    return pick;
  }

  static PlanDraft Draft(const std::string& date, std::vector<v1::Task> picks) {
    PlanDraft draft;
    draft.header.set_date(date);
    draft.header.set_timezone("Asia/Shanghai");
    draft.header.set_weekday(v1::MONDAY);
    draft.header.set_active(true);
    draft.header.set_quota(5);
    if (picks.size() < 5) draft.header.set_shortfall_reason("only a few eligible contacts");
    for (v1::Task& pick : picks) pick.set_date(date);
    draft.picks = std::move(picks);
    return draft;
  }

  v1::DailyPlan Plan(const std::string& date, std::vector<v1::Task> picks) {
    auto plan = store_->CreatePlan(kTenant, Tick(), Draft(date, std::move(picks)));
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : v1::DailyPlan();
  }

  static std::vector<std::string> Ids(const std::vector<v1::Task>& tasks) {
    std::vector<std::string> ids;
    for (const v1::Task& task : tasks) ids.push_back(task.id());
    return ids;
  }

  static std::vector<std::string> Ids(const v1::DailyPlan& plan) {
    return Ids(std::vector<v1::Task>(plan.tasks().begin(), plan.tasks().end()));
  }

  v1::Task Complete(const std::string& task_id, v1::Outcome outcome,
                    const std::string& local_date = kDay1) {
    Completion completion;
    completion.task_id = task_id;
    completion.outcome = outcome;
    completion.note = "talked";
    completion.local_date = local_date;
    if (outcome == v1::INTERESTED) {
      completion.follow_up_due = now_ + absl::Hours(72);
      completion.follow_up_date = kDay3;
    }
    auto task = store_->CompleteTask(NewMutation(), completion);
    EXPECT_TRUE(task.ok()) << task.status();
    return task.ok() ? *task : v1::Task();
  }

  v1::Task Task(const std::string& task_id) {
    auto task = store_->GetTask(kTenant, task_id);
    EXPECT_TRUE(task.ok()) << task.status();
    return task.ok() ? *task : v1::Task();
  }

  v1::FunnelCounts Funnel(const std::string& scope, const std::string& date) {
    auto days = store_->GetFunnelDays(kTenant, scope, {date});
    EXPECT_TRUE(days.ok()) << days.status();
    return days.ok() && days->size() == 1 ? days->front() : v1::FunnelCounts();
  }

  // The members holding an open task, also checked one by one through HasOpenTask.
  std::set<std::string> OpenMembers() {
    auto members = store_->OpenTaskMembers(kTenant);
    EXPECT_TRUE(members.ok()) << members.status();
    if (!members.ok()) return {};
    for (const std::string& member : *members) {
      auto has = store_->HasOpenTask(kTenant, member);
      EXPECT_TRUE(has.ok() && *has) << member;
    }
    auto nobody = store_->HasOpenTask(kTenant, "no-such-member");
    EXPECT_TRUE(nobody.ok() && !*nobody);
    return std::set<std::string>(members->begin(), members->end());
  }

  // The entries of a stream of the tenant (P <kind>), oldest first, fields as a map.
  std::vector<Entry> Stream(const std::string& kind) {
    auto reply = (*client_)->Command(
        {"XRANGE", absl::StrCat("dunbar:outreach:{", kTenant, "}:", kind), "-", "+"});
    std::vector<Entry> entries;
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return entries;
    for (const auto& entry : reply->elements()) {
      Entry fields;
      const auto& flat = entry.elements()[1].elements();
      for (size_t i = 0; i + 1 < flat.size(); i += 2) fields[flat[i].str()] = flat[i + 1].str();
      fields["#id"] = entry.elements()[0].str();
      entries.push_back(fields);
    }
    return entries;
  }

  v1::Campaign NewCampaign(const std::string& id, v1::CampaignOrigin origin = v1::OPERATOR,
                           const std::string& cohort = "") {
    v1::Campaign campaign;
    campaign.set_id(id);
    campaign.set_name(absl::StrCat("Invite ", id));
    campaign.set_target_program_id("deep");
    campaign.set_target_cohort_id(cohort);
    campaign.mutable_segment()->add_tags("vip");
    campaign.set_daily_pace(2);
    campaign.set_start_date(kDay1);
    campaign.set_origin(origin);
    return campaign;
  }

  std::unique_ptr<OutreachStore> store_;
  absl::Time now_ = absl::FromUnixSeconds(1767571200);  // 2026-01-05T00:00:00Z
  int request_counter_ = 0;
};

TEST_F(OutreachStoreTest, ProbeRunsAScript) { EXPECT_TRUE(store_->Probe().ok()); }

TEST_F(OutreachStoreTest, KeysLiveUnderTheTenantsHashTag) {
  EXPECT_EQ(OutreachStore::TenantsKey(), "dunbar:outreach:tenants");
  EXPECT_EQ(OutreachStore::JobStreamKey("t1"), "dunbar:outreach:{t1}:jobs");
  EXPECT_EQ(OutreachStore::DelayedKey("t1"), "dunbar:outreach:{t1}:delayed");
  EXPECT_EQ(OutreachStore::DeadLetterKey("t1"), "dunbar:outreach:{t1}:dead");
}

TEST_F(OutreachStoreTest, RegisterTenantIsIdempotentAndListsSorted) {
  ASSERT_TRUE(store_->RegisterTenant("zeta").ok());
  ASSERT_TRUE(store_->RegisterTenant("acme").ok());
  ASSERT_TRUE(store_->RegisterTenant("zeta").ok());
  auto tenants = store_->ListTenants();
  ASSERT_TRUE(tenants.ok()) << tenants.status();
  EXPECT_EQ(*tenants, (std::vector<std::string>{"acme", "zeta"}));
}

TEST_F(OutreachStoreTest, PolicyRoundTrips) {
  auto missing = store_->GetPolicy(kTenant);
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());

  v1::Policy policy;
  policy.set_daily_quota(3);
  policy.add_active_weekdays(v1::TUESDAY);
  policy.add_active_weekdays(v1::SATURDAY);
  policy.set_cooldown_days(10);
  policy.set_timezone("Asia/Shanghai");
  policy.set_target_program_id("deep");
  policy.set_auto_campaign_on_new_cohort(true);
  policy.set_auto_campaign_pace(4);
  policy.set_follow_up_days(2);
  policy.set_is_default(true);  // ignored
  const absl::Time at = Tick();
  auto stored = store_->SetPolicy(kTenant, at, policy);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->tenant(), kTenant);
  EXPECT_FALSE(stored->is_default());
  EXPECT_EQ(api::TimestampToMillis(stored->updated_at()), absl::ToUnixMillis(at));

  auto read = store_->GetPolicy(kTenant);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->SerializeAsString(), stored->SerializeAsString());
  EXPECT_EQ((*read)->timezone(), "Asia/Shanghai");
  ASSERT_EQ((*read)->active_weekdays_size(), 2);
  EXPECT_EQ((*read)->active_weekdays(1), v1::SATURDAY);
}

TEST_F(OutreachStoreTest, CreatePlanStoresOnceAndGetPlanAnswersTheStoredPlan) {
  auto none = store_->GetPlan(kTenant, kDay1);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  const absl::Time generated = now_ + absl::Seconds(1);
  v1::DailyPlan plan = Plan(kDay1, {Pick("t1", "m1"), Pick("t2", "m2"), Pick("t3", "m3")});
  EXPECT_TRUE(plan.generated_now());
  EXPECT_EQ(plan.tenant(), kTenant);
  EXPECT_EQ(plan.date(), kDay1);
  EXPECT_EQ(plan.timezone(), "Asia/Shanghai");
  EXPECT_EQ(plan.weekday(), v1::MONDAY);
  EXPECT_TRUE(plan.active());
  EXPECT_EQ(plan.quota(), 5);
  EXPECT_EQ(plan.shortfall_reason(), "only a few eligible contacts");
  EXPECT_EQ(api::TimestampToMillis(plan.generated_at()), absl::ToUnixMillis(generated));
  ASSERT_EQ(Ids(plan), (std::vector<std::string>{"t1", "t2", "t3"}));
  const v1::Task& first = plan.tasks(0);
  EXPECT_EQ(first.tenant(), kTenant);
  EXPECT_EQ(first.date(), kDay1);
  EXPECT_EQ(first.status(), v1::OPEN);
  EXPECT_EQ(first.kind(), v1::WARM_CONTACT);
  EXPECT_EQ(first.member_id(), "m1");
  EXPECT_EQ(first.position(), 1);
  EXPECT_EQ(plan.tasks(2).position(), 3);
  EXPECT_EQ(first.contact().name(), "Name of m1");
  EXPECT_EQ(first.contact().phone(), "+8613800000000");
  ASSERT_EQ(first.contact().tags_size(), 1);
  EXPECT_DOUBLE_EQ(first.reason().warmth(), 2.5);
  EXPECT_EQ(first.reason().days_since_contact(), -1);
  EXPECT_EQ(first.reason().summary(), "warm: m1");
  EXPECT_EQ(first.target_program_id(), "deep");
  EXPECT_EQ(api::TimestampToMillis(first.created_at()), absl::ToUnixMillis(generated));
  EXPECT_FALSE(first.has_effects());
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m1", "m2", "m3"}));

  // A second draft for the same date stores nothing and answers the first plan.
  v1::DailyPlan again = Plan(kDay1, {Pick("x1", "m9")});
  EXPECT_FALSE(again.generated_now());
  EXPECT_EQ(Ids(again), Ids(plan));
  EXPECT_EQ(store_->GetTask(kTenant, "x1").status().code(), absl::StatusCode::kNotFound);

  auto read = store_->GetPlan(kTenant, kDay1);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_FALSE((*read)->generated_now());
  plan.set_generated_now(false);
  EXPECT_EQ((*read)->SerializeAsString(), plan.SerializeAsString());

  std::vector<Entry> events = Stream("events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "plan.generated");
  EXPECT_EQ(events[0]["date"], kDay1);
}

TEST_F(OutreachStoreTest, CreatePlanDropsMembersHoldingAnOpenTaskAndClosesUpPositions) {
  Plan(kDay1, {Pick("t1", "m1"), Pick("t2", "m2")});
  v1::DailyPlan plan =
      Plan(kDay2, {Pick("u1", "m2"), Pick("u2", "m3"), Pick("u3", "m3"), Pick("u4", "m4")});
  ASSERT_EQ(Ids(plan), (std::vector<std::string>{"u2", "u4"}));
  EXPECT_EQ(plan.tasks(0).position(), 1);
  EXPECT_EQ(plan.tasks(1).position(), 2);
  EXPECT_EQ(store_->GetTask(kTenant, "u1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m1", "m2", "m3", "m4"}));
}

TEST_F(OutreachStoreTest, ExactlyOnePlanWhen32CallersRaceWithDifferentDrafts) {
  constexpr int kCallers = 32;
  std::vector<absl::StatusOr<v1::DailyPlan>> results(kCallers, absl::UnknownError("not run"));
  std::vector<PlanDraft> drafts;
  for (int caller = 0; caller < kCallers; ++caller) {
    std::vector<v1::Task> picks;
    for (int k = 0; k < 5; ++k) {
      // Members overlap across callers (m<caller+k>), ids never do.
      picks.push_back(Pick(absl::StrCat("t", caller, "-", k), absl::StrCat("m", caller + k)));
    }
    drafts.push_back(Draft(kDay1, std::move(picks)));
  }
  const absl::Time at = Tick();
  std::vector<std::thread> threads;
  for (int caller = 0; caller < kCallers; ++caller) {
    threads.emplace_back(
        [&, caller] { results[caller] = store_->CreatePlan(kTenant, at, drafts[caller]); });
  }
  for (std::thread& thread : threads) thread.join();

  int generated = 0;
  std::optional<std::vector<std::string>> ids;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    if (result->generated_now()) ++generated;
    if (!ids) ids = Ids(*result);
    EXPECT_EQ(Ids(*result), *ids);
  }
  EXPECT_EQ(generated, 1);
  ASSERT_EQ(ids->size(), 5u);
  const std::string winner = ids->front().substr(0, ids->front().find('-'));
  for (int k = 0; k < 5; ++k) EXPECT_EQ((*ids)[k], absl::StrCat(winner, "-", k));
  EXPECT_EQ(OpenMembers().size(), 5u);
  auto keys = (*client_)->Command({"KEYS", "dunbar:outreach:{acme}:task:*"});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->elements().size(), 5u);
  EXPECT_EQ(Stream("events").size(), 1u);
}

TEST_F(OutreachStoreTest, GetTaskOfAnUnknownIdIsNotFound) {
  auto task = store_->GetTask(kTenant, "nope");
  EXPECT_EQ(task.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(task.status().message(), "task nope");
}

TEST_F(OutreachStoreTest, CompleteTaskRecordsOutcomeCountersJobAndFreesTheMember) {
  ASSERT_TRUE(store_->CreateCampaign(NewMutation(), NewCampaign("c1")).ok());
  Plan(kDay1, {Pick("t1", "m1", "c1", "deep.2"), Pick("t2", "m2")});
  v1::Task done = Complete("t1", v1::REPLIED);
  EXPECT_EQ(done.status(), v1::DONE);
  EXPECT_EQ(done.outcome(), v1::REPLIED);
  EXPECT_EQ(done.note(), "talked");
  EXPECT_EQ(api::TimestampToMillis(done.completed_at()), absl::ToUnixMillis(now_));
  EXPECT_EQ(done.effects().state(), v1::PENDING);
  EXPECT_FALSE(done.effects().contact_recorded());
  EXPECT_EQ(done.effects().follow_up_task_id(), "");
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m2"}));
  EXPECT_EQ(Task("t1").SerializeAsString(), done.SerializeAsString());

  for (const std::string scope : {"all", "c:c1", "b:deep.2"}) {
    v1::FunnelCounts counts = Funnel(scope, kDay1);
    EXPECT_EQ(counts.contacted(), 1) << scope;
    EXPECT_EQ(counts.replied(), 1) << scope;
    EXPECT_EQ(counts.interested(), 0) << scope;
  }
  EXPECT_EQ(Funnel("all", kDay2).contacted(), 0);

  Complete("t2", v1::NO_RESPONSE);
  v1::FunnelCounts all = Funnel("all", kDay1);
  EXPECT_EQ(all.contacted(), 2);
  EXPECT_EQ(all.no_response(), 1);
  EXPECT_EQ(Funnel("c:c1", kDay1).contacted(), 1);

  std::vector<Entry> jobs = Stream("jobs");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0]["type"], "task.effects");
  EXPECT_EQ(jobs[0]["task_id"], "t1");
  EXPECT_EQ(jobs[1]["task_id"], "t2");
  std::vector<Entry> events = Stream("events");
  ASSERT_EQ(events.size(), 4u);  // campaign.created, plan.generated, 2x task.completed
  EXPECT_EQ(events[2]["type"], "task.completed");
  EXPECT_EQ(events[2]["task_id"], "t1");
}

TEST_F(OutreachStoreTest, EveryOutcomeCountsUnderItsOwnName) {
  const std::vector<std::pair<v1::Outcome, std::string>> outcomes = {
      {v1::REPLIED, "replied"},   {v1::INTERESTED, "interested"},   {v1::ENROLLED, "enrolled"},
      {v1::DECLINED, "declined"}, {v1::NO_RESPONSE, "no_response"}, {v1::OPTED_OUT, "opted_out"}};
  std::vector<v1::Task> picks;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    picks.push_back(Pick(absl::StrCat("t", i), absl::StrCat("m", i)));
  }
  Plan(kDay1, picks);
  for (size_t i = 0; i < outcomes.size(); ++i) Complete(absl::StrCat("t", i), outcomes[i].first);
  v1::FunnelCounts counts = Funnel("all", kDay1);
  EXPECT_EQ(counts.contacted(), 6);
  EXPECT_EQ(counts.replied(), 1);
  EXPECT_EQ(counts.interested(), 1);
  EXPECT_EQ(counts.enrolled(), 1);
  EXPECT_EQ(counts.declined(), 1);
  EXPECT_EQ(counts.no_response(), 1);
  EXPECT_EQ(counts.opted_out(), 1);
  EXPECT_EQ(counts.waitlisted(), 0);
}

TEST_F(OutreachStoreTest, CompletingTwiceIsFailedPreconditionAndCountsOnce) {
  Plan(kDay1, {Pick("t1", "m1")});
  Complete("t1", v1::DECLINED);
  Completion completion;
  completion.task_id = "t1";
  completion.outcome = v1::REPLIED;
  completion.local_date = kDay1;
  auto second = store_->CompleteTask(NewMutation(), completion);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(second.status().message(), "task t1 is DONE");
  EXPECT_EQ(Funnel("all", kDay1).contacted(), 1);
  EXPECT_EQ(Task("t1").outcome(), v1::DECLINED);

  completion.task_id = "ghost";
  EXPECT_EQ(store_->CompleteTask(NewMutation(), completion).status().code(),
            absl::StatusCode::kNotFound);
  completion.outcome = v1::OUTCOME_UNSPECIFIED;
  EXPECT_EQ(store_->CompleteTask(NewMutation(), completion).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OutreachStoreTest, CompleteTaskReplaysItsRequestId) {
  Plan(kDay1, {Pick("t1", "m1")});
  Completion completion;
  completion.task_id = "t1";
  completion.outcome = v1::ENROLLED;
  completion.local_date = kDay1;
  auto first = store_->CompleteTask(NewMutation("req-1", "fp-a"), completion);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = store_->CompleteTask(NewMutation("req-1", "fp-a"), completion);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Funnel("all", kDay1).contacted(), 1);
  EXPECT_EQ(Stream("jobs").size(), 1u);

  auto other = store_->CompleteTask(NewMutation("req-1", "fp-b"), completion);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(OutreachStoreTest, InterestedSchedulesTheFollowUpJobUntilItIsDue) {
  Plan(kDay1, {Pick("t1", "m1")});
  v1::Task done = Complete("t1", v1::INTERESTED);
  const absl::Time due = now_ + absl::Hours(72);
  EXPECT_EQ(done.effects().follow_up_task_id(), "fu-t1");
  EXPECT_EQ(done.effects().follow_up_date(), kDay3);

  auto counts = store_->CountDelayedJobs(kTenant, now_);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->total, 1);
  EXPECT_EQ(counts->due, 0);
  auto moved = store_->PromoteDueJobs(kTenant, now_, 10);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, 0);
  EXPECT_EQ(Stream("jobs").size(), 1u);  // task.effects only

  counts = store_->CountDelayedJobs(kTenant, due);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->due, 1);
  moved = store_->PromoteDueJobs(kTenant, due, 10);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, 1);
  std::vector<Entry> jobs = Stream("jobs");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1]["type"], "task.follow_up");
  EXPECT_EQ(jobs[1]["task_id"], "t1");
  EXPECT_EQ(jobs[1]["date"], kDay3);
  counts = store_->CountDelayedJobs(kTenant, due);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, 0);
  moved = store_->PromoteDueJobs(kTenant, due, 10);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 0);
}

TEST_F(OutreachStoreTest, PromoteDueJobsMovesAtMostMax) {
  std::vector<v1::Task> picks;
  for (int i = 0; i < 3; ++i) picks.push_back(Pick(absl::StrCat("t", i), absl::StrCat("m", i)));
  Plan(kDay1, picks);
  for (int i = 0; i < 3; ++i) Complete(absl::StrCat("t", i), v1::INTERESTED);
  const absl::Time later = now_ + absl::Hours(100);
  auto moved = store_->PromoteDueJobs(kTenant, later, 2);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, 2);
  moved = store_->PromoteDueJobs(kTenant, later, 2);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 1);
  EXPECT_EQ(Stream("jobs").size(), 6u);
}

TEST_F(OutreachStoreTest, RecordEffectsMergesMonotonicallyAndCountsWaitlistedOnce) {
  Plan(kDay1, {Pick("t1", "m1", "", "deep.3")});
  Complete("t1", v1::ENROLLED, kDay2);

  v1::TaskEffects effects;
  effects.set_state(v1::PENDING);
  effects.set_contact_recorded(true);
  effects.set_enroll_result("WAITLISTED");
  effects.set_waitlist_position(3);
  effects.set_last_error("membership: unavailable");
  auto first = store_->RecordEffects(kTenant, "t1", effects);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->effects().state(), v1::PENDING);
  EXPECT_TRUE(first->effects().contact_recorded());
  EXPECT_EQ(first->effects().enroll_result(), "WAITLISTED");
  EXPECT_EQ(first->effects().waitlist_position(), 3);
  EXPECT_EQ(first->effects().last_error(), "membership: unavailable");
  EXPECT_EQ(Funnel("all", kDay2).waitlisted(), 1);
  EXPECT_EQ(Funnel("b:deep.3", kDay2).waitlisted(), 1);
  EXPECT_EQ(Funnel("all", kDay1).waitlisted(), 0);

  // A later (or racing, stale) report never unsets a flag nor rewrites the enroll result.
  v1::TaskEffects later;
  later.set_state(v1::APPLIED);
  later.set_enroll_result("ENROLLED");
  later.set_enrolled_cohort_id("deep.3");
  later.set_seat_number(7);
  later.set_follow_up_task_id("fu-x");
  later.set_follow_up_date(kDay3);
  auto second = store_->RecordEffects(kTenant, "t1", later);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->effects().state(), v1::APPLIED);
  EXPECT_TRUE(second->effects().contact_recorded());
  EXPECT_EQ(second->effects().enroll_result(), "WAITLISTED");
  EXPECT_EQ(second->effects().seat_number(), 0);
  EXPECT_EQ(second->effects().last_error(), "");
  EXPECT_EQ(second->effects().follow_up_task_id(), "fu-x");
  EXPECT_EQ(store_->RecordEffects(kTenant, "t1", effects).status().code(), absl::StatusCode::kOk);
  EXPECT_EQ(Funnel("all", kDay2).waitlisted(), 1);
  EXPECT_EQ(Task("t1").effects().follow_up_task_id(), "fu-x");

  EXPECT_EQ(store_->RecordEffects(kTenant, "ghost", effects).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OutreachStoreTest, FollowUpIsCreatedOnceAndListedWithThePlanOfItsDate) {
  ASSERT_TRUE(store_->CreateCampaign(NewMutation(), NewCampaign("c1")).ok());
  Plan(kDay1, {Pick("t1", "m1", "c1", "deep.2")});
  Complete("t1", v1::INTERESTED);
  Plan(kDay3, {Pick("p1", "m5")});

  auto follow_up = store_->CreateFollowUpTask(kTenant, Tick(), "t1", kDay3);
  ASSERT_TRUE(follow_up.ok()) << follow_up.status();
  EXPECT_EQ(follow_up->id(), "fu-t1");
  EXPECT_EQ(follow_up->kind(), v1::FOLLOW_UP);
  EXPECT_EQ(follow_up->status(), v1::OPEN);
  EXPECT_EQ(follow_up->date(), kDay3);
  EXPECT_EQ(follow_up->member_id(), "m1");
  EXPECT_EQ(follow_up->follows_up_task_id(), "t1");
  EXPECT_EQ(follow_up->campaign_id(), "c1");
  EXPECT_EQ(follow_up->target_program_id(), "deep");
  EXPECT_EQ(follow_up->target_cohort_id(), "deep.2");
  EXPECT_EQ(follow_up->contact().name(), "Name of m1");
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m1", "m5"}));

  auto again = store_->CreateFollowUpTask(kTenant, Tick(), "t1", kDay2);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), follow_up->SerializeAsString());

  auto plan = store_->GetPlan(kTenant, kDay3);
  ASSERT_TRUE(plan.ok() && plan->has_value());
  EXPECT_EQ(Ids(**plan), (std::vector<std::string>{"p1", "fu-t1"}));
  auto by_date = store_->ListTasks(kTenant, {kDay3, v1::TASK_STATUS_UNSPECIFIED, ""}, "", 10);
  ASSERT_TRUE(by_date.ok()) << by_date.status();
  EXPECT_EQ(Ids(by_date->tasks), (std::vector<std::string>{"p1", "fu-t1"}));
  auto by_campaign = store_->ListTasks(kTenant, {"", v1::TASK_STATUS_UNSPECIFIED, "c1"}, "", 10);
  ASSERT_TRUE(by_campaign.ok()) << by_campaign.status();
  EXPECT_EQ(Ids(by_campaign->tasks), (std::vector<std::string>{"fu-t1", "t1"}));

  EXPECT_EQ(store_->CreateFollowUpTask(kTenant, Tick(), "ghost", kDay3).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OutreachStoreTest, FollowUpIsCancelledWhenTheMemberIsBusyOrOptedOut) {
  Plan(kDay1, {Pick("t1", "m1"), Pick("t2", "m2")});
  Complete("t1", v1::INTERESTED);
  Plan(kDay2, {Pick("u1", "m1")});  // m1 holds u1 now
  auto busy = store_->CreateFollowUpTask(kTenant, Tick(), "t1", kDay3);
  ASSERT_TRUE(busy.ok()) << busy.status();
  EXPECT_EQ(busy->status(), v1::CANCELLED);
  EXPECT_EQ(busy->cancel_reason(), "member m1 already holds open task u1");
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m1", "m2"}));

  Complete("t2", v1::OPTED_OUT);
  auto opted_out = store_->CreateFollowUpTask(kTenant, Tick(), "t2", kDay3);
  ASSERT_TRUE(opted_out.ok()) << opted_out.status();
  EXPECT_EQ(opted_out->status(), v1::CANCELLED);
  EXPECT_EQ(opted_out->cancel_reason(), "the contact opted out");
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m1"}));
  auto plan = store_->GetPlan(kTenant, kDay3);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->has_value());
}

TEST_F(OutreachStoreTest, SnoozeMovesAnOpenTaskToItsNewDate) {
  Plan(kDay1, {Pick("t1", "m1"), Pick("t2", "m2")});
  Plan(kDay3, {Pick("p1", "m5")});
  auto snoozed = store_->SnoozeTask(kTenant, "t1", kDay2);
  ASSERT_TRUE(snoozed.ok()) << snoozed.status();
  EXPECT_EQ(snoozed->date(), kDay2);
  EXPECT_EQ(snoozed->snoozed_from(), kDay1);
  EXPECT_EQ(snoozed->status(), v1::OPEN);

  auto day1 = store_->GetPlan(kTenant, kDay1);
  ASSERT_TRUE(day1.ok() && day1->has_value());
  EXPECT_EQ(Ids(**day1), (std::vector<std::string>{"t2"}));
  auto day2 = store_->ListTasks(kTenant, {kDay2, v1::OPEN, ""}, "", 10);
  ASSERT_TRUE(day2.ok()) << day2.status();
  EXPECT_EQ(Ids(day2->tasks), (std::vector<std::string>{"t1"}));

  // Again, later: snoozed_from keeps the first date; the same date again changes nothing.
  snoozed = store_->SnoozeTask(kTenant, "t1", kDay3);
  ASSERT_TRUE(snoozed.ok()) << snoozed.status();
  EXPECT_EQ(snoozed->snoozed_from(), kDay1);
  auto same = store_->SnoozeTask(kTenant, "t1", kDay3);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->SerializeAsString(), snoozed->SerializeAsString());
  auto day3 = store_->GetPlan(kTenant, kDay3);
  ASSERT_TRUE(day3.ok() && day3->has_value());
  EXPECT_EQ(Ids(**day3), (std::vector<std::string>{"p1", "t1"}));
  auto day2_after = store_->ListTasks(kTenant, {kDay2, v1::TASK_STATUS_UNSPECIFIED, ""}, "", 10);
  ASSERT_TRUE(day2_after.ok());
  EXPECT_TRUE(day2_after->tasks.empty());

  Complete("t2", v1::REPLIED);
  auto done = store_->SnoozeTask(kTenant, "t2", kDay3);
  EXPECT_EQ(done.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(done.status().message(), "task t2 is DONE");
  EXPECT_EQ(store_->SnoozeTask(kTenant, "ghost", kDay3).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OutreachStoreTest, RefreshCardAndCancelTouchOnlyTheMembersOpenTask) {
  Plan(kDay1, {Pick("t1", "m1"), Pick("t2", "m2")});
  v1::ContactCard card;
  card.set_member_id("m1");
  card.set_name("New Name");
  card.set_stage("LEAD");
  auto refreshed = store_->RefreshContactCard(kTenant, card);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_EQ(*refreshed, 1);
  EXPECT_EQ(Task("t1").contact().name(), "New Name");
  EXPECT_EQ(Task("t1").contact().stage(), "LEAD");
  EXPECT_EQ(Task("t2").contact().name(), "Name of m2");
  card.set_member_id("m9");
  refreshed = store_->RefreshContactCard(kTenant, card);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(*refreshed, 0);
  card.clear_member_id();
  EXPECT_EQ(store_->RefreshContactCard(kTenant, card).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto cancelled = store_->CancelOpenTasks(kTenant, "m1", "the contact opted out", Tick());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(*cancelled, 1);
  v1::Task task = Task("t1");
  EXPECT_EQ(task.status(), v1::CANCELLED);
  EXPECT_EQ(task.cancel_reason(), "the contact opted out");
  EXPECT_EQ(OpenMembers(), (std::set<std::string>{"m2"}));
  cancelled = store_->CancelOpenTasks(kTenant, "m1", "again", Tick());
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(*cancelled, 0);
  card.set_member_id("m1");
  refreshed = store_->RefreshContactCard(kTenant, card);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(*refreshed, 0);

  Completion completion;
  completion.task_id = "t1";
  completion.outcome = v1::REPLIED;
  completion.local_date = kDay1;
  auto complete = store_->CompleteTask(NewMutation(), completion);
  EXPECT_EQ(complete.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(complete.status().message(), "task t1 is CANCELLED");
}

TEST_F(OutreachStoreTest, ListTasksPagesByPositionAndFilters) {
  ASSERT_TRUE(store_->CreateCampaign(NewMutation(), NewCampaign("c1")).ok());
  Plan(kDay1, {Pick("t1", "m1", "c1"), Pick("t2", "m2"), Pick("t3", "m3", "c1"), Pick("t4", "m4"),
               Pick("t5", "m5", "c1")});
  Complete("t2", v1::REPLIED);
  Complete("t3", v1::REPLIED);

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store_->ListTasks(kTenant, {kDay1, v1::TASK_STATUS_UNSPECIFIED, ""}, cursor, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& task : page->tasks) seen.push_back(task.id());
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"t1", "t2", "t3", "t4", "t5"}));
  EXPECT_EQ(pages, 3);

  auto open = store_->ListTasks(kTenant, {kDay1, v1::OPEN, ""}, "", 10);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(Ids(open->tasks), (std::vector<std::string>{"t1", "t4", "t5"}));
  EXPECT_EQ(open->next_cursor, "");
  auto open_in_campaign = store_->ListTasks(kTenant, {kDay1, v1::OPEN, "c1"}, "", 10);
  ASSERT_TRUE(open_in_campaign.ok());
  EXPECT_EQ(Ids(open_in_campaign->tasks), (std::vector<std::string>{"t1", "t5"}));

  // By campaign: newest first (equal creation times by id, descending), paged.
  auto first = store_->ListTasks(kTenant, {"", v1::TASK_STATUS_UNSPECIFIED, "c1"}, "", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Ids(first->tasks), (std::vector<std::string>{"t5", "t3"}));
  ASSERT_FALSE(first->next_cursor.empty());
  auto rest =
      store_->ListTasks(kTenant, {"", v1::TASK_STATUS_UNSPECIFIED, "c1"}, first->next_cursor, 2);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(Ids(rest->tasks), (std::vector<std::string>{"t1"}));
  EXPECT_EQ(rest->next_cursor, "");
  auto done_in_campaign = store_->ListTasks(kTenant, {"", v1::DONE, "c1"}, "", 10);
  ASSERT_TRUE(done_in_campaign.ok());
  EXPECT_EQ(Ids(done_in_campaign->tasks), (std::vector<std::string>{"t3"}));

  EXPECT_EQ(store_->ListTasks(kTenant, {kDay1, v1::OPEN, ""}, "garbage", 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListTasks(kTenant, {"", v1::OPEN, "c1"}, "garbage", 10).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OutreachStoreTest, CampaignsAreCreatedListedPausedAndCounted) {
  v1::Campaign campaign = NewCampaign("c1");
  campaign.set_end_date(kDay3);
  auto created = store_->CreateCampaign(NewMutation("req-c", "fp-c"), campaign);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id(), "c1");
  EXPECT_EQ(created->tenant(), kTenant);
  EXPECT_EQ(created->name(), "Invite c1");
  EXPECT_EQ(created->end_date(), kDay3);
  EXPECT_EQ(created->origin(), v1::OPERATOR);
  EXPECT_FALSE(created->paused());
  EXPECT_EQ(created->tasks_planned(), 0);
  EXPECT_EQ(api::TimestampToMillis(created->created_at()), absl::ToUnixMillis(now_));
  ASSERT_EQ(created->segment().tags_size(), 1);

  auto replayed = store_->CreateCampaign(NewMutation("req-c", "fp-c"), campaign);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->SerializeAsString(), created->SerializeAsString());
  EXPECT_EQ(store_->CreateCampaign(NewMutation("req-c", "fp-other"), campaign).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateCampaign(NewMutation(), campaign).status().code(),
            absl::StatusCode::kAlreadyExists);

  ASSERT_TRUE(store_->CreateCampaign(NewMutation(), NewCampaign("c2")).ok());
  ASSERT_TRUE(store_->CreateCampaign(NewMutation(), NewCampaign("c3")).ok());

  Plan(kDay1, {Pick("t1", "m1", "c1"), Pick("t2", "m2", "c1"), Pick("t3", "m3", "c3")});
  auto read = store_->GetCampaign(kTenant, "c1");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->tasks_planned(), 2);
  EXPECT_EQ(read->name(), "Invite c1");

  auto paused = store_->SetCampaignPaused(kTenant, "c2", true);
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_TRUE(paused->paused());
  paused = store_->SetCampaignPaused(kTenant, "c2", true);
  ASSERT_TRUE(paused.ok());
  EXPECT_TRUE(paused->paused());
  auto unpaused = store_->ListUnpausedCampaigns(kTenant);
  ASSERT_TRUE(unpaused.ok()) << unpaused.status();
  ASSERT_EQ(unpaused->size(), 2u);
  EXPECT_EQ((*unpaused)[0].id(), "c1");  // oldest first
  EXPECT_EQ((*unpaused)[1].id(), "c3");
  EXPECT_EQ((*unpaused)[1].tasks_planned(), 1);

  auto page = store_->ListCampaigns(kTenant, "", 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->campaigns.size(), 2u);
  EXPECT_EQ(page->campaigns[0].id(), "c3");
  EXPECT_EQ(page->campaigns[1].id(), "c2");
  EXPECT_TRUE(page->campaigns[1].paused());
  ASSERT_FALSE(page->next_cursor.empty());
  auto last = store_->ListCampaigns(kTenant, page->next_cursor, 2);
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->campaigns.size(), 1u);
  EXPECT_EQ(last->campaigns[0].id(), "c1");
  EXPECT_EQ(last->next_cursor, "");

  auto resumed = store_->SetCampaignPaused(kTenant, "c2", false);
  ASSERT_TRUE(resumed.ok());
  EXPECT_FALSE(resumed->paused());
  std::vector<std::string> types;
  for (Entry& event : Stream("events")) types.push_back(event["type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"campaign.created", "campaign.created", "campaign.created",
                                      "plan.generated", "campaign.paused", "campaign.resumed"}));

  EXPECT_EQ(store_->GetCampaign(kTenant, "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetCampaign(kTenant, "nope").status().message(), "campaign nope");
  EXPECT_EQ(store_->SetCampaignPaused(kTenant, "nope", true).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->ListCampaigns(kTenant, "bad", 2).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OutreachStoreTest, NewCohortCampaignIsCreatedOncePerBatch) {
  auto first = store_->CreateCampaign(NewMutation(), NewCampaign("a1", v1::NEW_COHORT, "deep.2"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->origin(), v1::NEW_COHORT);
  auto second = store_->CreateCampaign(NewMutation(), NewCampaign("a2", v1::NEW_COHORT, "deep.2"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id(), "a1");
  EXPECT_EQ(store_->GetCampaign(kTenant, "a2").status().code(), absl::StatusCode::kNotFound);
  auto other = store_->CreateCampaign(NewMutation(), NewCampaign("a3", v1::NEW_COHORT, "deep.3"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->id(), "a3");
  // An operator campaign for the same batch is not deduplicated.
  auto manual = store_->CreateCampaign(NewMutation(), NewCampaign("o1", v1::OPERATOR, "deep.2"));
  ASSERT_TRUE(manual.ok());
  EXPECT_EQ(manual->id(), "o1");
}

TEST_F(OutreachStoreTest, FunnelDaysAnswerZerosForQuietDays) {
  auto days = store_->GetFunnelDays(kTenant, "all", {kDay1, kDay2});
  ASSERT_TRUE(days.ok()) << days.status();
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].contacted(), 0);
  auto none = store_->GetFunnelDays(kTenant, "all", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  Plan(kDay1, {Pick("t1", "m1")});
  Complete("t1", v1::REPLIED, kDay2);
  days = store_->GetFunnelDays(kTenant, "all", {kDay1, kDay2, kDay3});
  ASSERT_TRUE(days.ok());
  EXPECT_EQ((*days)[0].contacted(), 0);
  EXPECT_EQ((*days)[1].contacted(), 1);
  EXPECT_EQ((*days)[1].replied(), 1);
  EXPECT_EQ((*days)[2].contacted(), 0);
}

TEST_F(OutreachStoreTest, DeadLettersAreDedupedListedAndReplayed) {
  ASSERT_TRUE(store_->RecordHandlerError(kTenant, "jobs", "1-1", "first failure").ok());
  ASSERT_TRUE(store_->RecordHandlerError(kTenant, "jobs", "1-1", "cohort: unavailable").ok());
  v1::DeadLetter letter;
  letter.set_source("jobs");
  letter.set_source_entry_id("1-1");
  letter.set_type("task.effects");
  (*letter.mutable_fields())["type"] = "task.effects";
  (*letter.mutable_fields())["task_id"] = "t1";
  letter.set_attempts(5);
  const absl::Time dead_at = Tick();
  auto id = store_->AddDeadLetter(kTenant, dead_at, letter);
  ASSERT_TRUE(id.ok()) << id.status();
  auto again = store_->AddDeadLetter(kTenant, Tick(), letter);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *id);
  auto count = store_->CountDeadLetters(kTenant);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);

  for (int i = 2; i <= 3; ++i) {
    v1::DeadLetter other;
    other.set_source("cohort-events");
    other.set_source_entry_id(absl::StrCat(i, "-0"));
    other.set_type("cohort.opened");
    other.set_error(absl::StrCat("boom ", i));
    other.set_attempts(5);
    ASSERT_TRUE(store_->AddDeadLetter(kTenant, Tick(), other).ok());
  }

  auto page = store_->ListDeadLetters(kTenant, "", 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->dead_letters.size(), 2u);
  const v1::DeadLetter& first = page->dead_letters[0];
  EXPECT_EQ(first.id(), *id);
  EXPECT_EQ(first.source(), "jobs");
  EXPECT_EQ(first.source_entry_id(), "1-1");
  EXPECT_EQ(first.type(), "task.effects");
  EXPECT_EQ(first.error(), "cohort: unavailable");  // the recorded last handler error
  EXPECT_EQ(first.attempts(), 5);
  EXPECT_EQ(first.fields().at("task_id"), "t1");
  EXPECT_EQ(first.fields().size(), 2u);
  EXPECT_EQ(api::TimestampToMillis(first.dead_at()), absl::ToUnixMillis(dead_at));
  EXPECT_EQ(page->dead_letters[1].error(), "boom 2");
  ASSERT_FALSE(page->next_cursor.empty());
  auto rest = store_->ListDeadLetters(kTenant, page->next_cursor, 2);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->dead_letters.size(), 1u);
  EXPECT_EQ(rest->dead_letters[0].source_entry_id(), "3-0");
  EXPECT_EQ(rest->next_cursor, "");
  EXPECT_EQ(store_->ListDeadLetters(kTenant, "junk", 2).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto job = store_->ReplayDeadLetter(NewMutation("replay-1", "fp-r"), *id);
  ASSERT_TRUE(job.ok()) << job.status();
  std::vector<Entry> jobs = Stream("jobs");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["#id"], *job);
  EXPECT_EQ(jobs[0]["type"], "replay");
  EXPECT_EQ(jobs[0]["source"], "jobs");
  EXPECT_EQ(jobs[0]["source_entry_id"], "1-1");
  EXPECT_EQ(jobs[0]["entry_type"], "task.effects");
  EXPECT_EQ(jobs[0]["fields"], R"({"task_id":"t1","type":"task.effects"})");
  count = store_->CountDeadLetters(kTenant);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);

  auto replayed = store_->ReplayDeadLetter(NewMutation("replay-1", "fp-r"), *id);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(*replayed, *job);
  EXPECT_EQ(Stream("jobs").size(), 1u);
  auto gone = store_->ReplayDeadLetter(NewMutation(), *id);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), absl::StrCat("dead letter ", *id));
  EXPECT_EQ(store_->ReplayDeadLetter(NewMutation(), "not-an-id").status().code(),
            absl::StatusCode::kNotFound);

  // Dead again after the replay: a new letter (the index no longer holds the old one).
  letter.set_error("still failing");
  auto second_death = store_->AddDeadLetter(kTenant, Tick(), letter);
  ASSERT_TRUE(second_death.ok()) << second_death.status();
  EXPECT_NE(*second_death, *id);
}

TEST_F(OutreachStoreTest, RedisDownIsUnavailableAndScriptsReloadAfterARestart) {
  Plan(kDay1, {Pick("t1", "m1")});
  server_->Stop();
  EXPECT_EQ(store_->GetTask(kTenant, "t1").status().code(), absl::StatusCode::kUnavailable);
  Completion completion;
  completion.task_id = "t1";
  completion.outcome = v1::REPLIED;
  completion.local_date = kDay1;
  EXPECT_EQ(store_->CompleteTask(NewMutation(), completion).status().code(),
            absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Start().ok());

  // The restarted server replays its AOF but knows no scripts: EVALSHA reloads them. The client
  // may still be backing off from the outage, so retry until a deadline.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  absl::StatusOr<v1::Task> done = absl::UnavailableError("not tried");
  const Mutation mutation = NewMutation();
  while (absl::Now() < deadline) {
    done = store_->CompleteTask(mutation, completion);
    if (done.status().code() != absl::StatusCode::kUnavailable) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status(), v1::DONE);
  EXPECT_EQ(Funnel("all", kDay1).contacted(), 1);
}

TEST_F(OutreachStoreTest, CreatePlanNeedsADate) {
  EXPECT_EQ(store_->CreatePlan(kTenant, Tick(), Draft("", {Pick("t1", "m1")})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OutreachStoreTest, TenantsAreIsolated) {
  Plan(kDay1, {Pick("t1", "m1")});
  EXPECT_EQ(store_->GetTask("other", "t1").status().code(), absl::StatusCode::kNotFound);
  auto plan = store_->GetPlan("other", kDay1);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->has_value());
  auto members = store_->OpenTaskMembers("other");
  ASSERT_TRUE(members.ok());
  EXPECT_TRUE(members->empty());
}

}  // namespace
}  // namespace dunbar::outreach
