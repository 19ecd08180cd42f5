// CohortStore against a real redis-server: every method's happy path and error codes, the
// admission protocol, idempotent replays, rollover and waitlist promotion, and the capacity
// invariants under 32 racing threads.
#include "services/cohort/cohort_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/timestamps.h"
#include "common/redis/redis_client.h"
#include "services/cohort/cohort_naming.h"
#include "tests/support/shared_redis_test.h"

namespace dunbar::cohort {
namespace {

constexpr char kTenant[] = "acme";

class CohortStoreTest : public ::dunbar::testing::SharedRedisTest<> {
 protected:
  void SetUp() override {
    SharedRedisTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<CohortStore>(*client_, CohortStore::Options{});
    ASSERT_TRUE(store_->LoadScripts().ok());
  }

  // A fresh request id each call unless one is given; time moves one second per mutation.
  Mutation NewMutation(const std::string& request_id = "", const std::string& fingerprint = "") {
    Mutation mutation;
    mutation.tenant = kTenant;
    mutation.request_id = request_id.empty() ? absl::StrCat("r", ++request_counter_) : request_id;
    mutation.fingerprint =
        fingerprint.empty() ? absl::StrCat("fp-", mutation.request_id) : fingerprint;
    now_ += absl::Seconds(1);
    mutation.now = now_;
    return mutation;
  }

  std::string CreateProgram(int32_t capacity, v1::RolloverPolicy policy,
                            const std::string& name = "Deep Work",
                            bool requires_entitlement = true) {
    v1::Program program;
    program.set_id(absl::StrCat("p", ++program_counter_));
    program.set_name(name);
    program.set_cohort_capacity(capacity);
    program.set_allow_over_dunbar(capacity > 150);
    program.set_rollover_policy(policy);
    program.set_requires_entitlement(requires_entitlement);
    program.set_cohort_name_template("{programme} {n}");
    auto created = store_->CreateProgram(NewMutation(), program);
    EXPECT_TRUE(created.ok()) << created.status();
    return program.id();
  }

  // Enroll with the admission protocol: the first call reports what is needed, the second passes
  // the admission "membership" gave (order "o-<member>").
  v1::EnrollResponse Enroll(const std::string& program_id, const std::string& member,
                            const std::string& request_id = "") {
    Mutation mutation = NewMutation(request_id);
    EnrollCommand command;
    command.program_id = program_id;
    command.member_id = member;
    command.source = "cli";
    auto first = store_->Enroll(mutation, command);
    EXPECT_TRUE(first.ok()) << first.status();
    if (!first.ok()) return {};
    if (first->response) return *first->response;
    command.admission = Admission{absl::StrCat("o-", member), first->admission_generation};
    auto second = store_->Enroll(mutation, command);
    EXPECT_TRUE(second.ok()) << second.status();
    if (!second.ok() || !second->response) {
      ADD_FAILURE() << "enroll with admission gave no answer";
      return {};
    }
    return *second->response;
  }

  v1::Cohort Cohort(const std::string& program_id, int32_t number) {
    auto cohort = store_->GetCohort(kTenant, program_id, number);
    EXPECT_TRUE(cohort.ok()) << cohort.status();
    return cohort.ok() ? *cohort : v1::Cohort();
  }

  // member -> seat of a cohort's whole roster.
  std::map<std::string, int32_t> Roster(const std::string& program_id, int32_t number) {
    auto page = store_->ListRoster(kTenant, program_id, number, 0, 500);
    EXPECT_TRUE(page.ok()) << page.status();
    std::map<std::string, int32_t> seats;
    if (page.ok()) {
      for (const auto& entry : page->entries) seats[entry.member_id()] = entry.seat_number();
    }
    return seats;
  }

  std::vector<std::string> Waitlist(const std::string& program_id) {
    std::vector<std::string> members;
    int32_t after = 0;
    do {
      auto page = store_->GetWaitlist(kTenant, program_id, after, 500);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& entry : page->entries) members.push_back(entry.member_id());
      after = page->next_after_position;
    } while (after != 0);
    return members;
  }

  std::vector<std::string> EventTypes() {
    auto reply = (*client_)->Command(
        {"XRANGE", absl::StrCat("dunbar:cohort:{", kTenant, "}:events"), "-", "+"});
    std::vector<std::string> types;
    if (!reply.ok()) return types;
    for (const auto& entry : reply->elements()) {
      const auto& fields = entry.elements()[1].elements();
      types.push_back(fields[1].str());
    }
    return types;
  }

  std::unique_ptr<CohortStore> store_;
  absl::Time now_ = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  int request_counter_ = 0;
  int program_counter_ = 0;
};

TEST_F(CohortStoreTest, ProbeRunsAScript) { EXPECT_TRUE(store_->Probe().ok()); }

TEST_F(CohortStoreTest, CreateProgramOpensCohortOneNamedFromTheTemplate) {
  v1::Program program;
  program.set_id("xy");
  program.set_name("小源说说");
  program.set_cohort_capacity(200);
  program.set_allow_over_dunbar(true);
  program.set_rollover_policy(v1::WAITLIST);
  program.set_cohort_name_template("{programme} 第{n}期 ({program}%1)");
  program.set_first_cohort_start_date("2026-03-01");
  program.mutable_price()->set_amount_minor(19900);
  program.mutable_price()->set_currency("CNY");
  auto created = store_->CreateProgram(NewMutation(), program);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id(), "xy");
  EXPECT_EQ(created->tenant(), kTenant);
  EXPECT_EQ(created->latest_cohort_number(), 1);
  EXPECT_EQ(created->waitlist_length(), 0);
  EXPECT_EQ(created->price().amount_minor(), 19900);
  EXPECT_EQ(created->price().currency(), "CNY");
  EXPECT_EQ(created->rollover_policy(), v1::WAITLIST);
  EXPECT_EQ(api::TimestampToMillis(created->created_at()), absl::ToUnixMillis(now_));
  ASSERT_EQ(created->warnings_size(), 1);
  EXPECT_EQ(created->warnings(0),
            "cohort_capacity 200 is above Dunbar's number (150): groups this size lose their "
            "warmth");

  v1::Cohort cohort = Cohort("xy", 1);
  EXPECT_EQ(cohort.id(), "xy.1");
  EXPECT_EQ(cohort.name(), "小源说说 第1期 (小源说说%1)");
  EXPECT_EQ(cohort.capacity(), 200);
  EXPECT_EQ(cohort.seats_taken(), 0);
  EXPECT_EQ(cohort.state(), v1::OPEN);
  EXPECT_EQ(cohort.start_date(), "2026-03-01");
  EXPECT_TRUE(cohort.has_opened_at());
  EXPECT_FALSE(cohort.has_full_at());
  EXPECT_EQ(EventTypes(), (std::vector<std::string>{"program.created", "cohort.opened"}));

  // A programme name holding a token is inserted verbatim, not substituted again.
  v1::Program tricky = program;
  tricky.set_id("tr");
  tricky.set_name("{n}%d");
  tricky.set_cohort_name_template("{programme}-{n}-{x}");
  ASSERT_TRUE(store_->CreateProgram(NewMutation(), tricky).ok());
  EXPECT_EQ(Cohort("tr", 1).name(), "{n}%d-1-{x}");

  auto again = store_->CreateProgram(NewMutation(), program);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(CohortStoreTest, GetProgramOfUnknownIdIsNotFound) {
  auto program = store_->GetProgram(kTenant, "nope");
  EXPECT_EQ(program.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(program.status().message(), "program nope");
  EXPECT_EQ(store_->GetCohort(kTenant, "nope", 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->ListCohorts(kTenant, "nope", 0, 10).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetWaitlist(kTenant, "nope", 0, 10).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetProgramStats(kTenant, "nope", {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CohortStoreTest, UpdateProgramChecksTheResultingCapacityAndSparesOpenCohorts) {
  const std::string pid = CreateProgram(2, v1::AUTO_OPEN_NEXT);
  v1::Program values;
  values.set_id(pid);
  values.set_cohort_capacity(200);
  auto refused = store_->UpdateProgram(NewMutation(), values, {"cohort_capacity"});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "program.cohort_capacity: 200"))
      << refused.status();

  values.set_allow_over_dunbar(true);
  values.set_description("deep");
  auto updated = store_->UpdateProgram(NewMutation(), values,
                                       {"cohort_capacity", "allow_over_dunbar", "description"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->cohort_capacity(), 200);
  EXPECT_EQ(updated->description(), "deep");
  EXPECT_EQ(updated->name(), "Deep Work");
  EXPECT_EQ(updated->warnings_size(), 1);
  EXPECT_EQ(Cohort(pid, 1).capacity(), 2);

  // Turning the flag off while the capacity stays above 150 is refused as well.
  values.set_allow_over_dunbar(false);
  EXPECT_EQ(store_->UpdateProgram(NewMutation(), values, {"allow_over_dunbar"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  values.set_cohort_capacity(501);
  EXPECT_EQ(store_->UpdateProgram(NewMutation(), values, {"cohort_capacity"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateProgram(NewMutation(), values, {"id"}).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The next cohort gets the new capacity.
  Enroll(pid, "a");
  v1::EnrollResponse filled = Enroll(pid, "b");
  ASSERT_TRUE(filled.has_opened_cohort());
  EXPECT_EQ(filled.opened_cohort().capacity(), 200);

  values.set_id("nope");
  EXPECT_EQ(store_->UpdateProgram(NewMutation(), values, {"description"}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CohortStoreTest, ArchiveIsIdempotentAndStopsEnrolmentAndNewCohorts) {
  const std::string pid = CreateProgram(5, v1::WAITLIST);
  auto archived = store_->ArchiveProgram(NewMutation(""), pid);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_TRUE(archived->archived());
  const int64_t archived_ms = api::TimestampToMillis(archived->archived_at());
  auto again = store_->ArchiveProgram(NewMutation(""), pid);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(api::TimestampToMillis(again->archived_at()), archived_ms);

  EnrollCommand command;
  command.program_id = pid;
  command.member_id = "m";
  EXPECT_EQ(store_->Enroll(NewMutation(), command).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->OpenNextCohort(NewMutation(), pid, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ArchiveProgram(NewMutation(), "nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CohortStoreTest, ListProgramsNewestFirstWithCursorAndArchivedFilter) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(CreateProgram(10, v1::AUTO_OPEN_NEXT));
  ASSERT_TRUE(store_->ArchiveProgram(NewMutation(), ids[3]).ok());

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store_->ListPrograms(kTenant, cursor, 2, /*include_archived=*/false);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& program : page->programs) seen.push_back(program.id());
    cursor = page->next_cursor;
    ASSERT_LT(++pages, 10);
  } while (!cursor.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{ids[4], ids[2], ids[1], ids[0]}));

  auto all = store_->ListPrograms(kTenant, "", 10, /*include_archived=*/true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->programs.size(), 5u);
  EXPECT_EQ(all->programs[1].id(), ids[3]);
  EXPECT_TRUE(all->next_cursor.empty());

  EXPECT_EQ(store_->ListPrograms(kTenant, "nope", 10, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto other_tenant = store_->ListPrograms("other", "", 10, true);
  ASSERT_TRUE(other_tenant.ok());
  EXPECT_TRUE(other_tenant->programs.empty());
}

TEST_F(CohortStoreTest, EnrollUnknownProgramIsNotFound) {
  EnrollCommand command;
  command.program_id = "nope";
  command.member_id = "m";
  auto outcome = store_->Enroll(NewMutation(), command);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(outcome.status().message(), "program nope");
}

TEST_F(CohortStoreTest, AdmissionProtocolCachesInvalidatesAndRespectsGenerations) {
  const std::string pid = CreateProgram(10, v1::AUTO_OPEN_NEXT);
  EnrollCommand command;
  command.program_id = pid;
  command.member_id = "m";
  command.source = "outreach";

  // 1. Nothing cached: the store asks for an admission and writes nothing.
  auto needed = store_->Enroll(NewMutation("e1"), command);
  ASSERT_TRUE(needed.ok()) << needed.status();
  EXPECT_FALSE(needed->response.has_value());
  EXPECT_TRUE(needed->requires_entitlement);
  EXPECT_EQ(needed->admission_generation, 0);
  EXPECT_EQ(Cohort(pid, 1).seats_taken(), 0);

  // 2. The same request id again with the admission: enrolled, order recorded.
  command.admission = Admission{"order-1", 0};
  auto enrolled = store_->Enroll(NewMutation("e1"), command);
  ASSERT_TRUE(enrolled.ok() && enrolled->response) << enrolled.status();
  EXPECT_EQ(enrolled->response->result(), v1::ENROLLED);
  EXPECT_EQ(enrolled->response->seat().cohort_id(), pid + ".1");
  EXPECT_EQ(enrolled->response->seat().seat_number(), 1);
  auto roster = store_->ListRoster(kTenant, pid, 1, 0, 10);
  ASSERT_TRUE(roster.ok());
  ASSERT_EQ(roster->entries.size(), 1u);
  EXPECT_EQ(roster->entries[0].entitlement_order_id(), "order-1");
  EXPECT_EQ(roster->entries[0].source(), "outreach");

  // 3. Re-enrolment after a withdrawal uses the cached admission (no second question).
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "m", "moving").ok());
  command.admission.reset();
  auto cached = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(cached.ok() && cached->response) << cached.status();
  EXPECT_EQ(cached->response->result(), v1::ENROLLED);

  // 4. Invalidation forgets it and bumps the generation.
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "m", "").ok());
  ASSERT_TRUE(store_->InvalidateAdmission(kTenant, pid, "m").ok());
  auto after_invalidation = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(after_invalidation.ok());
  EXPECT_FALSE(after_invalidation->response.has_value());
  EXPECT_EQ(after_invalidation->admission_generation, 1);

  // 5. An admission of a stale generation is used once but not cached.
  command.admission = Admission{"order-2", 0};
  auto stale = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(stale.ok() && stale->response);
  EXPECT_EQ(stale->response->result(), v1::ENROLLED);
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "m", "").ok());
  command.admission.reset();
  auto not_cached = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(not_cached.ok());
  EXPECT_FALSE(not_cached->response.has_value());
  EXPECT_EQ(not_cached->admission_generation, 1);

  // 6. A current-generation admission is cached, but not trusted before admission_valid_since.
  command.admission = Admission{"order-3", 1};
  ASSERT_TRUE(store_->Enroll(NewMutation(), command).ok());
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "m", "").ok());
  command.admission.reset();
  command.admission_valid_since = now_ + absl::Hours(1);
  auto too_old = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(too_old.ok());
  EXPECT_FALSE(too_old->response.has_value());
  command.admission_valid_since = now_ - absl::Hours(1);
  auto trusted = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(trusted.ok() && trusted->response);
  EXPECT_EQ(trusted->response->result(), v1::ENROLLED);
  auto enrollments = store_->ListMemberEnrollments(kTenant, "m");
  ASSERT_TRUE(enrollments.ok());
  ASSERT_EQ(enrollments->size(), 1u);
  EXPECT_EQ((*enrollments)[0].entitlement_order_id(), "order-3");

  // Invalidating something the store never saw is fine.
  EXPECT_TRUE(store_->InvalidateAdmission(kTenant, "nope", "nobody").ok());

  // Programmes without requires_entitlement report it.
  const std::string free_pid = CreateProgram(10, v1::AUTO_OPEN_NEXT, "Free", false);
  command.program_id = free_pid;
  auto free_needed = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(free_needed.ok());
  EXPECT_FALSE(free_needed->requires_entitlement);
}

TEST_F(CohortStoreTest, GrantsFromTheFeedAreCachedInMembershipOrderAndRevokesWinTies) {
  const std::string pid = CreateProgram(10, v1::AUTO_OPEN_NEXT);
  const absl::Time t = absl::FromUnixSeconds(1800000000);
  EnrollCommand command;
  command.program_id = pid;
  command.member_id = "m";

  // A grant reported by the feed admits without asking membership, with its order.
  auto pushed =
      store_->CacheGrantedAdmission(kTenant, pid, "m", "o1", t + absl::Seconds(100), now_);
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  EXPECT_TRUE(*pushed);
  auto enrolled = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(enrolled.ok() && enrolled->response) << enrolled.status();
  EXPECT_EQ(enrolled->response->result(), v1::ENROLLED);
  auto mine = store_->ListMemberEnrollments(kTenant, "m");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].entitlement_order_id(), "o1");
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "m", "").ok());

  // The revoke at +200 forgets it; a grant published earlier but delivered later is ignored, and
  // so is one at the very same millisecond (the revoke wins a tie).
  ASSERT_TRUE(store_->InvalidateAdmission(kTenant, pid, "m", t + absl::Seconds(200)).ok());
  EXPECT_FALSE(store_->Enroll(NewMutation(), command)->response.has_value());
  EXPECT_FALSE(
      *store_->CacheGrantedAdmission(kTenant, pid, "m", "o0", t + absl::Seconds(150), now_));
  EXPECT_FALSE(
      *store_->CacheGrantedAdmission(kTenant, pid, "m", "o2", t + absl::Seconds(200), now_));
  EXPECT_FALSE(store_->Enroll(NewMutation(), command)->response.has_value());
  // A newer grant is cached again.
  EXPECT_TRUE(
      *store_->CacheGrantedAdmission(kTenant, pid, "m", "o3", t + absl::Seconds(300), now_));
  auto again = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(again.ok() && again->response) << again.status();
  EXPECT_EQ(again->response->result(), v1::ENROLLED);
}

TEST_F(CohortStoreTest, FreeProgrammesNeedAKnownMemberPaidOnesAnActiveOrder) {
  const std::string free_pid = CreateProgram(10, v1::AUTO_OPEN_NEXT, "Free", false);
  const std::string other_free = CreateProgram(10, v1::AUTO_OPEN_NEXT, "Free 2", false);
  EnrollCommand command;
  command.program_id = free_pid;
  command.member_id = "x";
  auto needed = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(needed.ok());
  EXPECT_FALSE(needed->response.has_value());
  EXPECT_FALSE(needed->requires_entitlement);
  command.admission = Admission{"", 0};
  ASSERT_TRUE(store_->Enroll(NewMutation(), command)->response.has_value());

  // Membership confirmed "x" exists: another free programme takes "x" in one step.
  command.program_id = other_free;
  command.admission.reset();
  auto known = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(known.ok() && known->response) << known.status();
  EXPECT_EQ(known->response->result(), v1::ENROLLED);

  // The first programme turns paid: knowing the member is no longer enough.
  ASSERT_TRUE(store_->Withdraw(NewMutation(), free_pid, "x", "").ok());
  v1::Program paid;
  paid.set_id(free_pid);
  paid.set_requires_entitlement(true);
  ASSERT_TRUE(store_->UpdateProgram(NewMutation(), paid, {"requires_entitlement"}).ok());
  command.program_id = free_pid;
  auto now_paid = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(now_paid.ok());
  EXPECT_FALSE(now_paid->response.has_value());
  EXPECT_TRUE(now_paid->requires_entitlement);
}

TEST_F(CohortStoreTest, HeldSeatsAndWaitlistPlacesNeedNoAdmission) {
  const std::string pid = CreateProgram(1, v1::WAITLIST);
  Enroll(pid, "a");
  Enroll(pid, "b");
  ASSERT_TRUE(store_->InvalidateAdmission(kTenant, pid, "a").ok());
  ASSERT_TRUE(store_->InvalidateAdmission(kTenant, pid, "b").ok());
  EnrollCommand command;
  command.program_id = pid;
  command.member_id = "a";
  auto seated = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(seated.ok() && seated->response);
  EXPECT_EQ(seated->response->result(), v1::ALREADY_ENROLLED);
  EXPECT_EQ(seated->response->seat().seat_number(), 1);
  EXPECT_EQ(seated->response->seat().cohort_name(), "Deep Work 1");
  command.member_id = "b";
  auto waiting = store_->Enroll(NewMutation(), command);
  ASSERT_TRUE(waiting.ok() && waiting->response);
  EXPECT_EQ(waiting->response->result(), v1::WAITLISTED);
  EXPECT_EQ(waiting->response->waitlist_position(), 1);
}

TEST_F(CohortStoreTest, CapacityOneRollsOverOnEveryEnrolment) {
  const std::string pid = CreateProgram(1, v1::AUTO_OPEN_NEXT);
  v1::EnrollResponse a = Enroll(pid, "a");
  EXPECT_EQ(a.result(), v1::ENROLLED);
  EXPECT_EQ(a.seat().cohort_number(), 1);
  EXPECT_EQ(a.seat().seat_number(), 1);
  EXPECT_TRUE(a.cohort_filled());
  EXPECT_EQ(a.opened_cohort().number(), 2);
  EXPECT_EQ(a.opened_cohort().state(), v1::OPEN);
  v1::EnrollResponse b = Enroll(pid, "b");
  EXPECT_EQ(b.seat().cohort_number(), 2);
  EXPECT_EQ(b.seat().seat_number(), 1);
  EXPECT_EQ(b.opened_cohort().number(), 3);
  v1::Cohort first = Cohort(pid, 1);
  EXPECT_EQ(first.state(), v1::FULL);
  EXPECT_EQ(first.seats_taken(), 1);
  // Opened by the create, full one mutation (one second) later.
  EXPECT_EQ(api::TimestampToMillis(first.full_at()),
            api::TimestampToMillis(first.opened_at()) + 1000);
  auto program = store_->GetProgram(kTenant, pid);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->latest_cohort_number(), 3);

  // A freed seat in a full cohort that has not started goes back to OPEN and is reused first.
  auto withdrawn = store_->Withdraw(NewMutation(), pid, "a", "changed mind");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->enrollment().status(), v1::WITHDRAWN);
  EXPECT_TRUE(withdrawn->promoted_member_id().empty());
  EXPECT_EQ(Cohort(pid, 1).state(), v1::OPEN);
  v1::EnrollResponse c = Enroll(pid, "c");
  EXPECT_EQ(c.seat().cohort_number(), 1);
  EXPECT_EQ(c.seat().seat_number(), 1);
  EXPECT_TRUE(c.cohort_filled());
  EXPECT_FALSE(c.has_opened_cohort());  // cohort 3 still has room
  EXPECT_EQ(Cohort(pid, 1).state(), v1::FULL);
}

TEST_F(CohortStoreTest, CapacityTwoWaitlistPromotionKeepsFullAndTheSeatNumber) {
  const std::string pid = CreateProgram(2, v1::WAITLIST);
  EXPECT_EQ(Enroll(pid, "a").seat().seat_number(), 1);
  v1::EnrollResponse b = Enroll(pid, "b");
  EXPECT_EQ(b.seat().seat_number(), 2);
  EXPECT_TRUE(b.cohort_filled());
  EXPECT_FALSE(b.has_opened_cohort());
  v1::EnrollResponse c = Enroll(pid, "c");
  EXPECT_EQ(c.result(), v1::WAITLISTED);
  EXPECT_EQ(c.waitlist_position(), 1);
  EXPECT_EQ(Enroll(pid, "d").waitlist_position(), 2);
  EXPECT_EQ(Enroll(pid, "c").waitlist_position(), 1);  // already waiting
  EXPECT_EQ(Enroll(pid, "a").result(), v1::ALREADY_ENROLLED);

  auto withdrawn = store_->Withdraw(NewMutation(), pid, "a", "");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->promoted_member_id(), "c");
  EXPECT_FALSE(withdrawn->left_waitlist());
  ASSERT_EQ(withdrawn->enrollment().history_size(), 2);
  EXPECT_EQ(withdrawn->enrollment().history(1).kind(), v1::HISTORY_WITHDRAWN);
  EXPECT_EQ(withdrawn->enrollment().history(1).from_cohort_id(), pid + ".1");
  v1::Cohort cohort = Cohort(pid, 1);
  EXPECT_EQ(cohort.state(), v1::FULL);
  EXPECT_EQ(cohort.seats_taken(), 2);
  EXPECT_EQ(Roster(pid, 1), (std::map<std::string, int32_t>{{"b", 2}, {"c", 1}}));
  EXPECT_EQ(Waitlist(pid), std::vector<std::string>{"d"});

  auto enrollments = store_->ListMemberEnrollments(kTenant, "c");
  ASSERT_TRUE(enrollments.ok());
  ASSERT_EQ(enrollments->size(), 1u);
  const v1::Enrollment& promoted = (*enrollments)[0];
  EXPECT_EQ(promoted.status(), v1::ACTIVE);
  EXPECT_EQ(promoted.seat().seat_number(), 1);
  EXPECT_EQ(promoted.seat().cohort_name(), "Deep Work 1");
  ASSERT_EQ(promoted.history_size(), 2);
  EXPECT_EQ(promoted.history(0).kind(), v1::HISTORY_WAITLISTED);
  EXPECT_EQ(promoted.history(1).kind(), v1::HISTORY_PROMOTED);
  EXPECT_EQ(promoted.history(1).cohort_id(), pid + ".1");

  // Leaving the waitlist.
  auto left = store_->Withdraw(NewMutation(), pid, "d", "");
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->left_waitlist());
  EXPECT_TRUE(left->promoted_member_id().empty());
  EXPECT_TRUE(Waitlist(pid).empty());

  // No waitlist: the seat is freed and FULL -> OPEN; the freed seat is reused.
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "b", "").ok());
  EXPECT_EQ(Cohort(pid, 1).state(), v1::OPEN);
  EXPECT_EQ(Enroll(pid, "e").seat().seat_number(), 2);
  EXPECT_EQ(Cohort(pid, 1).state(), v1::FULL);

  auto nobody = store_->Withdraw(NewMutation(), pid, "zz", "");
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(nobody.status().message(), "enrollment of member zz in program " + pid);
  EXPECT_EQ(store_->Withdraw(NewMutation(), pid, "d", "").status().code(),
            absl::StatusCode::kNotFound);  // already withdrawn
  EXPECT_EQ(store_->Withdraw(NewMutation(), "nope", "a", "").status().code(),
            absl::StatusCode::kNotFound);

  // Withdrawn members may come back (admission asked again when not cached).
  v1::EnrollResponse back = Enroll(pid, "d");
  EXPECT_EQ(back.result(), v1::WAITLISTED);
  EXPECT_EQ(back.waitlist_position(), 1);
}

TEST_F(CohortStoreTest, OpenNextCohortPromotesTheWaitlistInFifoOrder) {
  const std::string pid = CreateProgram(2, v1::WAITLIST);
  for (const char* member : {"a", "b", "w1", "w2", "w3"}) Enroll(pid, member);
  EXPECT_EQ(Waitlist(pid), (std::vector<std::string>{"w1", "w2", "w3"}));

  auto opened = store_->OpenNextCohort(NewMutation("open-2"), pid, "2026-04-01");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->cohort().id(), pid + ".2");
  EXPECT_EQ(opened->cohort().name(), "Deep Work 2");
  EXPECT_EQ(opened->cohort().start_date(), "2026-04-01");
  EXPECT_EQ(opened->cohort().seats_taken(), 2);
  EXPECT_EQ(opened->cohort().state(), v1::FULL);
  EXPECT_EQ(std::vector<std::string>(opened->promoted_member_ids().begin(),
                                     opened->promoted_member_ids().end()),
            (std::vector<std::string>{"w1", "w2"}));
  EXPECT_EQ(Roster(pid, 2), (std::map<std::string, int32_t>{{"w1", 1}, {"w2", 2}}));
  auto waitlist = store_->GetWaitlist(kTenant, pid, 0, 10);
  ASSERT_TRUE(waitlist.ok());
  EXPECT_EQ(waitlist->length, 1);
  ASSERT_EQ(waitlist->entries.size(), 1u);
  EXPECT_EQ(waitlist->entries[0].member_id(), "w3");
  EXPECT_EQ(waitlist->entries[0].position(), 1);
  EXPECT_EQ(waitlist->entries[0].source(), "cli");
  EXPECT_TRUE(waitlist->entries[0].has_joined_at());

  // A replay returns the first answer and opens nothing.
  auto replay = store_->OpenNextCohort(NewMutation("open-2"), pid, "2026-04-01");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->SerializeAsString(), opened->SerializeAsString());
  auto program = store_->GetProgram(kTenant, pid);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->latest_cohort_number(), 2);
  EXPECT_EQ(program->waitlist_length(), 1);
  EXPECT_EQ(store_->OpenNextCohort(NewMutation("open-2", "other"), pid, "").status().code(),
            absl::StatusCode::kAlreadyExists);

  // An empty waitlist leaves the new cohort open.
  auto third = store_->OpenNextCohort(NewMutation(), pid, "");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->cohort().number(), 3);
  EXPECT_EQ(third->promoted_member_ids_size(), 1);
  EXPECT_EQ(third->cohort().state(), v1::OPEN);
  EXPECT_EQ(store_->OpenNextCohort(NewMutation(), "nope", "").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CohortStoreTest, StartAndCloseControlWhoMayTakeSeats) {
  const std::string pid = CreateProgram(2, v1::WAITLIST);
  Enroll(pid, "a");
  Enroll(pid, "b");
  Enroll(pid, "w");
  auto started = store_->StartCohort(NewMutation(""), pid, 1, false);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->state(), v1::RUNNING);
  EXPECT_TRUE(started->has_started_at());

  // After the start: no promotion, the seat is freed, the state stays RUNNING.
  auto withdrawn = store_->Withdraw(NewMutation(), pid, "a", "");
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_TRUE(withdrawn->promoted_member_id().empty());
  v1::Cohort cohort = Cohort(pid, 1);
  EXPECT_EQ(cohort.state(), v1::RUNNING);
  EXPECT_EQ(cohort.seats_taken(), 1);
  EXPECT_EQ(Enroll(pid, "x").result(), v1::WAITLISTED);

  // Late enrolment opens the freed seat again.
  auto late = store_->StartCohort(NewMutation(""), pid, 1, true);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->allow_late_enrollment());
  EXPECT_EQ(api::TimestampToMillis(late->started_at()),
            api::TimestampToMillis(started->started_at()));
  v1::EnrollResponse y = Enroll(pid, "y");
  EXPECT_EQ(y.result(), v1::ENROLLED);
  EXPECT_EQ(y.seat().seat_number(), 1);
  EXPECT_EQ(Cohort(pid, 1).state(), v1::RUNNING);

  auto closed = store_->CloseCohort(NewMutation(""), pid, 1);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->state(), v1::CLOSED);
  EXPECT_EQ(closed->seats_taken(), 2);
  auto closed_again = store_->CloseCohort(NewMutation(""), pid, 1);
  ASSERT_TRUE(closed_again.ok());
  EXPECT_EQ(api::TimestampToMillis(closed_again->closed_at()),
            api::TimestampToMillis(closed->closed_at()));
  EXPECT_EQ(store_->StartCohort(NewMutation(""), pid, 1, false).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->StartCohort(NewMutation(""), pid, 9, false).status().code(),
            absl::StatusCode::kNotFound);
  auto missing = store_->CloseCohort(NewMutation(""), pid, 9);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "cohort " + pid + ".9");

  std::vector<std::string> types = EventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "cohort.started"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "cohort.closed"), 1);
}

TEST_F(CohortStoreTest, TransferRespectsTheTargetAndRollsOver) {
  const std::string pid = CreateProgram(2, v1::AUTO_OPEN_NEXT);
  Enroll(pid, "a");
  Enroll(pid, "b");  // fills cohort 1, opens cohort 2
  Enroll(pid, "c");  // cohort 2 seat 1

  auto full = store_->Transfer(NewMutation(), pid, "c", 2, 1, "");
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(full.status().message(), "cohort " + pid + ".1 is full");

  auto moved = store_->Transfer(NewMutation(), pid, "a", 1, 2, "schedule");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->status(), v1::ACTIVE);
  EXPECT_EQ(moved->seat().cohort_id(), pid + ".2");
  EXPECT_EQ(moved->seat().seat_number(), 2);
  EXPECT_EQ(moved->entitlement_order_id(), "o-a");
  ASSERT_EQ(moved->history_size(), 2);
  EXPECT_EQ(moved->history(1).kind(), v1::HISTORY_TRANSFERRED);
  EXPECT_EQ(moved->history(1).cohort_id(), pid + ".2");
  EXPECT_EQ(moved->history(1).from_cohort_id(), pid + ".1");
  EXPECT_EQ(moved->history(1).reason(), "schedule");
  EXPECT_EQ(Cohort(pid, 1).state(), v1::OPEN);
  EXPECT_EQ(Cohort(pid, 1).seats_taken(), 1);
  EXPECT_EQ(Cohort(pid, 2).state(), v1::FULL);
  EXPECT_EQ(Cohort(pid, 3).state(), v1::OPEN);  // cohort 2 was the latest: 3 opened

  auto same = store_->Transfer(NewMutation(), pid, "a", 2, 2, "");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->seat().seat_number(), 2);
  EXPECT_EQ(same->history_size(), 2);

  EXPECT_EQ(store_->Transfer(NewMutation(), pid, "a", 1, 3, "").status().code(),
            absl::StatusCode::kNotFound);  // not in cohort 1 any more
  EXPECT_EQ(store_->Transfer(NewMutation(), pid, "zz", 1, 3, "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Transfer(NewMutation(), pid, "a", 2, 9, "").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->CloseCohort(NewMutation(""), pid, 3).ok());
  EXPECT_EQ(store_->Transfer(NewMutation(), pid, "a", 2, 3, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->StartCohort(NewMutation(""), pid, 1, false).ok());
  EXPECT_EQ(store_->Transfer(NewMutation(), pid, "a", 2, 1, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CohortStoreTest, TransferFreesTheSourceSeatForTheWaitlistHead) {
  const std::string pid = CreateProgram(1, v1::WAITLIST);
  Enroll(pid, "a");                                                  // cohort 1, FULL
  ASSERT_TRUE(store_->OpenNextCohort(NewMutation(), pid, "").ok());  // cohort 2, empty
  ASSERT_TRUE(store_->StartCohort(NewMutation(""), pid, 2, true).ok());
  ASSERT_TRUE(store_->CloseCohort(NewMutation(""), pid, 2).ok());
  ASSERT_TRUE(store_->OpenNextCohort(NewMutation(), pid, "").ok());      // cohort 3, empty
  ASSERT_TRUE(store_->StartCohort(NewMutation(""), pid, 3, true).ok());  // RUNNING, late
  Enroll(pid, "b");  // cohort 3 (late), FULL? RUNNING stays RUNNING
  Enroll(pid, "w");  // waiting
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "b", "").ok());  // RUNNING: no promotion
  EXPECT_EQ(Waitlist(pid), std::vector<std::string>{"w"});
  auto moved = store_->Transfer(NewMutation(), pid, "a", 1, 3, "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->seat().cohort_number(), 3);
  // Cohort 1 had not started: the waitlist's head took a's seat, cohort 1 stays FULL.
  EXPECT_EQ(Roster(pid, 1), (std::map<std::string, int32_t>{{"w", 1}}));
  EXPECT_EQ(Cohort(pid, 1).state(), v1::FULL);
  EXPECT_TRUE(Waitlist(pid).empty());
  std::vector<std::string> types = EventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "waitlist.promoted"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "enrollment.transferred"), 1);
}

TEST_F(CohortStoreTest, RetriedEnrollReturnsTheFirstAnswer) {
  const std::string pid = CreateProgram(1, v1::WAITLIST);
  v1::EnrollResponse first = Enroll(pid, "a", "req-a");
  ASSERT_EQ(first.result(), v1::ENROLLED);
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "a", "").ok());
  Enroll(pid, "b");
  // The state moved on; the retry still gets the first answer and changes nothing.
  EnrollCommand command;
  command.program_id = pid;
  command.member_id = "a";
  auto replay = store_->Enroll(NewMutation("req-a"), command);
  ASSERT_TRUE(replay.ok() && replay->response) << replay.status();
  EXPECT_EQ(replay->response->SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Roster(pid, 1), (std::map<std::string, int32_t>{{"b", 1}}));
  EXPECT_EQ(store_->Enroll(NewMutation("req-a", "another request"), command).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(CohortStoreTest, ListsPageByNumberSeatAndPosition) {
  const std::string pid = CreateProgram(3, v1::AUTO_OPEN_NEXT);
  for (int i = 0; i < 8; ++i) Enroll(pid, absl::StrCat("m", i));  // 3 + 3 + 2, cohort 3 open

  auto first = store_->ListCohorts(kTenant, pid, 0, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->cohorts.size(), 2u);
  EXPECT_EQ(first->cohorts[0].number(), 1);
  EXPECT_EQ(first->next_after_number, 2);
  auto second = store_->ListCohorts(kTenant, pid, 2, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->cohorts.size(), 1u);
  EXPECT_EQ(second->cohorts[0].number(), 3);
  EXPECT_EQ(second->cohorts[0].seats_taken(), 2);
  EXPECT_EQ(second->next_after_number, 0);

  auto roster = store_->ListRoster(kTenant, pid, 2, 0, 2);
  ASSERT_TRUE(roster.ok());
  EXPECT_EQ(roster->cohort.id(), pid + ".2");
  ASSERT_EQ(roster->entries.size(), 2u);
  EXPECT_EQ(roster->entries[0].member_id(), "m3");
  EXPECT_EQ(roster->entries[0].seat_number(), 1);
  EXPECT_EQ(roster->entries[1].seat_number(), 2);
  EXPECT_TRUE(roster->entries[0].has_seated_at());
  EXPECT_EQ(roster->next_after_seat, 2);
  auto rest = store_->ListRoster(kTenant, pid, 2, 2, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->entries.size(), 1u);
  EXPECT_EQ(rest->entries[0].member_id(), "m5");
  EXPECT_EQ(rest->next_after_seat, 0);
  EXPECT_EQ(store_->ListRoster(kTenant, pid, 9, 0, 2).status().code(), absl::StatusCode::kNotFound);

  const std::string wpid = CreateProgram(1, v1::WAITLIST);
  for (int i = 0; i < 6; ++i) Enroll(wpid, absl::StrCat("w", i));
  auto page = store_->GetWaitlist(kTenant, wpid, 0, 3);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->length, 5);
  ASSERT_EQ(page->entries.size(), 3u);
  EXPECT_EQ(page->entries[2].member_id(), "w3");
  EXPECT_EQ(page->entries[2].position(), 3);
  EXPECT_EQ(page->next_after_position, 3);
  auto last = store_->GetWaitlist(kTenant, wpid, 3, 3);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->entries.size(), 2u);
  EXPECT_EQ(last->entries[1].member_id(), "w5");
  EXPECT_EQ(last->entries[1].position(), 5);
  EXPECT_EQ(last->next_after_position, 0);
}

TEST_F(CohortStoreTest, MemberEnrollmentsAcrossProgrammes) {
  const std::string first = CreateProgram(5, v1::AUTO_OPEN_NEXT);
  const std::string second = CreateProgram(1, v1::WAITLIST, "Second");
  Enroll(first, "m");
  Enroll(second, "x");
  Enroll(second, "m");  // waiting
  auto enrollments = store_->ListMemberEnrollments(kTenant, "m");
  ASSERT_TRUE(enrollments.ok());
  ASSERT_EQ(enrollments->size(), 2u);
  EXPECT_EQ((*enrollments)[0].program_id(), first);
  EXPECT_EQ((*enrollments)[0].status(), v1::ACTIVE);
  EXPECT_EQ((*enrollments)[0].seat().cohort_name(), "Deep Work 1");
  EXPECT_EQ((*enrollments)[0].source(), "cli");
  EXPECT_TRUE((*enrollments)[0].has_enrolled_at());
  EXPECT_EQ((*enrollments)[1].program_id(), second);
  EXPECT_EQ((*enrollments)[1].status(), v1::WAITING);
  EXPECT_EQ((*enrollments)[1].waitlist_position(), 1);
  EXPECT_FALSE((*enrollments)[1].has_seat());
  auto nobody = store_->ListMemberEnrollments(kTenant, "nobody");
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->empty());
}

TEST_F(CohortStoreTest, BatchGetEnrollmentsAnswersInRequestOrderWithoutHistory) {
  const std::string pid = CreateProgram(2, v1::WAITLIST);
  for (const char* member : {"a", "b", "w1", "w2", "w3"}) Enroll(pid, member);
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "w2", "").ok());  // leaves the waitlist
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "a", "").ok());   // w1 takes seat 1

  auto batch = store_->BatchGetEnrollments(kTenant, pid, {"w3", "nobody", "w2", "w1", "b", "a"});
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 5u);
  std::vector<std::string> order;
  for (const v1::Enrollment& enrollment : *batch) {
    order.push_back(enrollment.member_id());
    EXPECT_EQ(enrollment.program_id(), pid);
    EXPECT_EQ(enrollment.history_size(), 0) << enrollment.member_id();
    EXPECT_EQ(enrollment.source(), "cli");
    EXPECT_TRUE(enrollment.has_enrolled_at());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"w3", "w2", "w1", "b", "a"}));
  const v1::Enrollment& w3 = (*batch)[0];
  EXPECT_EQ(w3.status(), v1::WAITING);
  EXPECT_EQ(w3.waitlist_position(), 1);  // w1 promoted, w2 left: w3 is next in line
  EXPECT_FALSE(w3.has_seat());
  EXPECT_EQ((*batch)[1].status(), v1::WITHDRAWN);
  EXPECT_EQ((*batch)[1].waitlist_position(), 0);
  EXPECT_FALSE((*batch)[1].has_seat());
  const v1::Enrollment& w1 = (*batch)[2];
  EXPECT_EQ(w1.status(), v1::ACTIVE);
  EXPECT_EQ(w1.seat().cohort_id(), pid + ".1");
  EXPECT_EQ(w1.seat().cohort_name(), "Deep Work 1");
  EXPECT_EQ(w1.seat().seat_number(), 1);
  EXPECT_EQ(w1.waitlist_position(), 0);
  EXPECT_EQ((*batch)[3].status(), v1::ACTIVE);
  EXPECT_EQ((*batch)[3].seat().seat_number(), 2);
  EXPECT_EQ((*batch)[3].entitlement_order_id(), "o-b");
  EXPECT_EQ((*batch)[4].status(), v1::WITHDRAWN);

  // Nobody known: an empty answer, not an error.
  auto none = store_->BatchGetEnrollments(kTenant, pid, {"x", "y"});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  // Another programme's enrolments do not leak in.
  const std::string other = CreateProgram(5, v1::AUTO_OPEN_NEXT, "Other");
  auto elsewhere = store_->BatchGetEnrollments(kTenant, other, {"b", "w3"});
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  EXPECT_TRUE(elsewhere->empty());

  auto unknown = store_->BatchGetEnrollments(kTenant, "nope", {"a"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "program nope");
  auto other_tenant = store_->BatchGetEnrollments("globex", pid, {"a"});
  EXPECT_EQ(other_tenant.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CohortStoreTest, BatchGetEnrollmentsReadsFiveHundredMembersAtOnce) {
  const std::string pid = CreateProgram(150, v1::AUTO_OPEN_NEXT);
  std::vector<std::string> members;
  for (int i = 0; i < 500; ++i) members.push_back(absl::StrCat("m", i));
  for (int i = 0; i < 500; i += 2) Enroll(pid, members[i]);  // 250 seated: cohorts 1 and 2
  auto batch = store_->BatchGetEnrollments(kTenant, pid, members);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 250u);
  for (size_t i = 0; i < batch->size(); ++i) {
    const v1::Enrollment& enrollment = (*batch)[i];
    EXPECT_EQ(enrollment.member_id(), members[2 * i]);
    EXPECT_EQ(enrollment.status(), v1::ACTIVE);
    EXPECT_EQ(enrollment.seat().cohort_number(), i < 150 ? 1 : 2);
    EXPECT_EQ(enrollment.seat().seat_number(), static_cast<int32_t>(i < 150 ? i + 1 : i - 149));
  }
}

TEST_F(CohortStoreTest, ProgramStatsCountCohortsWaitlistAndDays) {
  const std::string pid = CreateProgram(2, v1::WAITLIST);
  Enroll(pid, "a");
  Enroll(pid, "b");
  Enroll(pid, "w");
  now_ += absl::Hours(24);
  ASSERT_TRUE(store_->OpenNextCohort(NewMutation(), pid, "").ok());
  Enroll(pid, "c");
  auto stats = store_->GetProgramStats(kTenant, pid, {"2025-12-31", "2026-01-01", "2026-01-02"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->program().id(), pid);
  ASSERT_EQ(stats->cohorts_size(), 2);
  EXPECT_EQ(stats->cohorts(0).time_to_fill_seconds(), 2);  // opened at create, full 2 s later
  EXPECT_DOUBLE_EQ(stats->cohorts(0).fill_ratio(), 1.0);
  EXPECT_EQ(stats->cohorts(1).cohort().seats_taken(), 2);
  EXPECT_EQ(stats->cohorts(1).time_to_fill_seconds(), 1);
  EXPECT_EQ(stats->waitlist_length(), 0);
  EXPECT_EQ(stats->total_enrolled(), 4);
  ASSERT_EQ(stats->enrollments_per_day_size(), 3);
  EXPECT_EQ(stats->enrollments_per_day(0).date(), "2025-12-31");
  EXPECT_EQ(stats->enrollments_per_day(0).enrollments(), 0);
  // Seats taken per day: a and b; then w's promotion and c. Joining the waitlist is not one.
  EXPECT_EQ(stats->enrollments_per_day(1).enrollments(), 2);
  EXPECT_EQ(stats->enrollments_per_day(2).enrollments(), 2);
}

TEST_F(CohortStoreTest, EveryChangeWritesItsEvents) {
  const std::string pid = CreateProgram(1, v1::AUTO_OPEN_NEXT);
  Enroll(pid, "a");
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "a", "").ok());
  EXPECT_EQ(EventTypes(), (std::vector<std::string>{"program.created", "cohort.opened",
                                                    "cohort.full", "cohort.opened",
                                                    "enrollment.created", "enrollment.withdrawn"}));
}

TEST_F(CohortStoreTest, WaitlistJoinsAndPromotionsWriteTheirOwnEvents) {
  const std::string pid = CreateProgram(1, v1::WAITLIST);
  Enroll(pid, "a");
  Enroll(pid, "w");
  ASSERT_TRUE(store_->Withdraw(NewMutation(), pid, "a", "").ok());
  EXPECT_EQ(EventTypes(),
            (std::vector<std::string>{"program.created", "cohort.opened", "cohort.full",
                                      "enrollment.created", "waitlist.joined", "waitlist.promoted",
                                      "enrollment.withdrawn"}));
}

TEST(CohortNamingTest, CohortIdsRoundTripAndRejectMalformedNumbers) {
  EXPECT_EQ(CohortId("p1", 12), "p1.12");
  auto ref = ParseCohortId("01ABC.12", "cohort_id");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->program_id, "01ABC");
  EXPECT_EQ(ref->number, 12);
  for (const char* bad : {"", "p1", ".1", "p1.", "p1.0", "p1.01", "p1.-1", "p1.+1", "p1.x", "p1.1x",
                          "p1.99999999999"}) {
    auto parsed = ParseCohortId(bad, "to_cohort_id");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "to_cohort_id: ")) << bad;
  }
  EXPECT_TRUE(CapacityWarnings(150).empty());
  EXPECT_EQ(CapacityWarnings(151).size(), 1u);
}

// Enrols one member through the admission protocol (order "o-<member>"); nullopt on any error.
std::optional<v1::EnrollResponse> EnrollOnce(CohortStore& store, const std::string& pid,
                                             const std::string& member,
                                             const std::string& request_id) {
  Mutation mutation{kTenant, request_id, absl::StrCat("fp-", request_id), absl::Now()};
  EnrollCommand command;
  command.program_id = pid;
  command.member_id = member;
  auto outcome = store.Enroll(mutation, command);
  if (outcome.ok() && !outcome->response) {
    command.admission = Admission{absl::StrCat("o-", member), outcome->admission_generation};
    outcome = store.Enroll(mutation, command);
  }
  if (!outcome.ok() || !outcome->response) return std::nullopt;
  return *outcome->response;
}

// Runs `work(i)` for i in [0, count) on 32 threads.
template <typename Work>
void RunOnThreads(int count, Work work) {
  constexpr int kThreads = 32;
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < count; i = next++) work(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

// 32 threads race 1,000 distinct members into one programme; returns every member's answer.
std::map<std::string, v1::EnrollResponse> RaceEnrolments(CohortStore& store,
                                                         const std::string& pid) {
  constexpr int kMembers = 1000;
  std::vector<std::optional<v1::EnrollResponse>> answers(kMembers);
  RunOnThreads(kMembers, [&](int i) {
    answers[i] = EnrollOnce(store, pid, absl::StrCat("m", i), absl::StrCat("race-", i));
  });
  std::map<std::string, v1::EnrollResponse> all;
  for (int i = 0; i < kMembers; ++i) {
    EXPECT_TRUE(answers[i].has_value()) << "m" << i;
    if (answers[i]) all[absl::StrCat("m", i)] = *answers[i];
  }
  return all;
}

TEST_F(CohortStoreTest, ConcurrentEnrolmentsRollOverInExactCohortsOf150) {
  const std::string pid = CreateProgram(150, v1::AUTO_OPEN_NEXT);
  std::map<std::string, v1::EnrollResponse> answers = RaceEnrolments(*store_, pid);
  ASSERT_EQ(answers.size(), 1000u);

  std::map<int32_t, std::set<int32_t>> seats_by_cohort;
  for (const auto& [member, answer] : answers) {
    ASSERT_EQ(answer.result(), v1::ENROLLED) << member;
    EXPECT_TRUE(
        seats_by_cohort[answer.seat().cohort_number()].insert(answer.seat().seat_number()).second)
        << "seat given twice: " << answer.seat().cohort_id() << " " << answer.seat().seat_number();
  }
  auto program = store_->GetProgram(kTenant, pid);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->latest_cohort_number(), 7);
  std::set<std::string> rostered;
  for (int32_t number = 1; number <= 7; ++number) {
    const int32_t expected = number <= 6 ? 150 : 100;
    v1::Cohort cohort = Cohort(pid, number);
    EXPECT_EQ(cohort.seats_taken(), expected) << number;
    EXPECT_EQ(cohort.state(), number <= 6 ? v1::FULL : v1::OPEN) << number;
    std::map<std::string, int32_t> roster = Roster(pid, number);
    ASSERT_EQ(roster.size(), static_cast<size_t>(expected)) << number;
    std::set<int32_t> seats;
    for (const auto& [member, seat] : roster) {
      EXPECT_TRUE(rostered.insert(member).second) << member << " in two rosters";
      seats.insert(seat);
      EXPECT_EQ(answers[member].seat().cohort_number(), number);
      EXPECT_EQ(answers[member].seat().seat_number(), seat);
    }
    EXPECT_EQ(seats.size(), static_cast<size_t>(expected));
    EXPECT_EQ(*seats.begin(), 1);
    EXPECT_EQ(*seats.rbegin(), expected);
  }
  EXPECT_EQ(rostered.size(), 1000u);
}

TEST_F(CohortStoreTest, ConcurrentEnrolmentsFillOneCohortAndQueueTheRest) {
  const std::string pid = CreateProgram(150, v1::WAITLIST);
  std::map<std::string, v1::EnrollResponse> answers = RaceEnrolments(*store_, pid);
  ASSERT_EQ(answers.size(), 1000u);
  int enrolled = 0;
  std::map<int32_t, std::string> by_position;
  for (const auto& [member, answer] : answers) {
    if (answer.result() == v1::ENROLLED) {
      ++enrolled;
      EXPECT_EQ(answer.seat().cohort_number(), 1);
    } else {
      ASSERT_EQ(answer.result(), v1::WAITLISTED) << member;
      EXPECT_TRUE(by_position.emplace(answer.waitlist_position(), member).second)
          << "position given twice: " << answer.waitlist_position();
    }
  }
  EXPECT_EQ(enrolled, 150);
  ASSERT_EQ(by_position.size(), 850u);
  EXPECT_EQ(by_position.begin()->first, 1);
  EXPECT_EQ(by_position.rbegin()->first, 850);
  EXPECT_EQ(Roster(pid, 1).size(), 150u);
  // Nobody left the queue, so the positions answered are still the queue's order.
  std::vector<std::string> queue = Waitlist(pid);
  ASSERT_EQ(queue.size(), 850u);
  for (size_t i = 0; i < queue.size(); ++i) {
    EXPECT_EQ(by_position[static_cast<int32_t>(i + 1)], queue[i]);
  }
  auto program = store_->GetProgram(kTenant, pid);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->latest_cohort_number(), 1);
  EXPECT_EQ(program->waitlist_length(), 850);
}

TEST_F(CohortStoreTest, DuplicateEnrolmentsAndRetriesRaceToOneSeatPerMember) {
  const std::string pid = CreateProgram(150, v1::AUTO_OPEN_NEXT);
  constexpr int kMembers = 300;
  // Each member three times: twice with the same request id (a retry), once with another.
  std::vector<std::optional<v1::EnrollResponse>> answers(kMembers * 3);
  RunOnThreads(kMembers * 3, [&](int i) {
    const int member = i % kMembers;
    const int copy = i / kMembers;
    answers[i] = EnrollOnce(*store_, pid, absl::StrCat("m", member),
                            absl::StrCat("dup-", member, copy == 2 ? "-b" : "-a"));
  });
  std::set<std::pair<int32_t, int32_t>> seats;
  for (int member = 0; member < kMembers; ++member) {
    const auto& retry_a = answers[member];
    const auto& retry_b = answers[member + kMembers];
    const auto& other = answers[member + 2 * kMembers];
    ASSERT_TRUE(retry_a && retry_b && other) << member;
    EXPECT_EQ(retry_a->SerializeAsString(), retry_b->SerializeAsString()) << member;
    // One of the two requests seated the member, the other found that seat.
    EXPECT_EQ(std::min(retry_a->result(), other->result()), v1::ENROLLED) << member;
    EXPECT_EQ(std::max(retry_a->result(), other->result()), v1::ALREADY_ENROLLED) << member;
    EXPECT_EQ(retry_a->seat().SerializeAsString(), other->seat().SerializeAsString());
    EXPECT_TRUE(
        seats.emplace(retry_a->seat().cohort_number(), retry_a->seat().seat_number()).second);
  }
  EXPECT_EQ(Cohort(pid, 1).seats_taken(), 150);
  EXPECT_EQ(Cohort(pid, 2).seats_taken(), 150);
  EXPECT_EQ(Cohort(pid, 3).seats_taken(), 0);
  EXPECT_EQ(Cohort(pid, 3).state(), v1::OPEN);
}

TEST_F(CohortStoreTest, WithdrawalsRacingEnrolmentsKeepTheInvariants) {
  const std::string pid = CreateProgram(10, v1::WAITLIST);
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(EnrollOnce(*store_, pid, absl::StrCat("m", i), absl::StrCat("pre-", i)));
  }
  // Half the threads' work withdraws m0..m39 (seated and waiting), the rest enrols m60..m139.
  std::atomic<int> failures{0};
  RunOnThreads(120, [&](int i) {
    if (i % 3 == 0 && i / 3 < 40) {
      Mutation mutation{kTenant, absl::StrCat("wd-", i), "fp", absl::Now()};
      if (!store_->Withdraw(mutation, pid, absl::StrCat("m", i / 3), "").ok()) ++failures;
    } else if (!EnrollOnce(*store_, pid, absl::StrCat("m", 60 + i), absl::StrCat("new-", i))) {
      ++failures;
    }
  });
  EXPECT_EQ(failures.load(), 0);

  v1::Cohort cohort = Cohort(pid, 1);
  std::map<std::string, int32_t> roster = Roster(pid, 1);
  std::vector<std::string> queue = Waitlist(pid);
  EXPECT_EQ(cohort.seats_taken(), 10);
  EXPECT_EQ(cohort.state(), v1::FULL);
  ASSERT_EQ(roster.size(), 10u);
  std::set<int32_t> seats;
  for (const auto& [member, seat] : roster) seats.insert(seat);
  EXPECT_EQ(seats, (std::set<int32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  // Every member that did not withdraw is in exactly one place; withdrawn ones in none.
  std::set<std::string> placed;
  for (const auto& [member, seat] : roster) placed.insert(member);
  for (const std::string& member : queue) EXPECT_TRUE(placed.insert(member).second) << member;
  std::set<std::string> expected;
  for (int i = 40; i < 60; ++i) expected.insert(absl::StrCat("m", i));
  for (int i = 0; i < 120; ++i) {
    if (!(i % 3 == 0 && i / 3 < 40)) expected.insert(absl::StrCat("m", 60 + i));
  }
  EXPECT_EQ(placed, expected);
  auto waitlist = store_->GetWaitlist(kTenant, pid, 0, 1);
  ASSERT_TRUE(waitlist.ok());
  EXPECT_EQ(waitlist->length, static_cast<int32_t>(expected.size()) - 10);
}

}  // namespace
}  // namespace dunbar::cohort
