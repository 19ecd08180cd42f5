// Request validation for the cohort service: the rules the domain applies before the store sees a
// request. Every error is INVALID_ARGUMENT naming the field ("program.cohort_capacity: ...").
//
//   v1::Program program = request.program();
//   DUNBAR_RETURN_IF_ERROR(NormalizeNewProgram(program));        // defaults applied
//   DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> paths,
//                           NormalizeProgramUpdate(request.update_mask(), values));
#pragma once

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dunbar/cohort/v1/cohort.pb.h"
#include "services/cohort/cohort_naming.h"

namespace dunbar::cohort {

namespace v1 = ::dunbar::cohort::v1;

inline constexpr int kDefaultCohortCapacity = 50;
inline constexpr int kMaxCohortCapacity = 500;
inline constexpr size_t kMaxDescriptionLength = 4000;
inline constexpr size_t kMaxTemplateLength = 200;
inline constexpr size_t kMaxSourceLength = 64;
inline constexpr size_t kMaxReasonLength = 500;
inline constexpr int kDefaultStatsDays = 30;
inline constexpr int kMaxStatsDays = 366;
inline constexpr int kMaxBatchMembers = 500;
inline constexpr std::string_view kDefaultNameTemplate = "{programme} {n}";

// The update_mask paths UpdateProgram accepts, in proto order.
const std::vector<std::string>& UpdatableProgramPaths();

// A new programme (CreateProgram): every field checked, defaults applied (capacity 0 -> 50,
// rollover UNSPECIFIED -> AUTO_OPEN_NEXT, empty template -> "{programme} {n}", currency
// upper-cased), output-only fields cleared.
absl::Status NormalizeNewProgram(v1::Program& program);

// UpdateProgram: the mask's paths (deduplicated, at least one; unknown -> "update_mask: ..."),
// and the fields they name in `values` checked and defaulted as on create. What needs the stored
// programme (capacity above 150 without allow_over_dunbar in the mask) is the store's check.
absl::StatusOr<std::vector<std::string>> NormalizeProgramUpdate(
    const google::protobuf::FieldMask& mask, v1::Program& values);

// ParseCohortId (cohort_naming.h) plus a well-formed programme id; INVALID_ARGUMENT naming `field`.
absl::StatusOr<CohortRef> ParseCohortRef(std::string_view field, std::string_view cohort_id);

// BatchGetEnrollments.member_ids: 1..500 entries, each a valid id (errors name "member_ids[3]");
// returned without duplicates, in first-seen order.
absl::StatusOr<std::vector<std::string>> NormalizeMemberIds(
    const google::protobuf::RepeatedPtrField<std::string>& member_ids);

// GetProgramStats.days: 0 -> 30, 1..366.
absl::StatusOr<int> NormalizeStatsDays(int days);

// Optional free text of at most `max_bytes` bytes of UTF-8 (sources, reasons).
absl::Status ValidateOptionalText(std::string_view field, std::string_view value, size_t max_bytes);

}  // namespace dunbar::cohort
