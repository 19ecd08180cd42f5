#include "services/cohort/cohort_naming.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dunbar::cohort {

std::string CohortId(std::string_view program_id, int32_t number) {
  return absl::StrCat(absl::string_view(program_id.data(), program_id.size()), ".", number);
}

absl::StatusOr<CohortRef> ParseCohortId(std::string_view cohort_id, std::string_view field) {
  const size_t dot = cohort_id.rfind('.');
  int32_t number = 0;
  if (dot == std::string_view::npos || dot == 0 ||
      !absl::SimpleAtoi(absl::string_view(cohort_id.data() + dot + 1, cohort_id.size() - dot - 1),
                        &number) ||
      number < 1 || cohort_id[dot + 1] == '0' ||
      cohort_id.find_first_not_of("0123456789", dot + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(absl::string_view(field.data(), field.size()),
                                                   ": expected \"<program id>.<cohort number>\""));
  }
  return CohortRef{std::string(cohort_id.substr(0, dot)), number};
}

std::vector<std::string> CapacityWarnings(int32_t capacity) {
  if (capacity <= kDunbarNumber) return {};
  return {absl::StrCat("cohort_capacity ", capacity, " is above Dunbar's number (", kDunbarNumber,
                       "): groups this size lose their warmth")};
}

}  // namespace dunbar::cohort
