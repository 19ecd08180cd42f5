// Roles and the tenant rule: operators and admins act only for their own tenant; service tokens
// act for whichever tenant the request names.
#include "common/auth/principal.h"

#include "absl/strings/str_cat.h"

namespace dunbar::auth {
namespace {

// Debian's abseil has its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), which
// std::string_view does not convert to implicitly.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  for (const Role role : {Role::kOperator, Role::kAdmin, Role::kService}) {
    if (name == RoleName(role)) return role;
  }
  return absl::InvalidArgumentError("role: must be operator, admin or service");
}

bool IsValidTenantName(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 64) return false;
  for (const char c : tenant) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

bool IsValidTenantForRole(Role role, std::string_view tenant) {
  return role == Role::kService ? tenant == "*" : IsValidTenantName(tenant);
}

absl::StatusOr<std::string> ResolveTenant(const Principal& principal, std::string_view requested,
                                          std::string_view field) {
  if (!requested.empty() && !IsValidTenantName(requested)) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": must be 1-64 characters of a-z, 0-9, _ or -"));
  }
  if (principal.role == Role::kService) {
    if (requested.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AbslView(field), ": required for service callers"));
    }
    return std::string(requested);
  }
  if (requested.empty() || requested == principal.tenant) return principal.tenant;
  return absl::PermissionDeniedError(
      absl::StrCat(AbslView(field), ": this token may not act for another tenant"));
}

}  // namespace dunbar::auth
