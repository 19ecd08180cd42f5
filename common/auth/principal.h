// Who is calling: the tenant and role a bearer token stands for.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dunbar::auth {

enum class Role { kOperator, kAdmin, kService };

std::string_view RoleName(Role role);
absl::StatusOr<Role> ParseRole(std::string_view name);

struct Principal {
  std::string tenant;  // for kService: "*" (acts for any tenant named in the request)
  Role role = Role::kOperator;
  std::string token_id;  // first 8 hex chars of the token's hash: safe to log
};

// The tenant a request acts on.
// - operator/admin: `requested` empty -> own tenant; equal -> ok; other -> PERMISSION_DENIED.
// - service: `requested` must be non-empty (INVALID_ARGUMENT naming `field`).
// The tenant name itself is validated (1..64 chars of [a-z0-9_-]).
absl::StatusOr<std::string> ResolveTenant(const Principal& principal, std::string_view requested,
                                          std::string_view field = "tenant");

// Tenant names: 1..64 chars of [a-z0-9_-].
bool IsValidTenantName(std::string_view tenant);

// The tenant a token of `role` is issued for: "*" for kService, a valid tenant name otherwise.
bool IsValidTenantForRole(Role role, std::string_view tenant);

}  // namespace dunbar::auth
