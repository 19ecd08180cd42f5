#include "tests/support/cohort_fixture.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "common/server/server_runner.h"
#include "tests/support/fixture_calls.h"

namespace dunbar::testing {

absl::StatusOr<std::unique_ptr<CohortFixture>> CohortFixture::Start(CohortFixtureOptions options) {
  std::unique_ptr<CohortFixture> f(new CohortFixture());
  auto membership = MembershipFixture::Start(options.membership);
  if (!membership.ok()) return membership.status();
  f->membership_ = std::move(*membership);

  f->redis_process_ = std::make_unique<RedisServerProcess>(options.cohort_redis_args);
  if (absl::Status s = f->redis_process_->Start(); !s.ok()) return s;
  redis::RedisOptions redis_options;
  redis_options.url = f->redis_process_->url();
  redis_options.command_timeout = options.redis_command_timeout;
  auto redis = redis::RedisClient::Connect(redis_options);
  if (!redis.ok()) return redis.status();
  f->redis_ = *redis;

  auto tokens = TestTokens::Mint();
  if (!tokens.ok()) return tokens.status();
  f->tokens_ = *std::move(tokens);

  options.cohort.membership_token = f->membership_->token(Caller::kService);
  // Under TSan everything runs 5-10x slower and 64 racing clients queue behind membership's two
  // cores: the production default (1 s) would turn that slowness into UNAVAILABLE answers.
  if (UnderThreadSanitizer()) {
    options.cohort.membership_timeout =
        std::max(options.cohort.membership_timeout, absl::Seconds(10));
  }
  f->options_ = options;
  auto cohort = cohort::CohortServer::Create(
      f->redis_, f->tokens_.store(), LoopbackChannel(f->membership_->port()), options.cohort);
  if (!cohort.ok()) return cohort.status();
  f->cohort_ = std::move(*cohort);

  auto runner = StartTestServer(
      f->cohort_->service(), [c = f->cohort_.get()] { return c->Probe(); },
      options.health_probe_interval, redis_options, &f->port_);
  if (!runner.ok()) return runner.status();
  f->runner_ = *std::move(runner);
  f->channel_ = client::MakeChannel(absl::StrCat("127.0.0.1:", f->port_));
  f->stub_ = cv1::CohortService::NewStub(f->channel_);
  return f;
}

CohortFixture::~CohortFixture() {
  // The cohort server stops before membership (its feed and checks call it), both before Redis.
  stub_.reset();
  channel_.reset();
  StopTestServer(runner_);
  cohort_.reset();
  redis_.reset();
  redis_process_.reset();
  membership_.reset();
}

std::unique_ptr<grpc::ClientContext> CohortFixture::Context(Caller caller,
                                                            absl::Duration timeout) const {
  // TSan slows everything 5-10x and 64 racing clients then queue for seconds: the races test
  // correctness, not latency, so their deadlines stretch with the slowdown.
  if (UnderThreadSanitizer()) timeout *= 6;
  return client::NewCallContext(timeout, tokens_.token(caller));
}

absl::Status CohortFixture::FlushAll() {
  if (absl::Status s = membership_->FlushRedis(); !s.ok()) return s;
  return redis_->Command({"FLUSHALL"}).status();
}

void CohortFixture::StopCohortRedis() { redis_process_->Stop(); }
void CohortFixture::KillCohortRedis() { redis_process_->Kill(); }
absl::Status CohortFixture::RestartCohortRedis() {
  if (absl::Status s = redis_process_->Start(); !s.ok()) return s;
  // The service's client reconnects with backoff; wait until a real script call works again.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  absl::Status probe = cohort_->Probe();
  while (!probe.ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
    probe = cohort_->Probe();
  }
  return probe;
}

absl::Status CohortFixture::WaitForFeedLive(absl::Duration timeout) {
  return WaitForFeed(true, timeout);
}

absl::Status CohortFixture::WaitForFeedDown(absl::Duration timeout) {
  return WaitForFeed(false, timeout);
}

absl::Status CohortFixture::WaitForFeed(bool live, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (cohort_->EntitlementFeedLive() != live) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("the entitlement feed was not ",
                                                      live ? "live" : "down", " within ",
                                                      absl::FormatDuration(timeout)));
    }
    // Polling: the server exposes a flag, not a notification.
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::OkStatus();
}

// ---- CohortIntegrationTest ----

std::unique_ptr<CohortFixture> CohortIntegrationTest::shared_fixture_;

void CohortIntegrationTest::StartSuiteFixture(CohortFixtureOptions options) {
  auto fixture = CohortFixture::Start(std::move(options));
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  shared_fixture_ = std::move(*fixture);
}

void CohortIntegrationTest::TearDownTestSuite() { shared_fixture_.reset(); }

void CohortIntegrationTest::SetUp() {
  ASSERT_NE(shared_fixture_, nullptr) << "the fixture did not start";
  absl::Status flushed = shared_fixture_->FlushAll();
  ASSERT_TRUE(flushed.ok()) << flushed;
}

// ---- Calls ----

cv1::Program ProgramSpec(const std::string& name, int capacity, cv1::RolloverPolicy policy,
                         bool requires_entitlement) {
  cv1::Program program;
  program.set_name(name);
  program.set_cohort_capacity(capacity);
  program.set_rollover_policy(policy);
  program.set_requires_entitlement(requires_entitlement);
  return program;
}

grpc::Status CreateProgram(CohortFixture& f, const cv1::Program& program, cv1::Program* out,
                           Caller caller, const std::optional<std::string>& request_id) {
  cv1::CreateProgramRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  *request.mutable_program() = program;
  cv1::Program ignored;
  return f.stub().CreateProgram(f.Context(caller).get(), request, out ? out : &ignored);
}

cv1::Program MustCreateProgram(CohortFixture& f, const cv1::Program& program, Caller caller) {
  cv1::Program out;
  grpc::Status status = CreateProgram(f, program, &out, caller);
  EXPECT_TRUE(status.ok()) << "CreateProgram(" << program.ShortDebugString()
                           << "): " << ::testing::PrintToString(status);
  return out;
}

grpc::Status Enroll(CohortFixture& f, const std::string& program_id, const std::string& member_id,
                    cv1::EnrollResponse* out, Caller caller,
                    const std::optional<std::string>& request_id, const std::string& source) {
  cv1::EnrollRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  request.set_program_id(program_id);
  request.set_member_id(member_id);
  request.set_source(source);
  cv1::EnrollResponse ignored;
  return f.stub().Enroll(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status Withdraw(CohortFixture& f, const std::string& program_id, const std::string& member_id,
                      cv1::WithdrawResponse* out, Caller caller,
                      const std::optional<std::string>& request_id, const std::string& reason) {
  cv1::WithdrawRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  request.set_program_id(program_id);
  request.set_member_id(member_id);
  request.set_reason(reason);
  cv1::WithdrawResponse ignored;
  return f.stub().Withdraw(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status Transfer(CohortFixture& f, const std::string& member_id, const std::string& from,
                      const std::string& to, cv1::Enrollment* out, Caller caller,
                      const std::optional<std::string>& request_id) {
  cv1::TransferRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  request.set_member_id(member_id);
  request.set_from_cohort_id(from);
  request.set_to_cohort_id(to);
  cv1::Enrollment ignored;
  return f.stub().Transfer(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status GetCohort(CohortFixture& f, const std::string& cohort_id, cv1::Cohort* out,
                       Caller caller) {
  cv1::GetCohortRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_cohort_id(cohort_id);
  cv1::Cohort ignored;
  return f.stub().GetCohort(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status OpenNextCohort(CohortFixture& f, const std::string& program_id,
                            cv1::OpenNextCohortResponse* out, Caller caller,
                            const std::optional<std::string>& request_id) {
  cv1::OpenNextCohortRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_request_id(request_id.value_or(NewRequestId()));
  request.set_program_id(program_id);
  cv1::OpenNextCohortResponse ignored;
  return f.stub().OpenNextCohort(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status StartCohort(CohortFixture& f, const std::string& cohort_id, bool allow_late,
                         cv1::Cohort* out, Caller caller) {
  cv1::StartCohortRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_cohort_id(cohort_id);
  request.set_allow_late_enrollment(allow_late);
  cv1::Cohort ignored;
  return f.stub().StartCohort(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status CloseCohort(CohortFixture& f, const std::string& cohort_id, cv1::Cohort* out,
                         Caller caller) {
  cv1::CloseCohortRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_cohort_id(cohort_id);
  cv1::Cohort ignored;
  return f.stub().CloseCohort(f.Context(caller).get(), request, out ? out : &ignored);
}

std::string CohortId(const std::string& program_id, int number) {
  return absl::StrCat(program_id, ".", number);
}

// ---- Membership side ----

absl::StatusOr<std::vector<std::string>> MakeMembers(CohortFixture& f, int n, Caller caller) {
  static std::atomic<int64_t> batch{0};
  const int64_t this_batch = batch.fetch_add(1);
  std::vector<mv1::ImportRow> rows(n);
  for (int i = 0; i < n; ++i) {
    rows[i].set_name(absl::StrCat("Member ", this_batch, "-", i));
    rows[i].set_email(absl::StrCat("m", this_batch, "-", i, "@example.com"));
    rows[i].set_source(absl::StrCat("batch-", this_batch));
  }
  mv1::ImportContactsResponse imported;
  grpc::Status status = Import(f.membership(), NewRequestId(), rows, &imported, caller);
  if (!status.ok()) return ToAbsl(status, "ImportContacts");
  if (imported.created() != n) {
    return absl::InternalError(
        absl::StrCat("ImportContacts created ", imported.created(), " members, wanted ", n));
  }
  mv1::ListMembersRequest request;
  request.set_source(absl::StrCat("batch-", this_batch));
  auto members = ListAllMembers(f.membership(), request, 500, caller);
  if (!members.ok()) return members.status();
  std::vector<std::string> ids;
  for (const auto& m : *members) ids.push_back(m.id());
  if (static_cast<int>(ids.size()) != n) {
    return absl::InternalError(absl::StrCat("listed ", ids.size(), " new members, wanted ", n));
  }
  return ids;
}

grpc::Status GrantEntitlement(CohortFixture& f, const std::string& member_id,
                              const std::string& program_id, const std::string& order_id) {
  mv1::GrantEntitlementRequest request;
  request.set_member_id(member_id);
  request.set_program_id(program_id);
  request.set_order_id(order_id);
  request.set_amount_minor(19900);
  request.set_currency("CNY");
  *request.mutable_paid_at() = ToProto(absl::Now());
  mv1::Entitlement out;
  return f.membership().stub().GrantEntitlement(f.membership().Context(Caller::kAcme).get(),
                                                request, &out);
}

grpc::Status RevokeEntitlement(CohortFixture& f, const std::string& order_id) {
  mv1::RevokeEntitlementRequest request;
  request.set_order_id(order_id);
  request.set_reason("refund");
  mv1::Entitlement out;
  return f.membership().stub().RevokeEntitlement(f.membership().Context(Caller::kAcme).get(),
                                                 request, &out);
}

// ---- Whole-state reads ----

absl::StatusOr<std::vector<cv1::Cohort>> ListAllCohorts(CohortFixture& f,
                                                        const std::string& program_id,
                                                        int page_size, Caller caller) {
  std::vector<cv1::Cohort> all;
  cv1::ListCohortsRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_program_id(program_id);
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    cv1::ListCohortsResponse response;
    grpc::Status status = f.stub().ListCohorts(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("ListCohorts page ", page));
    if (response.cohorts_size() > page_size) {
      return absl::InternalError(absl::StrCat("ListCohorts returned ", response.cohorts_size(),
                                              " for page_size ", page_size));
    }
    for (auto& c : *response.mutable_cohorts()) all.push_back(std::move(c));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListCohorts never returned an empty next_page_token");
}

absl::StatusOr<std::vector<cv1::RosterEntry>> ListAllRoster(CohortFixture& f,
                                                            const std::string& cohort_id,
                                                            int page_size, Caller caller) {
  std::vector<cv1::RosterEntry> all;
  cv1::ListRosterRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_cohort_id(cohort_id);
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    cv1::ListRosterResponse response;
    grpc::Status status = f.stub().ListRoster(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("ListRoster page ", page));
    if (response.entries_size() > page_size) {
      return absl::InternalError(absl::StrCat("ListRoster returned ", response.entries_size(),
                                              " for page_size ", page_size));
    }
    for (auto& e : *response.mutable_entries()) all.push_back(std::move(e));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListRoster never returned an empty next_page_token");
}

absl::StatusOr<std::vector<cv1::WaitlistEntry>> GetAllWaitlist(CohortFixture& f,
                                                               const std::string& program_id,
                                                               int page_size, Caller caller) {
  std::vector<cv1::WaitlistEntry> all;
  cv1::GetWaitlistRequest request;
  request.set_tenant(TenantFor(caller));
  request.set_program_id(program_id);
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    cv1::GetWaitlistResponse response;
    grpc::Status status = f.stub().GetWaitlist(f.Context(caller).get(), request, &response);
    if (!status.ok()) return ToAbsl(status, absl::StrCat("GetWaitlist page ", page));
    if (response.entries_size() > page_size) {
      return absl::InternalError(absl::StrCat("GetWaitlist returned ", response.entries_size(),
                                              " for page_size ", page_size));
    }
    for (auto& e : *response.mutable_entries()) all.push_back(std::move(e));
    if (response.next_page_token().empty()) {
      if (response.length() != static_cast<int>(all.size())) {
        return absl::InternalError(absl::StrCat("GetWaitlist length ", response.length(), " but ",
                                                all.size(), " entries listed"));
      }
      return all;
    }
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("GetWaitlist never returned an empty next_page_token");
}

absl::StatusOr<ProgramSnapshot> Snapshot(CohortFixture& f, const std::string& program_id,
                                         int page_size) {
  ProgramSnapshot snapshot;
  cv1::GetProgramRequest get;
  get.set_program_id(program_id);
  grpc::Status status = f.stub().GetProgram(f.Context(Caller::kAcme).get(), get, &snapshot.program);
  if (!status.ok()) return ToAbsl(status, "GetProgram");
  auto cohorts = ListAllCohorts(f, program_id, page_size);
  if (!cohorts.ok()) return cohorts.status();
  snapshot.cohorts = *std::move(cohorts);
  for (const cv1::Cohort& cohort : snapshot.cohorts) {
    auto roster = ListAllRoster(f, cohort.id(), page_size);
    if (!roster.ok()) return roster.status();
    for (const cv1::RosterEntry& entry : *roster) {
      // A member seated twice keeps its first seat here; ExpectInvariants reports the second.
      snapshot.seat_of.emplace(entry.member_id(),
                               std::make_pair(cohort.number(), entry.seat_number()));
    }
    snapshot.rosters[cohort.number()] = *std::move(roster);
  }
  auto waitlist = GetAllWaitlist(f, program_id, page_size);
  if (!waitlist.ok()) return waitlist.status();
  snapshot.waitlist = *std::move(waitlist);
  return snapshot;
}

void ExpectInvariants(const ProgramSnapshot& snapshot) {
  std::set<std::string> placed;  // every member holding a seat or a waitlist place
  int number = 0;
  for (const cv1::Cohort& cohort : snapshot.cohorts) {
    ++number;
    SCOPED_TRACE(absl::StrCat("cohort ", cohort.id()));
    EXPECT_EQ(cohort.number(), number) << "cohorts are not numbered 1..N in order";
    EXPECT_EQ(cohort.id(), CohortId(snapshot.program.id(), cohort.number()));
    EXPECT_EQ(cohort.program_id(), snapshot.program.id());
    const auto roster_it = snapshot.rosters.find(cohort.number());
    ASSERT_NE(roster_it, snapshot.rosters.end());
    const std::vector<cv1::RosterEntry>& roster = roster_it->second;
    EXPECT_LE(cohort.seats_taken(), cohort.capacity()) << "above capacity";
    EXPECT_EQ(static_cast<int>(roster.size()), cohort.seats_taken())
        << "seats_taken disagrees with the roster";
    std::set<int> seats;
    int previous_seat = 0;
    for (const cv1::RosterEntry& entry : roster) {
      EXPECT_GE(entry.seat_number(), 1) << entry.member_id();
      EXPECT_LE(entry.seat_number(), cohort.capacity()) << entry.member_id();
      EXPECT_TRUE(seats.insert(entry.seat_number()).second)
          << "seat " << entry.seat_number() << " given twice";
      EXPECT_GT(entry.seat_number(), previous_seat) << "roster not in seat order";
      previous_seat = entry.seat_number();
      EXPECT_TRUE(placed.insert(entry.member_id()).second)
          << "member " << entry.member_id() << " holds a second seat";
    }
    switch (cohort.state()) {
      case cv1::OPEN:
        EXPECT_LT(cohort.seats_taken(), cohort.capacity()) << "OPEN with every seat taken";
        break;
      case cv1::FULL:
        EXPECT_EQ(cohort.seats_taken(), cohort.capacity()) << "FULL with a free seat";
        break;
      case cv1::RUNNING:
      case cv1::CLOSED:
        break;
      default:
        ADD_FAILURE() << "state " << cv1::CohortState_Name(cohort.state());
    }
  }
  EXPECT_EQ(snapshot.program.latest_cohort_number(), number);
  EXPECT_EQ(snapshot.program.waitlist_length(), static_cast<int>(snapshot.waitlist.size()));
  int position = 0;
  for (const cv1::WaitlistEntry& entry : snapshot.waitlist) {
    EXPECT_EQ(entry.position(), ++position) << entry.member_id();
    EXPECT_TRUE(placed.insert(entry.member_id()).second)
        << "member " << entry.member_id() << " is waiting while seated or waiting twice";
  }
}

// ---- Concurrency ----

void RunConcurrently(int threads, int items, const std::function<void(int item)>& work) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next.fetch_add(1); i < items; i = next.fetch_add(1)) work(i);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

bool UnderThreadSanitizer() {
#if defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace dunbar::testing
