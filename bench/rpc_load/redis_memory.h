// Reads Redis's own memory accounting (INFO memory -> used_memory), to quote memory per 100k
// contacts as the difference before and after an import.
//
//   auto before = UsedMemoryBytes(url);  ... import ...  auto after = UsedMemoryBytes(url);
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace dunbar::bench {

absl::StatusOr<int64_t> UsedMemoryBytes(const std::string& redis_url);

}  // namespace dunbar::bench
