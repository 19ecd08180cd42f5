// The gRPC face of the outreach service: authenticates the caller, resolves the tenant, tags the
// RPC log line with it, calls the domain, and maps absl::Status to grpc::Status
// (common/server/tenant_call.h). No logic lives here. RPCs that call membership or cohort forward
// the caller's deadline; GetWorkerStatus reads the worker's streams directly (no worker needed).
//
//   OutreachGrpcService service(domain, tokens, worker_deps, clock);
//   builder.RegisterService(&service);
#pragma once

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "common/auth/token_store.h"
#include "dunbar/outreach/v1/outreach.grpc.pb.h"
#include "services/outreach/outreach_domain.h"
#include "services/outreach/outreach_worker.h"

namespace dunbar::outreach {

class OutreachGrpcService final : public v1::OutreachService::Service {
 public:
  OutreachGrpcService(std::shared_ptr<OutreachDomain> domain,
                      std::shared_ptr<auth::TokenStore> tokens, WorkerDeps worker_deps,
                      std::function<absl::Time()> clock);

  grpc::Status SetPolicy(grpc::ServerContext* context, const v1::SetPolicyRequest* request,
                         v1::Policy* response) override;
  grpc::Status GetPolicy(grpc::ServerContext* context, const v1::GetPolicyRequest* request,
                         v1::Policy* response) override;
  grpc::Status GetDailyPlan(grpc::ServerContext* context, const v1::GetDailyPlanRequest* request,
                            v1::DailyPlan* response) override;
  grpc::Status ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest* request,
                         v1::ListTasksResponse* response) override;
  grpc::Status GetTask(grpc::ServerContext* context, const v1::GetTaskRequest* request,
                       v1::Task* response) override;
  grpc::Status CompleteTask(grpc::ServerContext* context, const v1::CompleteTaskRequest* request,
                            v1::CompleteTaskResponse* response) override;
  grpc::Status SnoozeTask(grpc::ServerContext* context, const v1::SnoozeTaskRequest* request,
                          v1::Task* response) override;
  grpc::Status CreateCampaign(grpc::ServerContext* context,
                              const v1::CreateCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status GetCampaign(grpc::ServerContext* context, const v1::GetCampaignRequest* request,
                           v1::Campaign* response) override;
  grpc::Status ListCampaigns(grpc::ServerContext* context, const v1::ListCampaignsRequest* request,
                             v1::ListCampaignsResponse* response) override;
  grpc::Status PauseCampaign(grpc::ServerContext* context, const v1::PauseCampaignRequest* request,
                             v1::Campaign* response) override;
  grpc::Status ResumeCampaign(grpc::ServerContext* context,
                              const v1::ResumeCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status GetFunnel(grpc::ServerContext* context, const v1::GetFunnelRequest* request,
                         v1::Funnel* response) override;
  grpc::Status ListDeadLetters(grpc::ServerContext* context,
                               const v1::ListDeadLettersRequest* request,
                               v1::ListDeadLettersResponse* response) override;
  grpc::Status ReplayDeadLetter(grpc::ServerContext* context,
                                const v1::ReplayDeadLetterRequest* request,
                                v1::ReplayDeadLetterResponse* response) override;
  grpc::Status GetWorkerStatus(grpc::ServerContext* context,
                               const v1::GetWorkerStatusRequest* request,
                               v1::WorkerStatus* response) override;

 private:
  std::shared_ptr<OutreachDomain> domain_;
  std::shared_ptr<auth::TokenStore> tokens_;
  WorkerDeps worker_deps_;
  std::function<absl::Time()> clock_;
};

}  // namespace dunbar::outreach
