#include "services/cohort/cohort_grpc_service.h"

#include <string>
#include <utility>

#include "common/server/tenant_call.h"

namespace dunbar::cohort {

CohortGrpcService::CohortGrpcService(std::shared_ptr<CohortDomain> domain,
                                     std::shared_ptr<auth::TokenStore> tokens)
    : domain_(std::move(domain)), tokens_(std::move(tokens)) {}

// Every RPC but Enroll: the domain method of the same name, with the resolved tenant.
#define DUNBAR_COHORT_UNARY(Method, Request, Response)                                             \
  grpc::Status CohortGrpcService::Method(grpc::ServerContext* context, const v1::Request* request, \
                                         v1::Response* response) {                                 \
    return server::RunTenantCall(                                                                  \
        *tokens_, *context, request->tenant(), response,                                           \
        [&](const std::string& tenant) { return domain_->Method(tenant, *request); });             \
  }

DUNBAR_COHORT_UNARY(CreateProgram, CreateProgramRequest, Program)
DUNBAR_COHORT_UNARY(GetProgram, GetProgramRequest, Program)
DUNBAR_COHORT_UNARY(ListPrograms, ListProgramsRequest, ListProgramsResponse)
DUNBAR_COHORT_UNARY(UpdateProgram, UpdateProgramRequest, Program)
DUNBAR_COHORT_UNARY(ArchiveProgram, ArchiveProgramRequest, Program)
DUNBAR_COHORT_UNARY(GetCohort, GetCohortRequest, Cohort)
DUNBAR_COHORT_UNARY(ListCohorts, ListCohortsRequest, ListCohortsResponse)
DUNBAR_COHORT_UNARY(OpenNextCohort, OpenNextCohortRequest, OpenNextCohortResponse)
DUNBAR_COHORT_UNARY(StartCohort, StartCohortRequest, Cohort)
DUNBAR_COHORT_UNARY(CloseCohort, CloseCohortRequest, Cohort)
DUNBAR_COHORT_UNARY(Withdraw, WithdrawRequest, WithdrawResponse)
DUNBAR_COHORT_UNARY(Transfer, TransferRequest, Enrollment)
DUNBAR_COHORT_UNARY(ListRoster, ListRosterRequest, ListRosterResponse)
DUNBAR_COHORT_UNARY(GetWaitlist, GetWaitlistRequest, GetWaitlistResponse)
DUNBAR_COHORT_UNARY(ListMemberEnrollments, ListMemberEnrollmentsRequest,
                    ListMemberEnrollmentsResponse)
DUNBAR_COHORT_UNARY(BatchGetEnrollments, BatchGetEnrollmentsRequest, BatchGetEnrollmentsResponse)
DUNBAR_COHORT_UNARY(GetProgramStats, GetProgramStatsRequest, ProgramStats)

#undef DUNBAR_COHORT_UNARY

grpc::Status CohortGrpcService::Enroll(grpc::ServerContext* context,
                                       const v1::EnrollRequest* request,
                                       v1::EnrollResponse* response) {
  const absl::Time deadline = server::CallDeadline(*context);
  return server::RunTenantCall(
      *tokens_, *context, request->tenant(), response,
      [&](const std::string& tenant) { return domain_->Enroll(tenant, *request, deadline); });
}

}  // namespace dunbar::cohort
