// Cohort ids and the Dunbar warning, shared by the store, the domain layer and the CLI.
//
// A cohort id is "<program id>.<number>" (numbers from 1); programme ids never contain '.', so the
// last '.' splits it.
//
//   std::string id = CohortId("01JD...", 3);                     // "01JD....3"
//   DUNBAR_ASSIGN_OR_RETURN(CohortRef ref, ParseCohortId(id, "cohort_id"));
//   for (const std::string& w : CapacityWarnings(200)) ...      // one warning above 150
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dunbar::cohort {

// Groups above this size lose their warmth; larger cohorts need allow_over_dunbar.
inline constexpr int32_t kDunbarNumber = 150;

struct CohortRef {
  std::string program_id;
  int32_t number = 0;
};

std::string CohortId(std::string_view program_id, int32_t number);

// INVALID_ARGUMENT "<field>: ..." unless `cohort_id` is "<non-empty id>.<number 1..2^31-1>".
absl::StatusOr<CohortRef> ParseCohortId(std::string_view cohort_id, std::string_view field);

// The warnings a programme with this cohort capacity carries (empty up to kDunbarNumber).
std::vector<std::string> CapacityWarnings(int32_t capacity);

}  // namespace dunbar::cohort
