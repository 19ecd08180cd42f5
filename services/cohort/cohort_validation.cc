#include "services/cohort/cohort_validation.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"
#include "services/cohort/calendar_date.h"

namespace dunbar::cohort {
namespace {

constexpr std::string_view kCapacityField = "program.cohort_capacity";

absl::Status CapacityError(std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(kCapacityField.data(), kCapacityField.size()), ": ",
                   absl::string_view(problem.data(), problem.size())));
}

// 0 -> the default; 1..500 in range. Whether 151..500 is allowed is checked separately.
absl::Status NormalizeCapacity(v1::Program& program) {
  const int capacity = program.cohort_capacity();
  if (capacity == 0) {
    program.set_cohort_capacity(kDefaultCohortCapacity);
    return absl::OkStatus();
  }
  if (capacity < 0 || capacity > kMaxCohortCapacity) {
    return CapacityError(absl::StrCat("must be between 1 and ", kMaxCohortCapacity, " (0 means ",
                                      kDefaultCohortCapacity, "), got ", capacity));
  }
  return absl::OkStatus();
}

absl::Status CheckOverDunbar(const v1::Program& program) {
  if (program.cohort_capacity() <= kDunbarNumber || program.allow_over_dunbar()) {
    return absl::OkStatus();
  }
  return CapacityError(absl::StrCat(program.cohort_capacity(), " is above Dunbar's number (",
                                    kDunbarNumber, "); set allow_over_dunbar to allow up to ",
                                    kMaxCohortCapacity));
}

absl::Status NormalizePrice(v1::Money& price) {
  if (price.amount_minor() < 0) {
    return absl::InvalidArgumentError("program.price.amount_minor: must not be negative");
  }
  if (price.currency().empty()) {
    if (price.amount_minor() > 0) {
      return absl::InvalidArgumentError("program.price.currency: required when amount_minor > 0");
    }
    return absl::OkStatus();
  }
  DUNBAR_ASSIGN_OR_RETURN(std::string currency, validation::NormalizeCurrency(
                                                    "program.price.currency", price.currency()));
  price.set_currency(std::move(currency));
  return absl::OkStatus();
}

absl::Status NormalizeRollover(v1::Program& program) {
  if (program.rollover_policy() == v1::ROLLOVER_POLICY_UNSPECIFIED) {
    program.set_rollover_policy(v1::AUTO_OPEN_NEXT);
    return absl::OkStatus();
  }
  if (program.rollover_policy() != v1::AUTO_OPEN_NEXT &&
      program.rollover_policy() != v1::WAITLIST) {
    return absl::InvalidArgumentError(
        "program.rollover_policy: must be AUTO_OPEN_NEXT or WAITLIST");
  }
  return absl::OkStatus();
}

absl::Status NormalizeTemplate(v1::Program& program) {
  if (program.cohort_name_template().empty()) {
    program.set_cohort_name_template(std::string(kDefaultNameTemplate));
    return absl::OkStatus();
  }
  DUNBAR_RETURN_IF_ERROR(validation::ValidateText(
      "program.cohort_name_template", program.cohort_name_template(), kMaxTemplateLength, false));
  if (program.cohort_name_template().find("{n}") == std::string::npos) {
    return absl::InvalidArgumentError(
        "program.cohort_name_template: must contain \"{n}\" (the cohort number)");
  }
  return absl::OkStatus();
}

// Checks and defaults the field behind one update_mask path.
absl::Status NormalizeField(const std::string& path, v1::Program& program) {
  if (path == "name") {
    return validation::ValidateText("program.name", program.name(), validation::kMaxNameLength,
                                    true);
  }
  if (path == "description") {
    return validation::ValidateText("program.description", program.description(),
                                    kMaxDescriptionLength, false);
  }
  if (path == "cohort_capacity") return NormalizeCapacity(program);
  if (path == "allow_over_dunbar" || path == "requires_entitlement") return absl::OkStatus();
  if (path == "price") return NormalizePrice(*program.mutable_price());
  if (path == "rollover_policy") return NormalizeRollover(program);
  if (path == "cohort_name_template") return NormalizeTemplate(program);
  if (path == "first_cohort_start_date") {
    if (program.first_cohort_start_date().empty()) return absl::OkStatus();
    return ValidateDate("program.first_cohort_start_date", program.first_cohort_start_date());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("update_mask: unknown or read-only path \"", path, "\""));
}

}  // namespace

const std::vector<std::string>& UpdatableProgramPaths() {
  static const auto* const kPaths = new std::vector<std::string>{"name",
                                                                 "description",
                                                                 "cohort_capacity",
                                                                 "allow_over_dunbar",
                                                                 "price",
                                                                 "requires_entitlement",
                                                                 "rollover_policy",
                                                                 "cohort_name_template",
                                                                 "first_cohort_start_date"};
  return *kPaths;
}

absl::Status NormalizeNewProgram(v1::Program& program) {
  for (const std::string& path : UpdatableProgramPaths()) {
    DUNBAR_RETURN_IF_ERROR(NormalizeField(path, program));
  }
  DUNBAR_RETURN_IF_ERROR(CheckOverDunbar(program));
  // Output-only fields: whatever the caller sent is ignored.
  program.clear_id();
  program.clear_tenant();
  program.clear_archived();
  program.clear_warnings();
  program.clear_latest_cohort_number();
  program.clear_waitlist_length();
  program.clear_created_at();
  program.clear_updated_at();
  program.clear_archived_at();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> NormalizeProgramUpdate(
    const google::protobuf::FieldMask& mask, v1::Program& values) {
  if (mask.paths().empty()) {
    return absl::InvalidArgumentError("update_mask: name at least one field to update");
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (std::find(paths.begin(), paths.end(), path) != paths.end()) continue;
    DUNBAR_RETURN_IF_ERROR(NormalizeField(path, values));
    paths.push_back(path);
  }
  const bool both = std::find(paths.begin(), paths.end(), "cohort_capacity") != paths.end() &&
                    std::find(paths.begin(), paths.end(), "allow_over_dunbar") != paths.end();
  if (both) DUNBAR_RETURN_IF_ERROR(CheckOverDunbar(values));
  return paths;
}

absl::StatusOr<CohortRef> ParseCohortRef(std::string_view field, std::string_view cohort_id) {
  if (cohort_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(absl::string_view(field.data(), field.size()), ": is required"));
  }
  DUNBAR_ASSIGN_OR_RETURN(CohortRef ref, ParseCohortId(cohort_id, field));
  if (!validation::ValidateId(field, ref.program_id).ok() ||
      ref.program_id.find('.') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(absl::string_view(field.data(), field.size()),
                                                   ": expected \"<program id>.<cohort number>\""));
  }
  return ref;
}

absl::StatusOr<std::vector<std::string>> NormalizeMemberIds(
    const google::protobuf::RepeatedPtrField<std::string>& member_ids) {
  if (member_ids.empty() || member_ids.size() > kMaxBatchMembers) {
    return absl::InvalidArgumentError(absl::StrCat(
        "member_ids: must hold between 1 and ", kMaxBatchMembers, " ids, got ", member_ids.size()));
  }
  std::vector<std::string> unique;
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < member_ids.size(); ++i) {
    const std::string& id = member_ids[i];
    DUNBAR_RETURN_IF_ERROR(validation::ValidateId(absl::StrCat("member_ids[", i, "]"), id));
    if (seen.insert(id).second) unique.push_back(id);
  }
  return unique;
}

absl::StatusOr<int> NormalizeStatsDays(int days) {
  if (days == 0) return kDefaultStatsDays;
  if (days < 0 || days > kMaxStatsDays) {
    return absl::InvalidArgumentError(absl::StrCat("days: must be between 1 and ", kMaxStatsDays,
                                                   " (0 means ", kDefaultStatsDays, "), got ",
                                                   days));
  }
  return days;
}

absl::Status ValidateOptionalText(std::string_view field, std::string_view value,
                                  size_t max_bytes) {
  return validation::ValidateText(field, value, max_bytes, false);
}

}  // namespace dunbar::cohort
