// Sortable unique ids: 26 characters of Crockford base32 (URL-safe, case-insensitive alphabet,
// no I/L/O/U): 48 bits of Unix milliseconds then 80 random bits, as in ULID. Ids made later sort
// after ids made earlier (within one process also for the same millisecond: the random part is
// incremented, monotonic ULID), so a lexicographic index over ids is a creation-time index.
//
//   std::string id = dunbar::ids::NewId();          // "01JD3Z9X4Q6W8ZK2M5N7P9R1T3"
//   std::string mid = dunbar::ids::NewId("m_");     // with a type prefix
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace dunbar::ids {

std::string NewId(std::string_view prefix = "");

// The creation time encoded in an id (prefix stripped by the caller); InfinitePast if malformed.
absl::Time IdTime(std::string_view id);

// True for 26 Crockford base32 chars.
bool IsWellFormedId(std::string_view id);

}  // namespace dunbar::ids
