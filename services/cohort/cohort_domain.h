// The cohort service's logic, independent of gRPC: validates and normalizes requests (errors name
// the field, see cohort_validation.h), assigns programme ids, computes idempotency fingerprints,
// runs the admission protocol of Enroll, and calls the store. The tenant is already resolved by
// the caller (authentication is the adapter's job).
//
// Enroll asks the store first; only when the store holds no usable cached admission does it ask
// membership (through the AdmissionGate) and then call the store again with the answer, so a
// cached enrolment is one Redis round trip and no network hop to membership.
//
//   CohortDomain domain(store, gate, {.clock = [] { return absl::Now(); }});
//   absl::StatusOr<v1::Program> program = domain.CreateProgram("acme", request);
//   absl::StatusOr<v1::EnrollResponse> seat = domain.Enroll("acme", enroll, caller_deadline);
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/cohort/v1/cohort.pb.h"
#include "services/cohort/admission_gate.h"
#include "services/cohort/cohort_store.h"

namespace dunbar::cohort {

struct CohortDomainOptions {
  // The service's "now" (stored timestamps, idempotency, stats dates). Thread-safe.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Optional: told (tenant, program id) after every successful mutation that may change a batch's
  // seats or state (metrics, see seat_metrics.h). Must be cheap and thread-safe.
  std::function<void(const std::string&, const std::string&)> seats_changed = nullptr;
};

class CohortDomain {
 public:
  CohortDomain(std::shared_ptr<CohortStore> store, std::shared_ptr<AdmissionGate> gate,
               CohortDomainOptions options);

  absl::StatusOr<v1::Program> CreateProgram(const std::string& tenant,
                                            const v1::CreateProgramRequest& request);
  absl::StatusOr<v1::Program> GetProgram(const std::string& tenant,
                                         const v1::GetProgramRequest& request);
  absl::StatusOr<v1::ListProgramsResponse> ListPrograms(const std::string& tenant,
                                                        const v1::ListProgramsRequest& request);
  absl::StatusOr<v1::Program> UpdateProgram(const std::string& tenant,
                                            const v1::UpdateProgramRequest& request);
  absl::StatusOr<v1::Program> ArchiveProgram(const std::string& tenant,
                                             const v1::ArchiveProgramRequest& request);

  absl::StatusOr<v1::Cohort> GetCohort(const std::string& tenant,
                                       const v1::GetCohortRequest& request);
  absl::StatusOr<v1::ListCohortsResponse> ListCohorts(const std::string& tenant,
                                                      const v1::ListCohortsRequest& request);
  absl::StatusOr<v1::OpenNextCohortResponse> OpenNextCohort(
      const std::string& tenant, const v1::OpenNextCohortRequest& request);
  absl::StatusOr<v1::Cohort> StartCohort(const std::string& tenant,
                                         const v1::StartCohortRequest& request);
  absl::StatusOr<v1::Cohort> CloseCohort(const std::string& tenant,
                                         const v1::CloseCohortRequest& request);

  // `deadline`: the caller's; a call to membership never outlives it.
  absl::StatusOr<v1::EnrollResponse> Enroll(const std::string& tenant,
                                            const v1::EnrollRequest& request,
                                            absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<v1::WithdrawResponse> Withdraw(const std::string& tenant,
                                                const v1::WithdrawRequest& request);
  absl::StatusOr<v1::Enrollment> Transfer(const std::string& tenant,
                                          const v1::TransferRequest& request);

  absl::StatusOr<v1::ListRosterResponse> ListRoster(const std::string& tenant,
                                                    const v1::ListRosterRequest& request);
  absl::StatusOr<v1::GetWaitlistResponse> GetWaitlist(const std::string& tenant,
                                                      const v1::GetWaitlistRequest& request);
  absl::StatusOr<v1::ListMemberEnrollmentsResponse> ListMemberEnrollments(
      const std::string& tenant, const v1::ListMemberEnrollmentsRequest& request);
  absl::StatusOr<v1::BatchGetEnrollmentsResponse> BatchGetEnrollments(
      const std::string& tenant, const v1::BatchGetEnrollmentsRequest& request);
  absl::StatusOr<v1::ProgramStats> GetProgramStats(const std::string& tenant,
                                                   const v1::GetProgramStatsRequest& request);

 private:
  // The mutation context: request id checked (when the request has one), fingerprint of
  // `request` with the tenant resolved, the service's "now".
  template <typename Request>
  absl::StatusOr<Mutation> MakeMutation(const std::string& tenant, const Request& request);
  // Naturally idempotent mutations (archive, start, close) have no request id.
  template <typename Request>
  Mutation MakeIdempotentMutation(const std::string& tenant, const Request& request,
                                  const std::string& request_id = "");
  // The store's Enroll, asking membership in between when the store says so.
  absl::StatusOr<v1::EnrollResponse> RunAdmission(const Mutation& mutation, EnrollCommand command,
                                                  absl::Time deadline);
  // Passes `result` through, telling options_.seats_changed when it is OK.
  template <typename T>
  absl::StatusOr<T> SeatsMayHaveChanged(const std::string& tenant, const std::string& program_id,
                                        absl::StatusOr<T> result);

  std::shared_ptr<CohortStore> store_;
  std::shared_ptr<AdmissionGate> gate_;
  CohortDomainOptions options_;
};

}  // namespace dunbar::cohort
