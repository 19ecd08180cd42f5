// The gRPC face of the cohort service: authenticates the caller, resolves the tenant, tags the RPC
// log line with it, calls the domain, and maps absl::Status to grpc::Status
// (common/server/tenant_call.h). No logic lives here; Enroll forwards the caller's deadline so
// the membership check never outlives it.
//
//   CohortGrpcService service(domain, tokens);
//   builder.RegisterService(&service);
#pragma once

#include <memory>

#include "common/auth/token_store.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "services/cohort/cohort_domain.h"

namespace dunbar::cohort {

class CohortGrpcService final : public v1::CohortService::Service {
 public:
  CohortGrpcService(std::shared_ptr<CohortDomain> domain, std::shared_ptr<auth::TokenStore> tokens);

  grpc::Status CreateProgram(grpc::ServerContext* context, const v1::CreateProgramRequest* request,
                             v1::Program* response) override;
  grpc::Status GetProgram(grpc::ServerContext* context, const v1::GetProgramRequest* request,
                          v1::Program* response) override;
  grpc::Status ListPrograms(grpc::ServerContext* context, const v1::ListProgramsRequest* request,
                            v1::ListProgramsResponse* response) override;
  grpc::Status UpdateProgram(grpc::ServerContext* context, const v1::UpdateProgramRequest* request,
                             v1::Program* response) override;
  grpc::Status ArchiveProgram(grpc::ServerContext* context,
                              const v1::ArchiveProgramRequest* request,
                              v1::Program* response) override;
  grpc::Status GetCohort(grpc::ServerContext* context, const v1::GetCohortRequest* request,
                         v1::Cohort* response) override;
  grpc::Status ListCohorts(grpc::ServerContext* context, const v1::ListCohortsRequest* request,
                           v1::ListCohortsResponse* response) override;
  grpc::Status OpenNextCohort(grpc::ServerContext* context,
                              const v1::OpenNextCohortRequest* request,
                              v1::OpenNextCohortResponse* response) override;
  grpc::Status StartCohort(grpc::ServerContext* context, const v1::StartCohortRequest* request,
                           v1::Cohort* response) override;
  grpc::Status CloseCohort(grpc::ServerContext* context, const v1::CloseCohortRequest* request,
                           v1::Cohort* response) override;
  grpc::Status Enroll(grpc::ServerContext* context, const v1::EnrollRequest* request,
                      v1::EnrollResponse* response) override;
  grpc::Status Withdraw(grpc::ServerContext* context, const v1::WithdrawRequest* request,
                        v1::WithdrawResponse* response) override;
  grpc::Status Transfer(grpc::ServerContext* context, const v1::TransferRequest* request,
                        v1::Enrollment* response) override;
  grpc::Status ListRoster(grpc::ServerContext* context, const v1::ListRosterRequest* request,
                          v1::ListRosterResponse* response) override;
  grpc::Status GetWaitlist(grpc::ServerContext* context, const v1::GetWaitlistRequest* request,
                           v1::GetWaitlistResponse* response) override;
  grpc::Status ListMemberEnrollments(grpc::ServerContext* context,
                                     const v1::ListMemberEnrollmentsRequest* request,
                                     v1::ListMemberEnrollmentsResponse* response) override;
  grpc::Status BatchGetEnrollments(grpc::ServerContext* context,
                                   const v1::BatchGetEnrollmentsRequest* request,
                                   v1::BatchGetEnrollmentsResponse* response) override;
  grpc::Status GetProgramStats(grpc::ServerContext* context,
                               const v1::GetProgramStatsRequest* request,
                               v1::ProgramStats* response) override;

 private:
  std::shared_ptr<CohortDomain> domain_;
  std::shared_ptr<auth::TokenStore> tokens_;
};

}  // namespace dunbar::cohort
