#include "services/membership/region_code.h"

#include <phonenumbers/phonenumberutil.h>

namespace dunbar::membership {

bool IsKnownRegion(const std::string& region) {
  if (region.size() != 2) return false;
  return i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region) != 0;
}

}  // namespace dunbar::membership
