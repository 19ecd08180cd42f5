#include "services/cohort/cohort_domain.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"
#include "common/api/request_fingerprint.h"
#include "common/ids/id_generator.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"
#include "services/cohort/calendar_date.h"
#include "services/cohort/cohort_naming.h"
#include "services/cohort/cohort_validation.h"

namespace dunbar::cohort {
namespace {

// Page-token kinds: a token of one list is rejected by another. Each token also carries the list's
// scope (programme, cohort or filter) so it cannot page through a different one.
constexpr std::string_view kProgramsToken = "cp";
constexpr std::string_view kCohortsToken = "cc";
constexpr std::string_view kRosterToken = "cr";
constexpr std::string_view kWaitlistToken = "cw";

// An invalidation may land between membership's answer and the store's second look; asking again
// settles it, and more rounds than this mean entitlements are changing faster than we can enrol.
constexpr int kMaxAdmissionRounds = 3;

absl::Status ForeignToken() {
  return absl::InvalidArgumentError(
      "page_token: belongs to a different list (another program, cohort or filter)");
}

// A page token of `kind` for the list `scope`: "" (first page) -> 0, else the position it holds.
absl::StatusOr<int32_t> DecodePosition(std::string_view kind, const std::string& token,
                                       const std::string& scope) {
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> fields, api::DecodePageToken(kind, token, 2));
  if (fields.empty()) return 0;
  if (fields[0] != scope) return ForeignToken();
  int32_t position = 0;
  if (!absl::SimpleAtoi(fields[1], &position) || position < 1) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  return position;
}

std::string EncodePosition(std::string_view kind, const std::string& scope, int32_t position) {
  if (position <= 0) return "";
  return api::EncodePageToken(kind, {scope, absl::StrCat(position)});
}

absl::Status RequireId(std::string_view field, const std::string& value) {
  return validation::ValidateId(field, value);
}

}  // namespace

CohortDomain::CohortDomain(std::shared_ptr<CohortStore> store, std::shared_ptr<AdmissionGate> gate,
                           CohortDomainOptions options)
    : store_(std::move(store)), gate_(std::move(gate)), options_(std::move(options)) {}

template <typename Request>
absl::StatusOr<Mutation> CohortDomain::MakeMutation(const std::string& tenant,
                                                    const Request& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateRequestId("request_id", request.request_id()));
  return MakeIdempotentMutation(tenant, request, request.request_id());
}

template <typename Request>
Mutation CohortDomain::MakeIdempotentMutation(const std::string& tenant, const Request& request,
                                              const std::string& request_id) {
  Request canonical = request;
  canonical.set_tenant(tenant);
  return Mutation{tenant, request_id, api::RequestFingerprint(canonical), options_.clock()};
}

template <typename T>
absl::StatusOr<T> CohortDomain::SeatsMayHaveChanged(const std::string& tenant,
                                                    const std::string& program_id,
                                                    absl::StatusOr<T> result) {
  if (result.ok() && options_.seats_changed) options_.seats_changed(tenant, program_id);
  return result;
}

absl::StatusOr<v1::Program> CohortDomain::CreateProgram(const std::string& tenant,
                                                        const v1::CreateProgramRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  v1::Program program = request.program();
  DUNBAR_RETURN_IF_ERROR(NormalizeNewProgram(program));
  program.set_id(ids::NewId());
  program.set_tenant(tenant);
  DUNBAR_ASSIGN_OR_RETURN(v1::Program created, store_->CreateProgram(mutation, program));
  return SeatsMayHaveChanged<v1::Program>(tenant, created.id(), created);
}

absl::StatusOr<v1::Program> CohortDomain::GetProgram(const std::string& tenant,
                                                     const v1::GetProgramRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(v1::Program program, store_->GetProgram(tenant, request.program_id()));
  return program;
}

absl::StatusOr<v1::ListProgramsResponse> CohortDomain::ListPrograms(
    const std::string& tenant, const v1::ListProgramsRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  const std::string scope = request.include_archived() ? "all" : "active";
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> fields,
                          api::DecodePageToken(kProgramsToken, request.page_token(), 2));
  std::string cursor;
  if (!fields.empty()) {
    if (fields[0] != scope) return ForeignToken();
    cursor = fields[1];
  }
  DUNBAR_ASSIGN_OR_RETURN(ProgramPage page, store_->ListPrograms(tenant, cursor, page_size,
                                                                 request.include_archived()));
  v1::ListProgramsResponse response;
  for (v1::Program& program : page.programs) {
    *response.add_programs() = program;
  }
  if (!page.next_cursor.empty()) {
    response.set_next_page_token(api::EncodePageToken(kProgramsToken, {scope, page.next_cursor}));
  }
  return response;
}

absl::StatusOr<v1::Program> CohortDomain::UpdateProgram(const std::string& tenant,
                                                        const v1::UpdateProgramRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(RequireId("program.id", request.program().id()));
  v1::Program values = request.program();
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                          NormalizeProgramUpdate(request.update_mask(), values));
  DUNBAR_ASSIGN_OR_RETURN(v1::Program updated, store_->UpdateProgram(mutation, values, paths));
  return updated;
}

absl::StatusOr<v1::Program> CohortDomain::ArchiveProgram(const std::string& tenant,
                                                         const v1::ArchiveProgramRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(
      v1::Program archived,
      store_->ArchiveProgram(MakeIdempotentMutation(tenant, request), request.program_id()));
  return archived;
}

absl::StatusOr<v1::Cohort> CohortDomain::GetCohort(const std::string& tenant,
                                                   const v1::GetCohortRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(CohortRef ref, ParseCohortRef("cohort_id", request.cohort_id()));
  return store_->GetCohort(tenant, ref.program_id, ref.number);
}

absl::StatusOr<v1::ListCohortsResponse> CohortDomain::ListCohorts(
    const std::string& tenant, const v1::ListCohortsRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  DUNBAR_ASSIGN_OR_RETURN(
      int32_t after, DecodePosition(kCohortsToken, request.page_token(), request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(CohortPage page,
                          store_->ListCohorts(tenant, request.program_id(), after, page_size));
  v1::ListCohortsResponse response;
  for (v1::Cohort& cohort : page.cohorts) *response.add_cohorts() = std::move(cohort);
  response.set_next_page_token(
      EncodePosition(kCohortsToken, request.program_id(), page.next_after_number));
  return response;
}

absl::StatusOr<v1::OpenNextCohortResponse> CohortDomain::OpenNextCohort(
    const std::string& tenant, const v1::OpenNextCohortRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  if (!request.start_date().empty()) {
    DUNBAR_RETURN_IF_ERROR(ValidateDate("start_date", request.start_date()));
  }
  return SeatsMayHaveChanged(
      tenant, request.program_id(),
      store_->OpenNextCohort(mutation, request.program_id(), request.start_date()));
}

absl::StatusOr<v1::Cohort> CohortDomain::StartCohort(const std::string& tenant,
                                                     const v1::StartCohortRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(CohortRef ref, ParseCohortRef("cohort_id", request.cohort_id()));
  return SeatsMayHaveChanged(
      tenant, ref.program_id,
      store_->StartCohort(MakeIdempotentMutation(tenant, request), ref.program_id, ref.number,
                          request.allow_late_enrollment()));
}

absl::StatusOr<v1::Cohort> CohortDomain::CloseCohort(const std::string& tenant,
                                                     const v1::CloseCohortRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(CohortRef ref, ParseCohortRef("cohort_id", request.cohort_id()));
  return SeatsMayHaveChanged(
      tenant, ref.program_id,
      store_->CloseCohort(MakeIdempotentMutation(tenant, request), ref.program_id, ref.number));
}

absl::StatusOr<v1::EnrollResponse> CohortDomain::Enroll(const std::string& tenant,
                                                        const v1::EnrollRequest& request,
                                                        absl::Time deadline) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_RETURN_IF_ERROR(RequireId("member_id", request.member_id()));
  DUNBAR_RETURN_IF_ERROR(ValidateOptionalText("source", request.source(), kMaxSourceLength));
  EnrollCommand command;
  command.program_id = request.program_id();
  command.member_id = request.member_id();
  command.source = request.source();
  command.admission_valid_since = gate_->admission_valid_since();
  return SeatsMayHaveChanged(tenant, request.program_id(),
                             RunAdmission(mutation, std::move(command), deadline));
}

absl::StatusOr<v1::EnrollResponse> CohortDomain::RunAdmission(const Mutation& mutation,
                                                              EnrollCommand command,
                                                              absl::Time deadline) {
  for (int round = 0; round <= kMaxAdmissionRounds; ++round) {
    DUNBAR_ASSIGN_OR_RETURN(EnrollOutcome outcome, store_->Enroll(mutation, command));
    if (outcome.response.has_value()) return *std::move(outcome.response);
    if (round == kMaxAdmissionRounds) break;
    DUNBAR_ASSIGN_OR_RETURN(
        std::string order_id,
        gate_->CheckEntitlement(mutation.tenant, command.program_id, command.member_id,
                                outcome.requires_entitlement, deadline));
    command.admission = Admission{std::move(order_id), outcome.admission_generation};
  }
  return absl::AbortedError(absl::StrCat("enrollment of member ", command.member_id,
                                         ": the entitlement kept changing while enrolling; retry"));
}

absl::StatusOr<v1::WithdrawResponse> CohortDomain::Withdraw(const std::string& tenant,
                                                            const v1::WithdrawRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_RETURN_IF_ERROR(RequireId("member_id", request.member_id()));
  DUNBAR_RETURN_IF_ERROR(ValidateOptionalText("reason", request.reason(), kMaxReasonLength));
  return SeatsMayHaveChanged(
      tenant, request.program_id(),
      store_->Withdraw(mutation, request.program_id(), request.member_id(), request.reason()));
}

absl::StatusOr<v1::Enrollment> CohortDomain::Transfer(const std::string& tenant,
                                                      const v1::TransferRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(RequireId("member_id", request.member_id()));
  DUNBAR_ASSIGN_OR_RETURN(CohortRef from,
                          ParseCohortRef("from_cohort_id", request.from_cohort_id()));
  DUNBAR_ASSIGN_OR_RETURN(CohortRef to, ParseCohortRef("to_cohort_id", request.to_cohort_id()));
  if (from.program_id != to.program_id) {
    return absl::InvalidArgumentError(
        "to_cohort_id: must be a cohort of the same program as from_cohort_id");
  }
  DUNBAR_RETURN_IF_ERROR(ValidateOptionalText("reason", request.reason(), kMaxReasonLength));
  return SeatsMayHaveChanged(tenant, from.program_id,
                             store_->Transfer(mutation, from.program_id, request.member_id(),
                                              from.number, to.number, request.reason()));
}

absl::StatusOr<v1::ListRosterResponse> CohortDomain::ListRoster(
    const std::string& tenant, const v1::ListRosterRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(CohortRef ref, ParseCohortRef("cohort_id", request.cohort_id()));
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  const std::string scope = CohortId(ref.program_id, ref.number);
  DUNBAR_ASSIGN_OR_RETURN(int32_t after, DecodePosition(kRosterToken, request.page_token(), scope));
  DUNBAR_ASSIGN_OR_RETURN(RosterPage page,
                          store_->ListRoster(tenant, ref.program_id, ref.number, after, page_size));
  v1::ListRosterResponse response;
  *response.mutable_cohort() = std::move(page.cohort);
  for (v1::RosterEntry& entry : page.entries) *response.add_entries() = std::move(entry);
  response.set_next_page_token(EncodePosition(kRosterToken, scope, page.next_after_seat));
  return response;
}

absl::StatusOr<v1::GetWaitlistResponse> CohortDomain::GetWaitlist(
    const std::string& tenant, const v1::GetWaitlistRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  DUNBAR_ASSIGN_OR_RETURN(
      int32_t after, DecodePosition(kWaitlistToken, request.page_token(), request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(WaitlistPage page,
                          store_->GetWaitlist(tenant, request.program_id(), after, page_size));
  v1::GetWaitlistResponse response;
  for (v1::WaitlistEntry& entry : page.entries) *response.add_entries() = std::move(entry);
  response.set_length(page.length);
  response.set_next_page_token(
      EncodePosition(kWaitlistToken, request.program_id(), page.next_after_position));
  return response;
}

absl::StatusOr<v1::ListMemberEnrollmentsResponse> CohortDomain::ListMemberEnrollments(
    const std::string& tenant, const v1::ListMemberEnrollmentsRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("member_id", request.member_id()));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<v1::Enrollment> enrollments,
                          store_->ListMemberEnrollments(tenant, request.member_id()));
  v1::ListMemberEnrollmentsResponse response;
  for (v1::Enrollment& enrollment : enrollments) {
    *response.add_enrollments() = std::move(enrollment);
  }
  return response;
}

absl::StatusOr<v1::BatchGetEnrollmentsResponse> CohortDomain::BatchGetEnrollments(
    const std::string& tenant, const v1::BatchGetEnrollmentsRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> member_ids,
                          NormalizeMemberIds(request.member_ids()));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<v1::Enrollment> enrollments,
                          store_->BatchGetEnrollments(tenant, request.program_id(), member_ids));
  v1::BatchGetEnrollmentsResponse response;
  for (v1::Enrollment& enrollment : enrollments) {
    *response.add_enrollments() = std::move(enrollment);
  }
  return response;
}

absl::StatusOr<v1::ProgramStats> CohortDomain::GetProgramStats(
    const std::string& tenant, const v1::GetProgramStatsRequest& request) {
  DUNBAR_RETURN_IF_ERROR(RequireId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(int days, NormalizeStatsDays(request.days()));
  DUNBAR_ASSIGN_OR_RETURN(v1::ProgramStats stats,
                          store_->GetProgramStats(tenant, request.program_id(),
                                                  UtcDatesEndingAt(options_.clock(), days)));
  return stats;
}

}  // namespace dunbar::cohort
