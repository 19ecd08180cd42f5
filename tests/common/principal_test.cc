// Unit tests for roles, tenant names and the tenant rule in common/auth/principal.h.
#include "common/auth/principal.h"

#include <gtest/gtest.h>

#include <string>

namespace dunbar::auth {
namespace {

Principal Make(Role role, std::string tenant) {
  Principal principal;
  principal.role = role;
  principal.tenant = std::move(tenant);
  principal.token_id = "9f86d081";
  return principal;
}

TEST(RoleTest, NamesRoundTrip) {
  for (const Role role : {Role::kOperator, Role::kAdmin, Role::kService}) {
    absl::StatusOr<Role> parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.ok()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(RoleName(Role::kOperator), "operator");
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(RoleName(Role::kService), "service");
}

TEST(RoleTest, RejectsUnknownNames) {
  for (const char* name : {"", "Operator", "root", "services"}) {
    absl::StatusOr<Role> parsed = ParseRole(name);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(parsed.status().message(), "role: must be operator, admin or service");
  }
}

TEST(TenantNameTest, Shape) {
  EXPECT_TRUE(IsValidTenantName("acme"));
  EXPECT_TRUE(IsValidTenantName("a"));
  EXPECT_TRUE(IsValidTenantName("coach_li-2"));
  EXPECT_TRUE(IsValidTenantName(std::string(64, 'a')));
  EXPECT_FALSE(IsValidTenantName(""));
  EXPECT_FALSE(IsValidTenantName(std::string(65, 'a')));
  EXPECT_FALSE(IsValidTenantName("Acme"));
  EXPECT_FALSE(IsValidTenantName("ac me"));
  EXPECT_FALSE(IsValidTenantName("a.b"));
  EXPECT_FALSE(IsValidTenantName("{acme}"));  // would break the Redis hash tag
  EXPECT_FALSE(IsValidTenantName("*"));
}

TEST(TenantNameTest, ServiceTokensUseTheWildcard) {
  EXPECT_TRUE(IsValidTenantForRole(Role::kService, "*"));
  EXPECT_FALSE(IsValidTenantForRole(Role::kService, "acme"));
  EXPECT_TRUE(IsValidTenantForRole(Role::kOperator, "acme"));
  EXPECT_FALSE(IsValidTenantForRole(Role::kOperator, "*"));
  EXPECT_TRUE(IsValidTenantForRole(Role::kAdmin, "acme"));
  EXPECT_FALSE(IsValidTenantForRole(Role::kAdmin, "*"));
}

TEST(ResolveTenantTest, OperatorActsForItsOwnTenant) {
  const Principal op = Make(Role::kOperator, "acme");
  EXPECT_EQ(*ResolveTenant(op, ""), "acme");
  EXPECT_EQ(*ResolveTenant(op, "acme"), "acme");
}

TEST(ResolveTenantTest, OperatorNamingAnotherTenantIsDenied) {
  for (const Role role : {Role::kOperator, Role::kAdmin}) {
    absl::StatusOr<std::string> tenant = ResolveTenant(Make(role, "acme"), "globex");
    EXPECT_EQ(tenant.status().code(), absl::StatusCode::kPermissionDenied) << RoleName(role);
    EXPECT_EQ(tenant.status().message(), "tenant: this token may not act for another tenant");
  }
}

TEST(ResolveTenantTest, AdminActsForItsOwnTenant) {
  EXPECT_EQ(*ResolveTenant(Make(Role::kAdmin, "acme"), ""), "acme");
}

TEST(ResolveTenantTest, ServiceActsForTheNamedTenant) {
  const Principal service = Make(Role::kService, "*");
  EXPECT_EQ(*ResolveTenant(service, "acme"), "acme");
  EXPECT_EQ(*ResolveTenant(service, "globex"), "globex");
}

TEST(ResolveTenantTest, ServiceWithoutTenantIsInvalid) {
  absl::StatusOr<std::string> tenant =
      ResolveTenant(Make(Role::kService, "*"), "", "request.tenant");
  EXPECT_EQ(tenant.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tenant.status().message(), "request.tenant: required for service callers");
}

TEST(ResolveTenantTest, MalformedTenantIsInvalidForEveryRole) {
  for (const Principal& who : {Make(Role::kOperator, "acme"), Make(Role::kService, "*")}) {
    for (const char* bad : {"ACME", "*", "a/b", "acme}"}) {
      absl::StatusOr<std::string> tenant = ResolveTenant(who, bad, "tenant");
      EXPECT_EQ(tenant.status().code(), absl::StatusCode::kInvalidArgument) << bad;
      EXPECT_EQ(tenant.status().message(), "tenant: must be 1-64 characters of a-z, 0-9, _ or -");
    }
  }
}

}  // namespace
}  // namespace dunbar::auth
