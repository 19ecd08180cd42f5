// Whether a default country for phone parsing is a region libphonenumber knows.
//
//   IsKnownRegion("CN") -> true;  IsKnownRegion("XX") -> false;  IsKnownRegion("cn") -> false
#pragma once

#include <string>

namespace dunbar::membership {

// Upper-case ISO 3166 alpha-2 codes with a phone numbering plan.
bool IsKnownRegion(const std::string& region);

}  // namespace dunbar::membership
