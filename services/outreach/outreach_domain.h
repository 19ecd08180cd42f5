// The outreach service's logic, independent of gRPC: validates and normalizes requests (errors
// name the field), computes local dates in the policy's timezone, generates daily plans from
// membership's ranking and cohort's enrolments, applies task outcomes to the other services, and
// calls the store. The tenant is already resolved by the caller (authentication is the adapter's).
//
// Plan generation (first GetDailyPlan of a date): RankContacts pages (warmest first) are walked,
// skipping members with an open task (passed as exclude_ids), do-not-contact (membership skips
// them), members contacted within the cooldown before the plan's date, and members already enrolled
// or waiting in the target programme (one cohort BatchGetEnrollments per page). Active campaigns
// (not paused, the date within their range; oldest first) take up to their pace from their segment
// first; warm contacts fill the rest of the quota. The draft is stored in one step
// (OutreachStore::CreatePlan: exactly one plan per date even when calls race). If membership or
// cohort fails, nothing is stored and the answer is UNAVAILABLE (or the error they gave).
//
// Outcome effects (CompleteTask, then ApplyTaskEffects, also run by the worker): each call to
// another service is idempotent by construction: RecordInteraction(CONTACTED) with request id
// "task:<id>:contacted", SetContactPreference with "task:<id>:opt-out", Enroll with the task id as
// request id; the follow-up is scheduled by the same store step that records the outcome. So a
// retry or a crash between steps never applies anything twice.
//
// Cross-service calls carry the service token, a per-call deadline (never beyond the caller's),
// and are retried (with short backoff) only on UNAVAILABLE, and only because they are idempotent.
//
//   OutreachDomain domain(store, membership_stub, cohort_stub, {.service_token = token});
//   absl::StatusOr<v1::DailyPlan> plan = domain.GetDailyPlan("acme", request, deadline);
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "dunbar/outreach/v1/outreach.pb.h"
#include "services/outreach/outreach_store.h"
#include "services/outreach/outreach_worker.h"

namespace dunbar::outreach {

struct OutreachDomainOptions {
  // The service token presented to membership and cohort (role "service").
  std::string service_token;
  // Deadline of each call to membership / cohort (shortened to the caller's remaining time).
  absl::Duration membership_timeout = absl::Seconds(2);
  absl::Duration cohort_timeout = absl::Seconds(2);
  // Attempts of an idempotent cross-service call that answered UNAVAILABLE (1 = no retry).
  int call_attempts = 3;
  absl::Duration retry_backoff = absl::Milliseconds(50);
  // RankContacts page size while generating, and how many pages at most (bounds the work when
  // most top contacts are excluded).
  int rank_page_size = 100;
  int max_rank_pages = 20;
  // The service's "now" (local dates, stored timestamps). Thread-safe. Tests pin or advance it.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class OutreachDomain : public WorkerHandlers {
 public:
  using MembershipStub = ::dunbar::membership::v1::MembershipService::StubInterface;
  using CohortStub = ::dunbar::cohort::v1::CohortService::StubInterface;

  OutreachDomain(std::shared_ptr<OutreachStore> store, std::shared_ptr<MembershipStub> membership,
                 std::shared_ptr<CohortStub> cohort, OutreachDomainOptions options);

  // `deadline`: the caller's; no call to another service outlives it.
  absl::StatusOr<v1::Policy> SetPolicy(const std::string& tenant, const v1::SetPolicyRequest& request,
                                       absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<v1::Policy> GetPolicy(const std::string& tenant,
                                       const v1::GetPolicyRequest& request);

  absl::StatusOr<v1::DailyPlan> GetDailyPlan(const std::string& tenant,
                                             const v1::GetDailyPlanRequest& request,
                                             absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const std::string& tenant,
                                                  const v1::ListTasksRequest& request);
  absl::StatusOr<v1::Task> GetTask(const std::string& tenant, const v1::GetTaskRequest& request);
  // Records the outcome (one store step, effects queued), then applies the effects at once within
  // `deadline`; what failed stays PENDING for the worker (the answer is still OK).
  absl::StatusOr<v1::CompleteTaskResponse> CompleteTask(const std::string& tenant,
                                                        const v1::CompleteTaskRequest& request,
                                                        absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<v1::Task> SnoozeTask(const std::string& tenant,
                                      const v1::SnoozeTaskRequest& request);

  absl::StatusOr<v1::Campaign> CreateCampaign(const std::string& tenant,
                                              const v1::CreateCampaignRequest& request,
                                              absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<v1::Campaign> GetCampaign(const std::string& tenant,
                                           const v1::GetCampaignRequest& request);
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const std::string& tenant,
                                                          const v1::ListCampaignsRequest& request);
  absl::StatusOr<v1::Campaign> PauseCampaign(const std::string& tenant,
                                             const v1::PauseCampaignRequest& request);
  absl::StatusOr<v1::Campaign> ResumeCampaign(const std::string& tenant,
                                              const v1::ResumeCampaignRequest& request);

  absl::StatusOr<v1::Funnel> GetFunnel(const std::string& tenant,
                                       const v1::GetFunnelRequest& request);

  absl::StatusOr<v1::ListDeadLettersResponse> ListDeadLetters(
      const std::string& tenant, const v1::ListDeadLettersRequest& request);
  absl::StatusOr<v1::ReplayDeadLetterResponse> ReplayDeadLetter(
      const std::string& tenant, const v1::ReplayDeadLetterRequest& request);

  // WorkerHandlers (idempotent; also used by CompleteTask for the inline attempt).
  // cohort.opened: when the tenant's policy has auto_campaign_on_new_cohort and the programme is
  // its target (or no target is set), a NEW_COHORT campaign "<cohort name>" inviting to that batch
  // at the policy's auto_campaign_pace, from the cohort's opening date, segment empty (everyone).
  absl::Status OnCohortOpened(const std::string& tenant, const std::string& program_id,
                              int32_t cohort_number) override;
  // member.updated: refresh the card of the member's open task from GetMember (do-not-contact set
  // -> the task is cancelled); member.deleted (or GetMember NOT_FOUND): cancel it. A member with
  // no open task needs nothing (membership is not asked).
  absl::Status OnMemberChanged(const std::string& tenant, const std::string& member_id,
                               bool deleted) override;
  // Applies the completed task's pending effects and records them (RecordEffects). OK when all are
  // applied (also when they already were); otherwise the first error (the worker retries).
  absl::Status ApplyTaskEffects(const std::string& tenant, const std::string& task_id) override;
  absl::Status CreateFollowUp(const std::string& tenant, const std::string& source_task_id,
                              const std::string& date) override;

 private:
  absl::Status ApplyTaskEffectsBefore(const std::string& tenant, const std::string& task_id,
                                      absl::Time deadline);

  std::shared_ptr<OutreachStore> store_;
  std::shared_ptr<MembershipStub> membership_;
  std::shared_ptr<CohortStub> cohort_;
  OutreachDomainOptions options_;
};

}  // namespace dunbar::outreach
