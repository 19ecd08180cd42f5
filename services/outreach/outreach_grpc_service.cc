#include "services/outreach/outreach_grpc_service.h"

#include <string>
#include <utility>

#include "common/server/tenant_call.h"

namespace dunbar::outreach {

OutreachGrpcService::OutreachGrpcService(std::shared_ptr<OutreachDomain> domain,
                                         std::shared_ptr<auth::TokenStore> tokens,
                                         WorkerDeps worker_deps, std::function<absl::Time()> clock)
    : domain_(std::move(domain)),
      tokens_(std::move(tokens)),
      worker_deps_(std::move(worker_deps)),
      clock_(std::move(clock)) {}

// RPCs served from outreach's own keyspace: the domain method of the same name, with the tenant.
#define DUNBAR_OUTREACH_UNARY(Method, Request, Response)                                         \
  grpc::Status OutreachGrpcService::Method(grpc::ServerContext* context,                         \
                                           const v1::Request* request, v1::Response* response) { \
    return server::RunTenantCall(                                                                \
        *tokens_, *context, request->tenant(), response,                                         \
        [&](const std::string& tenant) { return domain_->Method(tenant, *request); });           \
  }

// RPCs that may call membership or cohort: the caller's deadline bounds those calls.
#define DUNBAR_OUTREACH_UNARY_WITH_DEADLINE(Method, Request, Response)                           \
  grpc::Status OutreachGrpcService::Method(grpc::ServerContext* context,                         \
                                           const v1::Request* request, v1::Response* response) { \
    const absl::Time deadline = server::CallDeadline(*context);                                  \
    return server::RunTenantCall(                                                                \
        *tokens_, *context, request->tenant(), response,                                         \
        [&](const std::string& tenant) { return domain_->Method(tenant, *request, deadline); }); \
  }

DUNBAR_OUTREACH_UNARY_WITH_DEADLINE(SetPolicy, SetPolicyRequest, Policy)
DUNBAR_OUTREACH_UNARY(GetPolicy, GetPolicyRequest, Policy)
DUNBAR_OUTREACH_UNARY_WITH_DEADLINE(GetDailyPlan, GetDailyPlanRequest, DailyPlan)
DUNBAR_OUTREACH_UNARY(ListTasks, ListTasksRequest, ListTasksResponse)
DUNBAR_OUTREACH_UNARY(GetTask, GetTaskRequest, Task)
DUNBAR_OUTREACH_UNARY_WITH_DEADLINE(CompleteTask, CompleteTaskRequest, CompleteTaskResponse)
DUNBAR_OUTREACH_UNARY(SnoozeTask, SnoozeTaskRequest, Task)
DUNBAR_OUTREACH_UNARY_WITH_DEADLINE(CreateCampaign, CreateCampaignRequest, Campaign)
DUNBAR_OUTREACH_UNARY(GetCampaign, GetCampaignRequest, Campaign)
DUNBAR_OUTREACH_UNARY(ListCampaigns, ListCampaignsRequest, ListCampaignsResponse)
DUNBAR_OUTREACH_UNARY(PauseCampaign, PauseCampaignRequest, Campaign)
DUNBAR_OUTREACH_UNARY(ResumeCampaign, ResumeCampaignRequest, Campaign)
DUNBAR_OUTREACH_UNARY(GetFunnel, GetFunnelRequest, Funnel)
DUNBAR_OUTREACH_UNARY(ListDeadLetters, ListDeadLettersRequest, ListDeadLettersResponse)
DUNBAR_OUTREACH_UNARY(ReplayDeadLetter, ReplayDeadLetterRequest, ReplayDeadLetterResponse)

#undef DUNBAR_OUTREACH_UNARY_WITH_DEADLINE
#undef DUNBAR_OUTREACH_UNARY

grpc::Status OutreachGrpcService::GetWorkerStatus(grpc::ServerContext* context,
                                                  const v1::GetWorkerStatusRequest* request,
                                                  v1::WorkerStatus* response) {
  return server::RunTenantCall(*tokens_, *context, request->tenant(), response,
                               [&](const std::string& tenant) {
                                 return OutreachWorker::ReadStatus(worker_deps_, tenant, clock_());
                               });
}

}  // namespace dunbar::outreach
