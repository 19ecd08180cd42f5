// The authentication table the services' auth tests share: every RPC of a service, called as each
// kind of caller, must answer the expected code (no token -> UNAUTHENTICATED, another tenant ->
// PERMISSION_DENIED, a service token must name its tenant, ...), and a table that misses an RPC
// of the service descriptor fails the test.
//
//   std::map<std::string, TenantCall> calls = {{"GetPolicy", [&](auto* ctx, auto& tenant) {...}}};
//   ExpectCallsCoverService("dunbar.outreach.v1.OutreachService", calls, 16);
//   ExpectEveryCallChecksTokenAndTenant(calls, [](Caller c) { return Ctx(c); });
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "tests/support/membership_fixture.h"

namespace dunbar::testing {

// One RPC made as the caller the context carries, for `tenant` ("" = leave the field empty).
using TenantCall = std::function<grpc::Status(grpc::ClientContext*, const std::string& tenant)>;

// The method names of a service in the generated descriptor pool (empty if unknown).
std::set<std::string> ServiceMethodNames(const std::string& full_service_name);

// `calls` names exactly the service's methods, and the service has `method_count` of them (so a
// new RPC makes the test's author look at the table).
void ExpectCallsCoverService(const std::string& full_service_name,
                             const std::map<std::string, TenantCall>& calls, size_t method_count);

// Every call as: no token (with and without a tenant), an unknown token, acme naming globex and
// globex naming acme (PERMISSION_DENIED), a service token without a tenant (INVALID_ARGUMENT), and
// acme's own tenant implied or named and the service token for acme (OK). No answer may echo a
// token.
void ExpectEveryCallChecksTokenAndTenant(
    const std::map<std::string, TenantCall>& calls,
    const std::function<std::unique_ptr<grpc::ClientContext>(Caller)>& context);

}  // namespace dunbar::testing
