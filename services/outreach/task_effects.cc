#include "services/outreach/task_effects.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace dunbar::outreach {
namespace {

namespace mv1 = ::dunbar::membership::v1;
namespace cv1 = ::dunbar::cohort::v1;

constexpr char kEnrollSource[] = "outreach";
constexpr char kNoTargetProgram[] = "no target programme";

bool AppliedBefore(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::ALREADY_EXISTS;
}

}  // namespace

std::string ContactedRequestId(const std::string& task_id) {
  return absl::StrCat("task:", task_id, ":contacted");
}

std::string OptOutRequestId(const std::string& task_id) {
  return absl::StrCat("task:", task_id, ":opt-out");
}

TaskEffectsApplier::TaskEffectsApplier(OutreachStore& store, MembershipStub& membership,
                                       CohortStub& cohort, const ServiceCaller& membership_calls,
                                       const ServiceCaller& cohort_calls)
    : store_(store),
      membership_(membership),
      cohort_(cohort),
      membership_calls_(membership_calls),
      cohort_calls_(cohort_calls) {}

absl::Status TaskEffectsApplier::Apply(const std::string& tenant, const std::string& task_id,
                                       absl::Time deadline) {
  DUNBAR_ASSIGN_OR_RETURN(v1::Task task, store_.GetTask(tenant, task_id));
  if (task.status() != v1::DONE || task.effects().state() == v1::APPLIED) return absl::OkStatus();
  v1::TaskEffects effects = task.effects();
  effects.clear_last_error();

  if (!effects.contact_recorded()) {
    const StepResult result = RecordContact(tenant, task, deadline);
    if (result.step != Step::kDone) return Stop(tenant, task_id, effects, result);
    effects.set_contact_recorded(true);
    DUNBAR_RETURN_IF_ERROR(store_.RecordEffects(tenant, task_id, effects).status());
  }
  if (task.outcome() == v1::OPTED_OUT && !effects.opt_out_recorded()) {
    const StepResult result = RecordOptOut(tenant, task, deadline);
    if (result.step != Step::kDone) return Stop(tenant, task_id, effects, result);
    effects.set_opt_out_recorded(true);
    DUNBAR_RETURN_IF_ERROR(store_.RecordEffects(tenant, task_id, effects).status());
  }
  if (task.outcome() == v1::ENROLLED && effects.enroll_result().empty()) {
    if (task.target_program_id().empty()) {
      effects.set_last_error(kNoTargetProgram);
    } else {
      const StepResult result = Enroll(tenant, task, effects, deadline);
      if (result.step != Step::kDone) return Stop(tenant, task_id, effects, result);
      DUNBAR_RETURN_IF_ERROR(store_.RecordEffects(tenant, task_id, effects).status());
    }
  }
  effects.set_state(v1::APPLIED);
  DUNBAR_RETURN_IF_ERROR(store_.RecordEffects(tenant, task_id, effects).status());
  return absl::OkStatus();
}

TaskEffectsApplier::StepResult TaskEffectsApplier::RecordContact(const std::string& tenant,
                                                                 const v1::Task& task,
                                                                 absl::Time deadline) {
  mv1::RecordInteractionRequest request;
  request.set_tenant(tenant);
  request.set_request_id(ContactedRequestId(task.id()));
  request.set_member_id(task.member_id());
  request.set_kind(mv1::CONTACTED);
  *request.mutable_at() = task.completed_at();
  request.set_note(
      absl::StrCat("outreach task ", task.id(), ": ", v1::Outcome_Name(task.outcome())));
  mv1::Interaction reply;
  const grpc::Status status = membership_calls_.CallRaw(deadline, [&](grpc::ClientContext* c) {
    return membership_.RecordInteraction(c, request, &reply);
  });
  if (status.ok() || AppliedBefore(status)) return {Step::kDone, absl::OkStatus()};
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return {Step::kGiveUp,
            absl::NotFoundError(absl::StrCat("member ", task.member_id(), " no longer exists"))};
  }
  return {Step::kRetryLater, membership_calls_.MapError(status)};
}

TaskEffectsApplier::StepResult TaskEffectsApplier::RecordOptOut(const std::string& tenant,
                                                                const v1::Task& task,
                                                                absl::Time deadline) {
  // SetContactPreference replaces the whole preference: keep the member's preferred channel.
  mv1::GetMemberRequest get;
  get.set_tenant(tenant);
  get.set_member_id(task.member_id());
  mv1::Member member;
  grpc::Status status = membership_calls_.CallRaw(
      deadline, [&](grpc::ClientContext* c) { return membership_.GetMember(c, get, &member); });
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return {Step::kGiveUp,
            absl::NotFoundError(absl::StrCat("member ", task.member_id(), " no longer exists"))};
  }
  if (!status.ok()) return {Step::kRetryLater, membership_calls_.MapError(status)};

  mv1::SetContactPreferenceRequest request;
  request.set_tenant(tenant);
  request.set_request_id(OptOutRequestId(task.id()));
  request.set_member_id(task.member_id());
  request.set_do_not_contact(true);
  request.set_do_not_contact_reason(absl::StrCat("opted out (outreach task ", task.id(), ")"));
  request.set_preferred_channel(member.preference().preferred_channel());
  mv1::ContactPreference reply;
  status = membership_calls_.CallRaw(deadline, [&](grpc::ClientContext* c) {
    return membership_.SetContactPreference(c, request, &reply);
  });
  if (status.ok() || AppliedBefore(status)) return {Step::kDone, absl::OkStatus()};
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return {Step::kGiveUp,
            absl::NotFoundError(absl::StrCat("member ", task.member_id(), " no longer exists"))};
  }
  return {Step::kRetryLater, membership_calls_.MapError(status)};
}

TaskEffectsApplier::StepResult TaskEffectsApplier::Enroll(const std::string& tenant,
                                                          const v1::Task& task,
                                                          v1::TaskEffects& effects,
                                                          absl::Time deadline) {
  cv1::EnrollRequest request;
  request.set_tenant(tenant);
  request.set_request_id(task.id());
  request.set_program_id(task.target_program_id());
  request.set_member_id(task.member_id());
  request.set_source(kEnrollSource);
  cv1::EnrollResponse reply;
  const grpc::Status status = cohort_calls_.CallRaw(
      deadline, [&](grpc::ClientContext* c) { return cohort_.Enroll(c, request, &reply); });
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      effects.set_enroll_result(cv1::EnrollResult_Name(reply.result()));
      effects.set_enrolled_cohort_id(reply.seat().cohort_id());
      effects.set_seat_number(reply.seat().seat_number());
      effects.set_waitlist_position(reply.waitlist_position());
      return {Step::kDone, absl::OkStatus()};
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::ALREADY_EXISTS:
      return {Step::kGiveUp, cohort_calls_.MapError(status)};
    default:
      return {Step::kRetryLater, cohort_calls_.MapError(status)};
  }
}

absl::Status TaskEffectsApplier::Stop(const std::string& tenant, const std::string& task_id,
                                      v1::TaskEffects& effects, const StepResult& result) {
  effects.set_last_error(std::string(result.status.message()));
  effects.set_state(result.step == Step::kGiveUp ? v1::FAILED : v1::PENDING);
  const absl::Status recorded = store_.RecordEffects(tenant, task_id, effects).status();
  if (result.step == Step::kGiveUp) return recorded;
  return result.status;
}

}  // namespace dunbar::outreach
