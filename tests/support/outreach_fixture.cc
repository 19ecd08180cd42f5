#include "tests/support/outreach_fixture.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/token_store.h"
#include "common/client/grpc_client.h"
#include "common/server/server_runner.h"
#include "tests/support/fixture_calls.h"

namespace dunbar::testing {
namespace {

// TSan slows everything 5-10x: deadlines and idle thresholds stretch with it.
absl::Duration Stretched(absl::Duration d) { return UnderThreadSanitizer() ? d * 6 : d; }

absl::Status WaitConnected(grpc::Channel& channel, const std::string& what) {
  if (channel.WaitForConnected(absl::ToChronoTime(absl::Now() + Stretched(absl::Seconds(10))))) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat("the ", what, " channel did not connect"));
}

// The cohort and outreach services accept exactly the tokens membership's fixture minted, so one
// token per caller works everywhere.
absl::StatusOr<std::shared_ptr<auth::TokenStore>> SharedTokenStore(const MembershipFixture& m) {
  return auth::TokenStore::FromText(
      absl::StrCat(auth::Sha256Hex(m.token(Caller::kAcme)), " operator acme\n",
                   auth::Sha256Hex(m.token(Caller::kGlobex)), " operator globex\n",
                   auth::Sha256Hex(m.token(Caller::kService)), " service *\n"));
}

absl::StatusOr<std::shared_ptr<redis::RedisClient>> ConnectRedis(const std::string& url,
                                                                 absl::Duration command_timeout,
                                                                 redis::RedisOptions* options) {
  options->url = url;
  options->command_timeout = command_timeout;
  return redis::RedisClient::Connect(*options);
}

}  // namespace

outreach::OutreachOptions TestOutreachOptions() {
  outreach::OutreachOptions options;
  options.run_worker = true;
  options.worker_threads = 1;
  options.worker.consumer = "fixture";
  options.worker.poll_interval = absl::Milliseconds(20);
  options.worker.min_idle_for_reclaim = Stretched(absl::Milliseconds(300));
  options.worker.tenant_refresh = absl::Milliseconds(100);
  options.domain.retry_backoff = absl::Milliseconds(10);
  // Under TSan membership and cohort answer slowly: their slowness must not read as UNAVAILABLE.
  options.domain.membership_timeout = Stretched(options.domain.membership_timeout);
  options.domain.cohort_timeout = Stretched(options.domain.cohort_timeout);
  return options;
}

// ---- OutreachFixture ----

absl::StatusOr<std::unique_ptr<OutreachFixture>> OutreachFixture::Start(
    OutreachFixtureOptions options) {
  std::unique_ptr<OutreachFixture> f(new OutreachFixture());
  f->options_ = options;
  if (options.start_time != absl::InfiniteFuture()) f->SetNow(options.start_time);

  options.membership.membership.clock = f->clock();
  auto membership = MembershipFixture::Start(options.membership);
  if (!membership.ok()) return membership.status();
  f->membership_ = std::move(*membership);
  auto tokens = SharedTokenStore(*f->membership_);
  if (!tokens.ok()) return tokens.status();
  f->tokens_ = *std::move(tokens);

  f->cohort_redis_process_ = std::make_unique<RedisServerProcess>(options.cohort_redis_args);
  if (absl::Status s = f->cohort_redis_process_->Start(); !s.ok()) return s;
  auto cohort_redis = ConnectRedis(f->cohort_redis_process_->url(), options.redis_command_timeout,
                                   &f->cohort_redis_options_);
  if (!cohort_redis.ok()) return cohort_redis.status();
  f->cohort_redis_ = *std::move(cohort_redis);

  f->outreach_redis_process_ = std::make_unique<RedisServerProcess>(options.outreach_redis_args);
  if (absl::Status s = f->outreach_redis_process_->Start(); !s.ok()) return s;
  auto outreach_redis = ConnectRedis(f->outreach_redis_process_->url(),
                                     options.redis_command_timeout, &f->outreach_redis_options_);
  if (!outreach_redis.ok()) return outreach_redis.status();
  f->outreach_redis_ = *std::move(outreach_redis);
  // Outreach's own client for membership's Redis (its event streams), as in production.
  redis::RedisOptions membership_events_options;
  auto membership_events = ConnectRedis(f->membership_->redis_process().url(),
                                        options.redis_command_timeout, &membership_events_options);
  if (!membership_events.ok()) return membership_events.status();
  f->membership_events_redis_ = *std::move(membership_events);
  f->worker_store_ =
      std::make_shared<outreach::OutreachStore>(f->outreach_redis_, options.outreach.store);

  if (absl::Status s = f->StartCohort(); !s.ok()) return s;
  f->cohort_channel_ = LoopbackChannel(f->cohort_port_);
  f->cohort_stub_ = cv1::CohortService::NewStub(f->cohort_channel_);

  f->outreach_options_ = options.outreach;
  if (absl::Status s = f->StartOutreach(); !s.ok()) return s;
  f->outreach_channel_ = LoopbackChannel(f->outreach_port_);
  f->outreach_stub_ = ov1::OutreachService::NewStub(f->outreach_channel_);
  return f;
}

OutreachFixture::~OutreachFixture() {
  // Callers before callees: outreach calls cohort and membership, cohort calls membership.
  outreach_stub_.reset();
  outreach_channel_.reset();
  StopOutreach();
  cohort_stub_.reset();
  cohort_channel_.reset();
  StopCohort();
  worker_store_.reset();
  membership_events_redis_.reset();
  outreach_redis_.reset();
  outreach_redis_process_.reset();
  cohort_redis_.reset();
  cohort_redis_process_.reset();
  membership_.reset();
}

std::unique_ptr<grpc::ClientContext> OutreachFixture::Context(Caller caller,
                                                              absl::Duration timeout) const {
  return client::NewCallContext(Stretched(timeout), token(caller));
}

outreach::WorkerDeps OutreachFixture::worker_deps() {
  outreach::WorkerDeps deps;
  deps.store = worker_store_;
  deps.outreach_redis = outreach_redis_;
  deps.cohort_events = cohort_redis_;
  deps.membership_events = membership_events_redis_;
  return deps;
}

// ---- Clock ----

std::function<absl::Time()> OutreachFixture::clock() const {
  return [offset = clock_offset_ns_] {
    return absl::Now() + absl::Nanoseconds(offset->load(std::memory_order_relaxed));
  };
}

absl::Time OutreachFixture::Now() const { return clock()(); }

void OutreachFixture::SetNow(absl::Time t) {
  clock_offset_ns_->store(absl::ToInt64Nanoseconds(t - absl::Now()), std::memory_order_relaxed);
}

void OutreachFixture::Advance(absl::Duration d) {
  clock_offset_ns_->fetch_add(absl::ToInt64Nanoseconds(d), std::memory_order_relaxed);
}

std::string OutreachFixture::Today(const std::string& timezone) const {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(timezone, &zone)) zone = absl::UTCTimeZone();
  return absl::FormatTime("%Y-%m-%d", Now(), zone);
}

// ---- Cohort ----

absl::Status OutreachFixture::StartCohort() {
  if (cohort_runner_ != nullptr) return absl::FailedPreconditionError("cohort is already running");
  cohort::CohortOptions options = options_.cohort;
  options.membership_token = token(Caller::kService);
  options.clock = clock();
  options.membership_timeout = Stretched(options.membership_timeout);
  auto cohort = cohort::CohortServer::Create(cohort_redis_, tokens_,
                                             LoopbackChannel(membership_->port()), options);
  if (!cohort.ok()) return cohort.status();
  cohort_ = std::move(*cohort);
  // cohort_port_ is 0 the first time (any free port), then the port clients already know.
  auto runner = StartTestServer(
      cohort_->service(), [c = cohort_.get()] { return c->Probe(); },
      options_.health_probe_interval, cohort_redis_options_, &cohort_port_);
  if (!runner.ok()) {
    cohort_.reset();
    return runner.status();
  }
  cohort_runner_ = *std::move(runner);
  if (cohort_channel_ != nullptr) return WaitConnected(*cohort_channel_, "cohort");
  return absl::OkStatus();
}

void OutreachFixture::StopCohort() {
  StopTestServer(cohort_runner_);
  cohort_.reset();
}

// ---- Outreach ----

outreach::OutreachOptions OutreachFixture::CompleteOutreachOptions(
    outreach::OutreachOptions options) const {
  options.domain.service_token = token(Caller::kService);
  options.domain.clock = clock();
  options.worker.clock = clock();
  if (outreach_generation_ > 0) {
    options.worker.consumer = absl::StrCat(options.worker.consumer, "-r", outreach_generation_);
  }
  return options;
}

absl::Status OutreachFixture::StartOutreach() {
  if (outreach_runner_ != nullptr) {
    return absl::FailedPreconditionError("outreach is already running");
  }
  outreach::OutreachRedis redis{outreach_redis_, cohort_redis_, membership_events_redis_};
  auto server = outreach::OutreachServer::Create(
      std::move(redis), tokens_, LoopbackChannel(membership_->port()),
      LoopbackChannel(cohort_port_), CompleteOutreachOptions(outreach_options_));
  if (!server.ok()) return server.status();
  outreach_ = std::move(*server);
  auto runner = StartTestServer(
      outreach_->service(), [o = outreach_.get()] { return o->Probe(); },
      options_.health_probe_interval, outreach_redis_options_, &outreach_port_,
      [o = outreach_.get()] { o->StopWorkers(); });
  if (!runner.ok()) {
    outreach_.reset();
    return runner.status();
  }
  outreach_runner_ = *std::move(runner);
  if (outreach_channel_ != nullptr) return WaitConnected(*outreach_channel_, "outreach");
  return absl::OkStatus();
}

void OutreachFixture::StopOutreach() {
  StopTestServer(outreach_runner_);
  outreach_.reset();
}

absl::Status OutreachFixture::RestartOutreach(std::optional<outreach::OutreachOptions> options) {
  StopOutreach();
  if (options.has_value()) outreach_options_ = *std::move(options);
  ++outreach_generation_;
  return StartOutreach();
}

// ---- Between tests ----

absl::Status OutreachFixture::FlushAll() {
  if (absl::Status s = membership_->FlushRedis(); !s.ok()) return s;
  if (absl::Status s = cohort_redis_->Command({"FLUSHALL"}).status(); !s.ok()) return s;
  return outreach_redis_->Command({"FLUSHALL"}).status();
}

absl::Status OutreachFixture::Reset() {
  // The worker goes first so that it sees no half-flushed state; it restarts on empty Redis.
  StopOutreach();
  if (!membership_->membership_running()) {
    if (absl::Status s = membership_->StartMembership(); !s.ok()) return s;
  }
  if (!cohort_running()) {
    if (absl::Status s = StartCohort(); !s.ok()) return s;
  }
  if (absl::Status s = FlushAll(); !s.ok()) return s;
  clock_offset_ns_->store(0, std::memory_order_relaxed);
  if (options_.start_time != absl::InfiniteFuture()) SetNow(options_.start_time);
  outreach_options_ = options_.outreach;
  ++outreach_generation_;
  return StartOutreach();
}

// ---- OutreachIntegrationTest ----

std::unique_ptr<OutreachFixture> OutreachIntegrationTest::shared_fixture_;

void OutreachIntegrationTest::StartSuiteFixture(OutreachFixtureOptions options) {
  auto fixture = OutreachFixture::Start(std::move(options));
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  shared_fixture_ = std::move(*fixture);
}

void OutreachIntegrationTest::TearDownTestSuite() { shared_fixture_.reset(); }

void OutreachIntegrationTest::SetUp() {
  ASSERT_NE(shared_fixture_, nullptr) << "the fixture did not start";
  absl::Status reset = shared_fixture_->Reset();
  ASSERT_TRUE(reset.ok()) << reset;
}

// ---- Waiting ----

absl::Status WaitFor(const std::function<bool()>& condition, const std::string& what,
                     absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + Stretched(timeout);
  while (!condition()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("timed out waiting for ", what));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::OkStatus();
}

// ---- Membership side ----

absl::StatusOr<std::vector<std::string>> MakeMembers(OutreachFixture& f, int n,
                                                     const MemberSpec& spec, Caller caller) {
  static std::atomic<int64_t> batch{0};
  const int64_t this_batch = batch.fetch_add(1);
  const std::string source = absl::StrCat("outreach-batch-", this_batch);
  std::vector<mv1::ImportRow> rows(n);
  for (int i = 0; i < n; ++i) {
    rows[i].set_name(absl::StrCat("Contact ", this_batch, "-", i));
    rows[i].set_email(absl::StrCat("c", this_batch, "-", i, "@example.com"));
    rows[i].set_source(source);
    for (const std::string& tag : spec.tags) rows[i].add_tags(tag);
    if (!spec.connection_point.empty()) {
      rows[i].mutable_connection_point()->set_description(spec.connection_point);
    }
  }
  mv1::ImportContactsResponse imported;
  grpc::Status status = Import(f.membership(), NewRequestId(), rows, &imported, caller);
  if (!status.ok()) return ToAbsl(status, "ImportContacts");
  if (imported.created() != n) {
    return absl::InternalError(
        absl::StrCat("ImportContacts created ", imported.created(), " members, wanted ", n));
  }
  mv1::ListMembersRequest request;
  request.set_source(source);
  auto members = ListAllMembers(f.membership(), request, 500, caller);
  if (!members.ok()) return members.status();
  std::map<std::string, std::string> id_by_email;
  for (const mv1::Member& m : *members) id_by_email[m.email()] = m.id();
  std::vector<std::string> ids;
  for (const mv1::ImportRow& row : rows) {
    auto it = id_by_email.find(row.email());
    if (it == id_by_email.end()) {
      return absl::InternalError(absl::StrCat("imported ", row.email(), " is not listed"));
    }
    ids.push_back(it->second);
  }

  // Member i's newest interaction is i * spacing before now: strictly warmest first.
  const absl::Time newest = f.Now() - absl::Seconds(1);
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mu;
  RunConcurrently(4, n * spec.interactions, [&](int item) {
    const int member = item / spec.interactions;
    const int k = item % spec.interactions;
    const absl::Time at = newest - spec.spacing * member - absl::Seconds(k);
    grpc::Status s = RecordInteraction(f, ids[member], spec.kind, at, caller);
    if (!s.ok() && failures.fetch_add(1) == 0) {
      std::lock_guard<std::mutex> lock(error_mu);
      first_error = absl::StrCat(ids[member], ": ", s.error_message(), " (code ",
                                 static_cast<int>(s.error_code()), ")");
    }
  });
  if (failures.load() > 0) {
    return absl::InternalError(
        absl::StrCat(failures.load(), " RecordInteraction calls failed, first ", first_error));
  }
  return ids;
}

absl::StatusOr<mv1::Member> GetMember(OutreachFixture& f, const std::string& member_id,
                                      Caller caller) {
  mv1::Member member;
  grpc::Status status = GetMember(f.membership(), member_id, &member, caller);
  if (!status.ok()) return ToAbsl(status, absl::StrCat("GetMember ", member_id));
  return member;
}

absl::StatusOr<std::vector<mv1::Interaction>> ListInteractions(OutreachFixture& f,
                                                               const std::string& member_id,
                                                               Caller caller) {
  std::vector<mv1::Interaction> all;
  mv1::ListInteractionsRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_member_id(member_id);
  request.set_page_size(500);
  for (int page = 0; page < 1000; ++page) {
    mv1::ListInteractionsResponse response;
    grpc::Status status =
        f.membership_stub().ListInteractions(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("ListInteractions page ", page));
    for (auto& i : *response.mutable_interactions()) all.push_back(std::move(i));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListInteractions never returned an empty next_page_token");
}

grpc::Status RecordInteraction(OutreachFixture& f, const std::string& member_id,
                               mv1::InteractionKind kind, std::optional<absl::Time> at,
                               Caller caller) {
  return RecordInteraction(f.membership(), member_id, kind, at.value_or(f.Now()), nullptr, caller);
}

grpc::Status SetDoNotContact(OutreachFixture& f, const std::string& member_id, bool value,
                             Caller caller) {
  return SetDoNotContact(f.membership(), member_id, value, caller);
}

// ---- Cohort side ----

grpc::Status CreateProgram(OutreachFixture& f, int capacity, cv1::RolloverPolicy policy,
                           cv1::Program* out, Caller caller, const std::string& name) {
  static std::atomic<int64_t> next{1};
  cv1::CreateProgramRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(NewRequestId());
  *request.mutable_program() = ProgramSpec(
      name.empty() ? absl::StrCat("Deep Work ", next.fetch_add(1)) : name, capacity, policy);
  cv1::Program ignored;
  return f.cohort_stub().CreateProgram(f.Context(caller).get(), request, out ? out : &ignored);
}

cv1::Program MustCreateProgram(OutreachFixture& f, int capacity, cv1::RolloverPolicy policy,
                               Caller caller, const std::string& name) {
  cv1::Program out;
  grpc::Status status = CreateProgram(f, capacity, policy, &out, caller, name);
  EXPECT_TRUE(status.ok()) << "CreateProgram(capacity " << capacity
                           << "): " << ::testing::PrintToString(status);
  return out;
}

grpc::Status EnrollInCohort(OutreachFixture& f, const std::string& program_id,
                            const std::string& member_id, cv1::EnrollResponse* out, Caller caller) {
  cv1::EnrollRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(NewRequestId());
  request.set_program_id(program_id);
  request.set_member_id(member_id);
  cv1::EnrollResponse ignored;
  return f.cohort_stub().Enroll(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status OpenNextCohort(OutreachFixture& f, const std::string& program_id,
                            cv1::OpenNextCohortResponse* out, Caller caller) {
  cv1::OpenNextCohortRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(NewRequestId());
  request.set_program_id(program_id);
  cv1::OpenNextCohortResponse ignored;
  return f.cohort_stub().OpenNextCohort(f.Context(caller).get(), request, out ? out : &ignored);
}

absl::StatusOr<std::vector<cv1::Enrollment>> ListMemberEnrollments(OutreachFixture& f,
                                                                   const std::string& member_id,
                                                                   Caller caller) {
  cv1::ListMemberEnrollmentsRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_member_id(member_id);
  cv1::ListMemberEnrollmentsResponse response;
  grpc::Status status =
      f.cohort_stub().ListMemberEnrollments(f.Context(caller).get(), request, &response);
  if (!status.ok()) return ToAbsl(status, absl::StrCat("ListMemberEnrollments ", member_id));
  return std::vector<cv1::Enrollment>(response.enrollments().begin(), response.enrollments().end());
}

absl::StatusOr<cv1::Program> GetProgram(OutreachFixture& f, const std::string& program_id,
                                        Caller caller) {
  cv1::GetProgramRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_program_id(program_id);
  cv1::Program program;
  grpc::Status status = f.cohort_stub().GetProgram(f.Context(caller).get(), request, &program);
  if (!status.ok()) return ToAbsl(status, absl::StrCat("GetProgram ", program_id));
  return program;
}

// ---- Outreach side ----

ov1::Policy PolicySpec(int daily_quota, const std::string& timezone,
                       const std::string& target_program_id, std::vector<ov1::Weekday> weekdays) {
  ov1::Policy policy;
  policy.set_daily_quota(daily_quota);
  policy.set_timezone(timezone);
  policy.set_target_program_id(target_program_id);
  for (ov1::Weekday day : weekdays) policy.add_active_weekdays(day);
  return policy;
}

grpc::Status SetPolicy(OutreachFixture& f, const ov1::Policy& policy, ov1::Policy* out,
                       Caller caller) {
  ov1::SetPolicyRequest request;
  request.set_tenant(TenantFor(caller));
  *request.mutable_policy() = policy;
  ov1::Policy ignored;
  return f.stub().SetPolicy(f.Context(caller).get(), request, out ? out : &ignored);
}

ov1::Policy MustSetPolicy(OutreachFixture& f, const ov1::Policy& policy, Caller caller) {
  ov1::Policy out;
  grpc::Status status = SetPolicy(f, policy, &out, caller);
  EXPECT_TRUE(status.ok()) << "SetPolicy(" << policy.ShortDebugString()
                           << "): " << ::testing::PrintToString(status);
  return out;
}

grpc::Status GetPolicy(OutreachFixture& f, ov1::Policy* out, Caller caller) {
  ov1::GetPolicyRequest request;
  request.set_tenant(TenantFor(caller));
  return f.stub().GetPolicy(f.Context(caller).get(), request, out);
}

grpc::Status GetDailyPlan(OutreachFixture& f, const std::string& date, ov1::DailyPlan* out,
                          Caller caller) {
  ov1::GetDailyPlanRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_date(date);
  ov1::DailyPlan ignored;
  return f.stub().GetDailyPlan(f.Context(caller).get(), request, out ? out : &ignored);
}

ov1::DailyPlan MustGetDailyPlan(OutreachFixture& f, const std::string& date, Caller caller) {
  ov1::DailyPlan plan;
  grpc::Status status = GetDailyPlan(f, date, &plan, caller);
  EXPECT_TRUE(status.ok()) << "GetDailyPlan(\"" << date
                           << "\"): " << ::testing::PrintToString(status);
  return plan;
}

grpc::Status GetTask(OutreachFixture& f, const std::string& task_id, ov1::Task* out,
                     Caller caller) {
  ov1::GetTaskRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_task_id(task_id);
  return f.stub().GetTask(f.Context(caller).get(), request, out);
}

grpc::Status CompleteTask(OutreachFixture& f, const std::string& task_id, ov1::Outcome outcome,
                          ov1::CompleteTaskResponse* out, Caller caller,
                          const std::optional<std::string>& request_id, const std::string& note) {
  ov1::CompleteTaskRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  request.set_task_id(task_id);
  request.set_outcome(outcome);
  request.set_note(note);
  ov1::CompleteTaskResponse ignored;
  return f.stub().CompleteTask(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status SnoozeTask(OutreachFixture& f, const std::string& task_id,
                        const std::string& until_date, ov1::Task* out, Caller caller) {
  ov1::SnoozeTaskRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_task_id(task_id);
  request.set_until_date(until_date);
  ov1::Task ignored;
  return f.stub().SnoozeTask(f.Context(caller).get(), request, out ? out : &ignored);
}

absl::StatusOr<std::vector<ov1::Task>> ListAllTasks(OutreachFixture& f,
                                                    ov1::ListTasksRequest request, int page_size,
                                                    Caller caller) {
  std::vector<ov1::Task> all;
  if (request.tenant().empty()) request.set_tenant(TenantFor(caller));
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    ov1::ListTasksResponse response;
    grpc::Status status = f.stub().ListTasks(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("ListTasks page ", page));
    if (response.tasks_size() > page_size) {
      return absl::InternalError(
          absl::StrCat("ListTasks returned ", response.tasks_size(), " for page_size ", page_size));
    }
    for (auto& t : *response.mutable_tasks()) all.push_back(std::move(t));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListTasks never returned an empty next_page_token");
}

ov1::Campaign CampaignSpec(const std::string& name, const std::string& program_id, int daily_pace) {
  ov1::Campaign campaign;
  campaign.set_name(name);
  campaign.set_target_program_id(program_id);
  campaign.set_daily_pace(daily_pace);
  return campaign;
}

grpc::Status CreateCampaign(OutreachFixture& f, const ov1::Campaign& campaign, ov1::Campaign* out,
                            Caller caller, const std::optional<std::string>& request_id) {
  ov1::CreateCampaignRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  *request.mutable_campaign() = campaign;
  ov1::Campaign ignored;
  return f.stub().CreateCampaign(f.Context(caller).get(), request, out ? out : &ignored);
}

ov1::Campaign MustCreateCampaign(OutreachFixture& f, const ov1::Campaign& campaign, Caller caller) {
  ov1::Campaign out;
  grpc::Status status = CreateCampaign(f, campaign, &out, caller);
  EXPECT_TRUE(status.ok()) << "CreateCampaign(" << campaign.ShortDebugString()
                           << "): " << ::testing::PrintToString(status);
  return out;
}

absl::StatusOr<std::vector<ov1::Campaign>> ListAllCampaigns(OutreachFixture& f, int page_size,
                                                            Caller caller) {
  std::vector<ov1::Campaign> all;
  ov1::ListCampaignsRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    ov1::ListCampaignsResponse response;
    grpc::Status status = f.stub().ListCampaigns(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("ListCampaigns page ", page));
    if (response.campaigns_size() > page_size) {
      return absl::InternalError(absl::StrCat("ListCampaigns returned ", response.campaigns_size(),
                                              " for page_size ", page_size));
    }
    for (auto& c : *response.mutable_campaigns()) all.push_back(std::move(c));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListCampaigns never returned an empty next_page_token");
}

grpc::Status GetFunnel(OutreachFixture& f, const ov1::GetFunnelRequest& request, ov1::Funnel* out,
                       Caller caller) {
  ov1::GetFunnelRequest copy = request;
  if (copy.tenant().empty()) copy.set_tenant(TenantFor(caller));
  return f.stub().GetFunnel(f.Context(caller).get(), copy, out);
}

grpc::Status GetWorkerStatus(OutreachFixture& f, ov1::WorkerStatus* out, Caller caller) {
  ov1::GetWorkerStatusRequest request;
  request.set_tenant(TenantFor(caller));
  return f.stub().GetWorkerStatus(f.Context(caller).get(), request, out);
}

absl::StatusOr<std::vector<ov1::DeadLetter>> ListAllDeadLetters(OutreachFixture& f, int page_size,
                                                                Caller caller) {
  std::vector<ov1::DeadLetter> all;
  ov1::ListDeadLettersRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    ov1::ListDeadLettersResponse response;
    grpc::Status status = f.stub().ListDeadLetters(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("ListDeadLetters page ", page));
    for (auto& d : *response.mutable_dead_letters()) all.push_back(std::move(d));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListDeadLetters never returned an empty next_page_token");
}

absl::StatusOr<ov1::Task> WaitForEffects(OutreachFixture& f, const std::string& task_id,
                                         absl::Duration timeout, Caller caller) {
  ov1::Task task;
  grpc::Status last;
  absl::Status waited = WaitFor(
      [&] {
        last = GetTask(f, task_id, &task, caller);
        return last.ok() &&
               (task.effects().state() == ov1::APPLIED || task.effects().state() == ov1::FAILED);
      },
      absl::StrCat("the effects of task ", task_id), timeout);
  if (!last.ok()) return ToAbsl(last, absl::StrCat("GetTask ", task_id));
  if (!waited.ok()) {
    return absl::DeadlineExceededError(absl::StrCat(waited.message(), "; last seen ",
                                                    ov1::EffectsState_Name(task.effects().state()),
                                                    " ", task.effects().last_error()));
  }
  return task;
}

}  // namespace dunbar::testing
