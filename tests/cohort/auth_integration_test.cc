// Authentication and tenant isolation for EVERY RPC of CohortService; the table is checked against
// the service descriptor, so a new RPC without a case fails this test.
#include <google/protobuf/descriptor.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/auth_table.h"
#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;

class CohortAuthTest : public CohortIntegrationTest {
 protected:
  void SetUp() override {
    CohortIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    auto members = MakeMembers(fixture(), 2);
    ASSERT_TRUE(members.ok()) << members.status();
    seated_ = (*members)[0];
    spare_ = (*members)[1];
    program_ = MustCreateProgram(fixture(), ProgramSpec("Deep Work", 5));
    ASSERT_GRPC_OK(Enroll(fixture(), program_.id(), seated_, nullptr));
    ASSERT_GRPC_OK(OpenNextCohort(fixture(), program_.id(), nullptr));
  }

  using Call = std::function<grpc::Status(grpc::ClientContext*, const std::string& tenant)>;

  // One valid call per RPC on acme's programme; `tenant` goes into the request.
  std::map<std::string, Call> Calls() {
    const std::string pid = program_.id();
    const std::string c1 = CohortId(pid, 1), c2 = CohortId(pid, 2);
    const std::string seated = seated_, spare = spare_;
    auto& s = stub();
    return {
        {"CreateProgram",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::CreateProgramRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           *r.mutable_program() = ProgramSpec("New", 10);
           cv1::Program out;
           return s.CreateProgram(ctx, r, &out);
         }},
        {"GetProgram",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::GetProgramRequest r;
           r.set_tenant(tenant);
           r.set_program_id(pid);
           cv1::Program out;
           return s.GetProgram(ctx, r, &out);
         }},
        {"ListPrograms",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::ListProgramsRequest r;
           r.set_tenant(tenant);
           cv1::ListProgramsResponse out;
           return s.ListPrograms(ctx, r, &out);
         }},
        {"UpdateProgram",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::UpdateProgramRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.mutable_program()->set_id(pid);
           r.mutable_program()->set_description(NewRequestId());
           r.mutable_update_mask()->add_paths("description");
           cv1::Program out;
           return s.UpdateProgram(ctx, r, &out);
         }},
        {"ArchiveProgram",
         [&s](grpc::ClientContext* ctx, const std::string& tenant) {
           // A programme of its own, so the others stay open.
           const cv1::Program victim = MustCreateProgram(fixture(), ProgramSpec("Victim", 5));
           cv1::ArchiveProgramRequest r;
           r.set_tenant(tenant);
           r.set_program_id(victim.id());
           cv1::Program out;
           return s.ArchiveProgram(ctx, r, &out);
         }},
        {"GetCohort",
         [&s, c1](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::GetCohortRequest r;
           r.set_tenant(tenant);
           r.set_cohort_id(c1);
           cv1::Cohort out;
           return s.GetCohort(ctx, r, &out);
         }},
        {"ListCohorts",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::ListCohortsRequest r;
           r.set_tenant(tenant);
           r.set_program_id(pid);
           cv1::ListCohortsResponse out;
           return s.ListCohorts(ctx, r, &out);
         }},
        {"OpenNextCohort",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::OpenNextCohortRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_program_id(pid);
           cv1::OpenNextCohortResponse out;
           return s.OpenNextCohort(ctx, r, &out);
         }},
        {"StartCohort",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::OpenNextCohortResponse opened;
           if (!OpenNextCohort(fixture(), pid, &opened).ok()) {
             return grpc::Status(grpc::StatusCode::ABORTED, "setup failed");
           }
           cv1::StartCohortRequest r;
           r.set_tenant(tenant);
           r.set_cohort_id(opened.cohort().id());
           cv1::Cohort out;
           return s.StartCohort(ctx, r, &out);
         }},
        {"CloseCohort",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::OpenNextCohortResponse opened;
           if (!OpenNextCohort(fixture(), pid, &opened).ok()) {
             return grpc::Status(grpc::StatusCode::ABORTED, "setup failed");
           }
           cv1::CloseCohortRequest r;
           r.set_tenant(tenant);
           r.set_cohort_id(opened.cohort().id());
           cv1::Cohort out;
           return s.CloseCohort(ctx, r, &out);
         }},
        {"Enroll",
         [&s, pid, spare](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::EnrollRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_program_id(pid);
           r.set_member_id(spare);
           cv1::EnrollResponse out;
           grpc::Status status = s.Enroll(ctx, r, &out);
           // Undo, so the next case enrols afresh.
           if (status.ok()) Withdraw(fixture(), pid, spare, nullptr);
           return status;
         }},
        {"Withdraw",
         [&s, pid, spare](grpc::ClientContext* ctx, const std::string& tenant) {
           if (!Enroll(fixture(), pid, spare, nullptr).ok()) {
             return grpc::Status(grpc::StatusCode::ABORTED, "setup failed");
           }
           cv1::WithdrawRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_program_id(pid);
           r.set_member_id(spare);
           cv1::WithdrawResponse out;
           grpc::Status status = s.Withdraw(ctx, r, &out);
           if (!status.ok()) Withdraw(fixture(), pid, spare, nullptr);
           return status;
         }},
        {"Transfer",
         [&s, seated, c1, c2](grpc::ClientContext* ctx, const std::string& tenant) {
           // Wherever the member is, move it to the other cohort.
           cv1::Cohort first;
           if (!GetCohort(fixture(), c1, &first).ok()) {
             return grpc::Status(grpc::StatusCode::ABORTED, "setup failed");
           }
           const bool in_first = first.seats_taken() == 1;
           cv1::TransferRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_member_id(seated);
           r.set_from_cohort_id(in_first ? c1 : c2);
           r.set_to_cohort_id(in_first ? c2 : c1);
           cv1::Enrollment out;
           return s.Transfer(ctx, r, &out);
         }},
        {"ListRoster",
         [&s, c1](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::ListRosterRequest r;
           r.set_tenant(tenant);
           r.set_cohort_id(c1);
           cv1::ListRosterResponse out;
           return s.ListRoster(ctx, r, &out);
         }},
        {"GetWaitlist",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::GetWaitlistRequest r;
           r.set_tenant(tenant);
           r.set_program_id(pid);
           cv1::GetWaitlistResponse out;
           return s.GetWaitlist(ctx, r, &out);
         }},
        {"ListMemberEnrollments",
         [&s, seated](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::ListMemberEnrollmentsRequest r;
           r.set_tenant(tenant);
           r.set_member_id(seated);
           cv1::ListMemberEnrollmentsResponse out;
           return s.ListMemberEnrollments(ctx, r, &out);
         }},
        {"BatchGetEnrollments",
         [&s, pid, seated, spare](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::BatchGetEnrollmentsRequest r;
           r.set_tenant(tenant);
           r.set_program_id(pid);
           r.add_member_ids(seated);
           r.add_member_ids(spare);
           cv1::BatchGetEnrollmentsResponse out;
           return s.BatchGetEnrollments(ctx, r, &out);
         }},
        {"GetProgramStats",
         [&s, pid](grpc::ClientContext* ctx, const std::string& tenant) {
           cv1::GetProgramStatsRequest r;
           r.set_tenant(tenant);
           r.set_program_id(pid);
           cv1::ProgramStats out;
           return s.GetProgramStats(ctx, r, &out);
         }},
    };
  }

  std::string seated_;
  std::string spare_;
  cv1::Program program_;
};

TEST_F(CohortAuthTest, EveryRpcChecksTheTokenAndTheTenant) {
  const auto calls = Calls();
  ExpectCallsCoverService("dunbar.cohort.v1.CohortService", calls, 18u);
  ExpectEveryCallChecksTokenAndTenant(calls, [](Caller caller) { return Ctx(caller); });
  // The membership service's tokens are not the cohort service's.
  auto context = fixture().membership().Context(Caller::kAcme);
  cv1::ListProgramsRequest r;
  cv1::ListProgramsResponse out;
  EXPECT_THAT(stub().ListPrograms(context.get(), r, &out), HasCode(Code::UNAUTHENTICATED));
}

// Another tenant names acme's programme, cohorts and member: it sees nothing and changes nothing.
TEST_F(CohortAuthTest, AnotherTenantCannotReachAcmesProgramme) {
  auto calls = Calls();
  // Calls whose success for globex would be right: creating its own programme, listing its own
  // (empty) lists and its own member's (empty) enrolments.
  const std::set<std::string> own_data = {"CreateProgram", "ListPrograms", "ListMemberEnrollments",
                                          "ArchiveProgram"};
  for (const auto& [method, call] : calls) {
    if (own_data.count(method) > 0) continue;
    for (Caller caller : {Caller::kGlobex, Caller::kService}) {
      const std::string tenant = caller == Caller::kService ? "globex" : "";
      auto context = Ctx(caller);
      grpc::Status status = call(context.get(), tenant);
      EXPECT_THAT(status, HasCode(Code::NOT_FOUND)) << method << " as " << static_cast<int>(caller);
    }
  }
  cv1::ListProgramsRequest list;
  cv1::ListProgramsResponse listed;
  ASSERT_GRPC_OK(stub().ListPrograms(Ctx(Caller::kGlobex).get(), list, &listed));
  for (const auto& p : listed.programs()) EXPECT_NE(p.id(), program_.id());
  cv1::ListMemberEnrollmentsRequest enrolments;
  enrolments.set_member_id(seated_);
  cv1::ListMemberEnrollmentsResponse none;
  ASSERT_GRPC_OK(stub().ListMemberEnrollments(Ctx(Caller::kGlobex).get(), enrolments, &none));
  EXPECT_EQ(none.enrollments_size(), 0);
  // Acme's state is untouched: its one member still in seat 1 of cohort 1, not archived.
  auto snapshot = Snapshot(fixture(), program_.id());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectInvariants(*snapshot);
  EXPECT_EQ(snapshot->seat_of, (std::map<std::string, std::pair<int, int>>{{seated_, {1, 1}}}));
  EXPECT_FALSE(snapshot->program.archived());
}

}  // namespace
}  // namespace dunbar::testing
