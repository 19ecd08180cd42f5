// Applies a completed task's outcome to the other services, each effect exactly once however
// often it runs (inline after CompleteTask, then by the worker until done):
//   every outcome  -> membership RecordInteraction(CONTACTED, at = completed_at),
//                     request id "task:<id>:contacted"
//   OPTED_OUT      -> membership SetContactPreference(do_not_contact), request id
//                     "task:<id>:opt-out" (the preferred channel is kept)
//   ENROLLED       -> cohort Enroll(task's target programme, member, source "outreach"),
//                     request id = the task id; cohort's answer (also WAITLISTED) is recorded
// Each result is stored (OutreachStore::RecordEffects) as soon as it is known, so a crash
// half-way keeps what was done, and the deterministic request ids make a repeat a replay.
//
// Decisions: ALREADY_EXISTS for one of our request ids means that effect was applied before.
// Failures that retrying cannot fix (the member no longer exists; Enroll's FAILED_PRECONDITION,
// e.g. no entitlement, or NOT_FOUND) end in state FAILED with last_error and an OK answer (the
// worker stops; a replay tries again). An ENROLLED task without a target programme records
// last_error "no target programme" and ends APPLIED: the other effects are done and nothing
// later could enrol it. Anything else (a service down) leaves state PENDING with last_error and
// answers the error, so the worker retries.
//
//   TaskEffectsApplier applier(store, *membership, *cohort, membership_calls, cohort_calls);
//   absl::Status status = applier.Apply("acme", task_id, deadline);
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/outreach/outreach_store.h"
#include "services/outreach/service_calls.h"

namespace dunbar::outreach {

// The request ids outreach uses towards membership and cohort for a task's effects.
std::string ContactedRequestId(const std::string& task_id);
std::string OptOutRequestId(const std::string& task_id);

class TaskEffectsApplier {
 public:
  using MembershipStub = ::dunbar::membership::v1::MembershipService::StubInterface;
  using CohortStub = ::dunbar::cohort::v1::CohortService::StubInterface;

  TaskEffectsApplier(OutreachStore& store, MembershipStub& membership, CohortStub& cohort,
                     const ServiceCaller& membership_calls, const ServiceCaller& cohort_calls);

  // OK when every effect is applied (or there is nothing to apply: the task is not DONE, or its
  // effects are APPLIED) and when the effects ended FAILED; otherwise the error that stopped them.
  absl::Status Apply(const std::string& tenant, const std::string& task_id, absl::Time deadline);

 private:
  enum class Step { kDone, kRetryLater, kGiveUp };
  struct StepResult {
    Step step = Step::kDone;
    absl::Status status;  // kRetryLater: the error; kGiveUp: the reason
  };

  StepResult RecordContact(const std::string& tenant, const v1::Task& task, absl::Time deadline);
  StepResult RecordOptOut(const std::string& tenant, const v1::Task& task, absl::Time deadline);
  StepResult Enroll(const std::string& tenant, const v1::Task& task, v1::TaskEffects& effects,
                    absl::Time deadline);
  // Stores `effects` ending with `result` (PENDING or FAILED) and answers what Apply answers.
  absl::Status Stop(const std::string& tenant, const std::string& task_id, v1::TaskEffects& effects,
                    const StepResult& result);

  OutreachStore& store_;
  MembershipStub& membership_;
  CohortStub& cohort_;
  const ServiceCaller& membership_calls_;
  const ServiceCaller& cohort_calls_;
};

}  // namespace dunbar::outreach
