// Policies (defaults, normalization, validation naming the field, the target programme checked in
// cohort) and campaigns (create, get, list newest first, pause/resume, derived state, request-id
// replay) through the real outreach server, with cohort and membership running beside it.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "tests/support/outreach_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::ElementsAre;

// Monday 2 March 2026, 09:00 UTC: a fixed, active weekday for every test.
const absl::Time kMonday9am =
    absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone());

std::string AddDays(const std::string& date, int days) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(date, &day)) << date;
  return absl::FormatCivilTime(day + days);
}

class PolicyCampaignTest : public OutreachIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    OutreachFixtureOptions options;
    options.start_time = kMonday9am;
    // No worker: these tests need none, and none should touch campaigns behind their back.
    options.outreach.run_worker = false;
    StartSuiteFixture(std::move(options));
  }

  grpc::Status Create(const ov1::Campaign& campaign, ov1::Campaign* out,
                      const std::string& request_id) {
    return CreateCampaign(fixture(), campaign, out, Caller::kAcme, request_id);
  }
  grpc::Status Get(const std::string& id, ov1::Campaign* out, Caller caller = Caller::kAcme) {
    ov1::GetCampaignRequest r;
    r.set_campaign_id(id);
    if (caller == Caller::kService) r.set_tenant("acme");
    return stub().GetCampaign(Ctx(caller).get(), r, out);
  }
  grpc::Status Pause(const std::string& id, ov1::Campaign* out) {
    ov1::PauseCampaignRequest r;
    r.set_campaign_id(id);
    return stub().PauseCampaign(Ctx().get(), r, out);
  }
  grpc::Status Resume(const std::string& id, ov1::Campaign* out) {
    ov1::ResumeCampaignRequest r;
    r.set_campaign_id(id);
    return stub().ResumeCampaign(Ctx().get(), r, out);
  }
};

// ---- Policy ----

TEST_F(PolicyCampaignTest, GetPolicyAnswersTheDefaultsWhenNoneWasSet) {
  ov1::Policy policy;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &policy));
  EXPECT_TRUE(policy.is_default());
  EXPECT_EQ(policy.tenant(), "acme");
  EXPECT_EQ(policy.daily_quota(), 5);
  EXPECT_THAT(policy.active_weekdays(),
              ElementsAre(ov1::MONDAY, ov1::TUESDAY, ov1::WEDNESDAY, ov1::THURSDAY, ov1::FRIDAY));
  EXPECT_EQ(policy.cooldown_days(), 14);
  EXPECT_EQ(policy.timezone(), "UTC");
  EXPECT_EQ(policy.target_program_id(), "");
  EXPECT_FALSE(policy.auto_campaign_on_new_cohort());
  EXPECT_EQ(policy.auto_campaign_pace(), 2);
  EXPECT_EQ(policy.follow_up_days(), 3);
  EXPECT_FALSE(policy.has_updated_at());

  // A service caller naming acme sees the same.
  ov1::Policy as_service;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &as_service, Caller::kService));
  EXPECT_THAT(as_service, EqualsProto(policy));
}

TEST_F(PolicyCampaignTest, SetPolicyFillsDefaultsNormalizesAndIsReadBack) {
  ov1::Policy wanted =
      PolicySpec(7, "Asia/Shanghai", "", {ov1::FRIDAY, ov1::MONDAY, ov1::MONDAY, ov1::WEDNESDAY});
  wanted.set_auto_campaign_on_new_cohort(true);
  wanted.set_tenant("ignored");
  wanted.set_is_default(true);  // output only: ignored
  ov1::Policy stored;
  ASSERT_GRPC_OK(SetPolicy(fixture(), wanted, &stored));
  EXPECT_FALSE(stored.is_default());
  EXPECT_EQ(stored.tenant(), "acme");
  EXPECT_EQ(stored.daily_quota(), 7);
  EXPECT_THAT(stored.active_weekdays(), ElementsAre(ov1::MONDAY, ov1::WEDNESDAY, ov1::FRIDAY));
  EXPECT_EQ(stored.cooldown_days(), 14);
  EXPECT_EQ(stored.timezone(), "Asia/Shanghai");
  EXPECT_TRUE(stored.auto_campaign_on_new_cohort());
  EXPECT_EQ(stored.auto_campaign_pace(), 2);
  EXPECT_EQ(stored.follow_up_days(), 3);
  const absl::Time updated = FromProto(stored.updated_at());
  EXPECT_GE(updated, kMonday9am);
  EXPECT_LE(updated, fixture().Now());

  ov1::Policy read;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &read));
  EXPECT_THAT(read, EqualsProto(stored));
  // Other tenants keep their defaults.
  ov1::Policy globex;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &globex, Caller::kGlobex));
  EXPECT_TRUE(globex.is_default());
  EXPECT_EQ(globex.daily_quota(), 5);
}

TEST_F(PolicyCampaignTest, SetPolicyReplacesTheWholePolicy) {
  ov1::Policy first = PolicySpec(9, "Europe/Berlin");
  first.set_cooldown_days(30);
  first.set_follow_up_days(10);
  MustSetPolicy(fixture(), first);
  fixture().AdvanceDays(1);
  ov1::Policy second;
  ASSERT_GRPC_OK(SetPolicy(fixture(), PolicySpec(3), &second));
  EXPECT_EQ(second.daily_quota(), 3);
  EXPECT_EQ(second.cooldown_days(), 14) << "unset fields take their defaults, not the old values";
  EXPECT_EQ(second.follow_up_days(), 3);
  EXPECT_EQ(second.timezone(), "UTC");
  EXPECT_GE(FromProto(second.updated_at()), kMonday9am + absl::Hours(24));
  // The same policy again is the same policy (naturally idempotent), with a new updated_at.
  ov1::Policy again;
  ASSERT_GRPC_OK(SetPolicy(fixture(), PolicySpec(3), &again));
  again.clear_updated_at();
  second.clear_updated_at();
  EXPECT_THAT(again, EqualsProto(second));
}

TEST_F(PolicyCampaignTest, SetPolicyRejectsBadFieldsNamingThemAndStoresNothing) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  struct Case {
    std::string label;
    ov1::Policy policy;
    Code code;
    std::string field;
  };
  auto with = [](const std::function<void(ov1::Policy&)>& edit) {
    ov1::Policy p = PolicySpec(5);
    edit(p);
    return p;
  };
  const std::vector<Case> cases = {
      {"quota above 50", PolicySpec(51), Code::INVALID_ARGUMENT, "policy.daily_quota"},
      {"negative quota", PolicySpec(-1), Code::INVALID_ARGUMENT, "policy.daily_quota"},
      {"cooldown above 365", with([](ov1::Policy& p) { p.set_cooldown_days(366); }),
       Code::INVALID_ARGUMENT, "policy.cooldown_days"},
      {"follow-up above 60", with([](ov1::Policy& p) { p.set_follow_up_days(61); }),
       Code::INVALID_ARGUMENT, "policy.follow_up_days"},
      {"pace above 50", with([](ov1::Policy& p) { p.set_auto_campaign_pace(51); }),
       Code::INVALID_ARGUMENT, "policy.auto_campaign_pace"},
      {"weekday out of range",
       // Through the raw repeated field: proto3 enums are open, a client may send any number.
       with([](ov1::Policy& p) { p.mutable_active_weekdays()->Add(8); }), Code::INVALID_ARGUMENT,
       "policy.active_weekdays"},
      {"unknown timezone", PolicySpec(5, "Mars/Olympus_Mons"), Code::INVALID_ARGUMENT,
       "policy.timezone"},
      {"path as timezone", PolicySpec(5, "../../etc/passwd"), Code::INVALID_ARGUMENT,
       "policy.timezone"},
      {"malformed programme id", PolicySpec(5, "UTC", "not an id!"), Code::INVALID_ARGUMENT,
       "policy.target_program_id"},
      {"unknown programme", PolicySpec(5, "UTC", UnknownIdLike(program.id())), Code::NOT_FOUND,
       "policy.target_program_id"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(SetPolicy(fixture(), c.policy), HasCodeAndMessage(c.code, c.field)) << c.label;
  }
  // Another tenant's programme is unknown to acme.
  cv1::Program globex_program;
  ASSERT_GRPC_OK(
      CreateProgram(fixture(), 20, cv1::AUTO_OPEN_NEXT, &globex_program, Caller::kGlobex));
  EXPECT_THAT(SetPolicy(fixture(), PolicySpec(5, "UTC", globex_program.id())),
              HasCodeAndMessage(Code::NOT_FOUND, "policy.target_program_id"));

  ov1::Policy policy;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &policy));
  EXPECT_TRUE(policy.is_default()) << "a rejected policy must not be stored";
}

TEST_F(PolicyCampaignTest, TargetProgrammeIsCheckedInCohort) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  ov1::Policy stored;
  ASSERT_GRPC_OK(SetPolicy(fixture(), PolicySpec(5, "UTC", program.id()), &stored));
  EXPECT_EQ(stored.target_program_id(), program.id());

  // Cohort down: a policy naming a programme cannot be checked, so it is refused as UNAVAILABLE;
  // one without a target does not need cohort.
  fixture().StopCohort();
  EXPECT_THAT(SetPolicy(fixture(), PolicySpec(8, "UTC", program.id())), HasCode(Code::UNAVAILABLE));
  ov1::Policy unchanged;
  ASSERT_GRPC_OK(GetPolicy(fixture(), &unchanged));
  EXPECT_THAT(unchanged, EqualsProto(stored));
  ov1::Policy without_target;
  ASSERT_GRPC_OK(SetPolicy(fixture(), PolicySpec(8), &without_target));
  EXPECT_EQ(without_target.daily_quota(), 8);
  ASSERT_TRUE(fixture().StartCohort().ok());
  ASSERT_GRPC_OK(SetPolicy(fixture(), PolicySpec(8, "UTC", program.id())));
}

// ---- Campaigns ----

TEST_F(PolicyCampaignTest, CreateCampaignAppliesDefaultsAndIsReadBack) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  ov1::Campaign spec = CampaignSpec("Spring invite", program.id(), 0);
  spec.mutable_segment()->add_tags("vip");
  spec.mutable_segment()->add_tags("alumni");
  spec.mutable_segment()->add_tags("vip");
  spec.mutable_segment()->add_stages("MEMBER");
  spec.mutable_segment()->add_stages("LEAD");
  // Output-only fields are ignored.
  spec.set_id("chosen-by-client");
  spec.set_paused(true);
  spec.set_tasks_planned(99);
  spec.set_origin(ov1::NEW_COHORT);
  ov1::Campaign created;
  ASSERT_GRPC_OK(Create(spec, &created, NewRequestId()));
  EXPECT_FALSE(created.id().empty());
  EXPECT_NE(created.id(), "chosen-by-client");
  EXPECT_EQ(created.tenant(), "acme");
  EXPECT_EQ(created.name(), "Spring invite");
  EXPECT_EQ(created.target_program_id(), program.id());
  EXPECT_EQ(created.target_cohort_id(), "");
  EXPECT_THAT(created.segment().tags(), ElementsAre("alumni", "vip"));
  EXPECT_THAT(created.segment().stages(), ElementsAre("LEAD", "MEMBER"));
  EXPECT_EQ(created.daily_pace(), 2);
  EXPECT_EQ(created.start_date(), "2026-03-02");
  EXPECT_EQ(created.end_date(), "");
  EXPECT_EQ(created.state(), ov1::ACTIVE);
  EXPECT_EQ(created.origin(), ov1::OPERATOR);
  EXPECT_FALSE(created.paused());
  EXPECT_EQ(created.tasks_planned(), 0);
  EXPECT_GE(FromProto(created.created_at()), kMonday9am);

  ov1::Campaign read;
  ASSERT_GRPC_OK(Get(created.id(), &read));
  EXPECT_THAT(read, EqualsProto(created));
  ov1::Campaign as_service;
  ASSERT_GRPC_OK(Get(created.id(), &as_service, Caller::kService));
  EXPECT_THAT(as_service, EqualsProto(created));
  EXPECT_THAT(Get(UnknownIdLike(created.id()), &read),
              HasCodeAndMessage(Code::NOT_FOUND, "campaign "));
}

TEST_F(PolicyCampaignTest, CampaignStateFollowsItsDatesInThePolicyTimezone) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  // 09:00 UTC Monday is 17:00 in Shanghai: still Monday there.
  MustSetPolicy(fixture(), PolicySpec(5, "Asia/Shanghai"));
  ov1::Campaign later_spec = CampaignSpec("Later", program.id());
  later_spec.set_start_date("2026-03-04");
  ov1::Campaign later;
  ASSERT_GRPC_OK(Create(later_spec, &later, NewRequestId()));
  EXPECT_EQ(later.state(), ov1::SCHEDULED);
  ov1::Campaign short_spec = CampaignSpec("Two days", program.id());
  short_spec.set_end_date("2026-03-03");
  ov1::Campaign two_days;
  ASSERT_GRPC_OK(Create(short_spec, &two_days, NewRequestId()));
  EXPECT_EQ(two_days.start_date(), "2026-03-02");
  EXPECT_EQ(two_days.state(), ov1::ACTIVE);

  // Tuesday 16:30 UTC is Wednesday 00:30 in Shanghai: "Later" starts, "Two days" has ended.
  fixture().SetNow(kMonday9am + absl::Hours(31) + absl::Minutes(30));
  ov1::Campaign read;
  ASSERT_GRPC_OK(Get(later.id(), &read));
  EXPECT_EQ(read.state(), ov1::ACTIVE);
  ASSERT_GRPC_OK(Get(two_days.id(), &read));
  EXPECT_EQ(read.state(), ov1::ENDED);
  // An ended campaign stays ENDED when paused (the dates win).
  ASSERT_GRPC_OK(Pause(two_days.id(), &read));
  EXPECT_TRUE(read.paused());
  EXPECT_EQ(read.state(), ov1::ENDED);
}

TEST_F(PolicyCampaignTest, CreateCampaignRejectsBadFieldsNamingThem) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  const cv1::Program other = MustCreateProgram(fixture(), 20);
  struct Case {
    std::string label;
    ov1::Campaign campaign;
    Code code;
    std::string field;
  };
  auto with = [&](const std::function<void(ov1::Campaign&)>& edit) {
    ov1::Campaign c = CampaignSpec("Invite", program.id());
    edit(c);
    return c;
  };
  const std::vector<Case> cases = {
      {"no name", with([](ov1::Campaign& c) { c.set_name(""); }), Code::INVALID_ARGUMENT,
       "campaign.name"},
      {"no programme", with([](ov1::Campaign& c) { c.set_target_program_id(""); }),
       Code::INVALID_ARGUMENT, "campaign.target_program_id"},
      {"unknown programme",
       with([&](ov1::Campaign& c) { c.set_target_program_id(UnknownIdLike(program.id())); }),
       Code::NOT_FOUND, "campaign.target_program_id"},
      {"batch of another programme",
       with([&](ov1::Campaign& c) { c.set_target_cohort_id(CohortId(other.id(), 1)); }),
       Code::INVALID_ARGUMENT, "campaign.target_cohort_id"},
      {"unknown batch",
       with([&](ov1::Campaign& c) { c.set_target_cohort_id(CohortId(program.id(), 9)); }),
       Code::NOT_FOUND, "campaign.target_cohort_id"},
      {"pace above 50", with([](ov1::Campaign& c) { c.set_daily_pace(51); }),
       Code::INVALID_ARGUMENT, "campaign.daily_pace"},
      {"bad start date", with([](ov1::Campaign& c) { c.set_start_date("2026-13-01"); }),
       Code::INVALID_ARGUMENT, "campaign.start_date"},
      {"bad end date", with([](ov1::Campaign& c) { c.set_end_date("tomorrow"); }),
       Code::INVALID_ARGUMENT, "campaign.end_date"},
      {"end before start", with([](ov1::Campaign& c) {
         c.set_start_date("2026-03-10");
         c.set_end_date("2026-03-09");
       }),
       Code::INVALID_ARGUMENT, "campaign.end_date"},
      {"unknown stage", with([](ov1::Campaign& c) { c.mutable_segment()->add_stages("VIP"); }),
       Code::INVALID_ARGUMENT, "campaign.segment.stages[0]"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Create(c.campaign, nullptr, NewRequestId()), HasCodeAndMessage(c.code, c.field))
        << c.label;
  }
  EXPECT_THAT(Create(CampaignSpec("Invite", program.id()), nullptr, ""),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "request_id"));
  // A batch that exists is a fine target.
  ov1::Campaign batch_spec = CampaignSpec("Batch 1", program.id());
  batch_spec.set_target_cohort_id(CohortId(program.id(), 1));
  ov1::Campaign batch;
  ASSERT_GRPC_OK(Create(batch_spec, &batch, NewRequestId()));
  EXPECT_EQ(batch.target_cohort_id(), CohortId(program.id(), 1));

  auto listed = ListAllCampaigns(fixture());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u) << "rejected campaigns must not be stored";
  EXPECT_EQ((*listed)[0].id(), batch.id());
}

TEST_F(PolicyCampaignTest, CreateCampaignNeedsCohortToCheckTheTarget) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  fixture().StopCohort();
  EXPECT_THAT(Create(CampaignSpec("Invite", program.id()), nullptr, NewRequestId()),
              HasCode(Code::UNAVAILABLE));
  ASSERT_TRUE(fixture().StartCohort().ok());
  auto listed = ListAllCampaigns(fixture());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->empty());
}

TEST_F(PolicyCampaignTest, ListCampaignsIsNewestFirstAcrossPages) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ov1::Campaign created;
    ASSERT_GRPC_OK(
        Create(CampaignSpec(absl::StrCat("Invite ", i), program.id()), &created, NewRequestId()));
    ids.insert(ids.begin(), created.id());  // newest first
    fixture().Advance(absl::Minutes(1));
  }
  std::vector<std::string> listed;
  ov1::ListCampaignsRequest request;
  request.set_page_size(2);
  int pages = 0;
  do {
    ov1::ListCampaignsResponse response;
    ASSERT_GRPC_OK(stub().ListCampaigns(Ctx().get(), request, &response));
    ASSERT_LE(response.campaigns_size(), 2);
    for (const ov1::Campaign& c : response.campaigns()) listed.push_back(c.id());
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(listed, ids);
  EXPECT_EQ(pages, 3);

  request.set_page_size(501);
  request.clear_page_token();
  ov1::ListCampaignsResponse unused;
  EXPECT_THAT(stub().ListCampaigns(Ctx().get(), request, &unused),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_size"));
  request.set_page_size(2);
  request.set_page_token("garbage");
  EXPECT_THAT(stub().ListCampaigns(Ctx().get(), request, &unused),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_token"));
  // Globex sees none of them.
  auto globex = ListAllCampaigns(fixture(), 500, Caller::kGlobex);
  ASSERT_TRUE(globex.ok()) << globex.status();
  EXPECT_TRUE(globex->empty());
}

TEST_F(PolicyCampaignTest, PauseAndResumeAreIdempotent) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  const ov1::Campaign created = MustCreateCampaign(fixture(), CampaignSpec("Invite", program.id()));
  ov1::Campaign paused;
  ASSERT_GRPC_OK(Pause(created.id(), &paused));
  EXPECT_TRUE(paused.paused());
  EXPECT_EQ(paused.state(), ov1::PAUSED);
  ov1::Campaign paused_again;
  ASSERT_GRPC_OK(Pause(created.id(), &paused_again));
  EXPECT_THAT(paused_again, EqualsProto(paused));
  ov1::Campaign read;
  ASSERT_GRPC_OK(Get(created.id(), &read));
  EXPECT_THAT(read, EqualsProto(paused));

  ov1::Campaign resumed;
  ASSERT_GRPC_OK(Resume(created.id(), &resumed));
  EXPECT_FALSE(resumed.paused());
  EXPECT_EQ(resumed.state(), ov1::ACTIVE);
  ov1::Campaign resumed_again;
  ASSERT_GRPC_OK(Resume(created.id(), &resumed_again));
  EXPECT_THAT(resumed_again, EqualsProto(resumed));
  EXPECT_THAT(resumed, EqualsProto(created)) << "pause + resume is back where it started";

  const std::string unknown = UnknownIdLike(created.id());
  EXPECT_THAT(Pause(unknown, &read), HasCodeAndMessage(Code::NOT_FOUND, unknown));
  EXPECT_THAT(Resume(unknown, &read), HasCodeAndMessage(Code::NOT_FOUND, unknown));
  EXPECT_THAT(Pause("", &read), HasCodeAndMessage(Code::INVALID_ARGUMENT, "campaign_id"));
}

TEST_F(PolicyCampaignTest, CreateCampaignReplaysItsRequestId) {
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  const ov1::Campaign spec = CampaignSpec("Invite", program.id(), 4);
  const std::string request_id = NewRequestId();
  ov1::Campaign first;
  ASSERT_GRPC_OK(Create(spec, &first, request_id));
  ov1::Campaign second;
  ASSERT_GRPC_OK(Create(spec, &second, request_id));
  EXPECT_THAT(second, EqualsProto(first));

  // Also after the server restarts: the record lives in Redis.
  ASSERT_TRUE(fixture().RestartOutreach().ok());
  ov1::Campaign after_restart;
  ASSERT_GRPC_OK(Create(spec, &after_restart, request_id));
  EXPECT_EQ(after_restart.id(), first.id());

  // The same id for a different request is refused; a new id makes a new campaign.
  ov1::Campaign different = spec;
  different.set_name("Another invite");
  EXPECT_THAT(Create(different, nullptr, request_id),
              HasCodeAndMessage(Code::ALREADY_EXISTS, "request_id"));
  ov1::Campaign fresh;
  ASSERT_GRPC_OK(Create(spec, &fresh, NewRequestId()));
  EXPECT_NE(fresh.id(), first.id());

  auto listed = ListAllCampaigns(fixture());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  // Request ids are per tenant: globex may use the same one for its own campaign.
  cv1::Program globex_program;
  ASSERT_GRPC_OK(
      CreateProgram(fixture(), 20, cv1::AUTO_OPEN_NEXT, &globex_program, Caller::kGlobex));
  ov1::Campaign globex;
  ASSERT_GRPC_OK(CreateCampaign(fixture(), CampaignSpec("Invite", globex_program.id()), &globex,
                                Caller::kGlobex, request_id));
  EXPECT_NE(globex.id(), first.id());
  EXPECT_EQ(globex.tenant(), "globex");
}

TEST_F(PolicyCampaignTest, NextDayDatesUseThePolicyTimezone) {
  // Late Monday in UTC is already Tuesday in Shanghai: a campaign starting "today" starts Tuesday.
  fixture().SetNow(kMonday9am + absl::Hours(14));  // 23:00 UTC Monday
  MustSetPolicy(fixture(), PolicySpec(5, "Asia/Shanghai"));
  const cv1::Program program = MustCreateProgram(fixture(), 20);
  const ov1::Campaign created = MustCreateCampaign(fixture(), CampaignSpec("Invite", program.id()));
  EXPECT_EQ(created.start_date(), AddDays("2026-03-02", 1));
  EXPECT_EQ(fixture().Today("Asia/Shanghai"), "2026-03-03");
}

}  // namespace
}  // namespace dunbar::testing
