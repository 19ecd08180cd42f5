#include "tests/support/auth_table.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <vector>

namespace dunbar::testing {

std::set<std::string> ServiceMethodNames(const std::string& full_service_name) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_service_name);
  EXPECT_NE(service, nullptr) << full_service_name;
  std::set<std::string> names;
  if (service == nullptr) return names;
  for (int i = 0; i < service->method_count(); ++i) names.insert(service->method(i)->name());
  return names;
}

void ExpectCallsCoverService(const std::string& full_service_name,
                             const std::map<std::string, TenantCall>& calls, size_t method_count) {
  const std::set<std::string> methods = ServiceMethodNames(full_service_name);
  EXPECT_EQ(methods.size(), method_count) << "the service changed: update this test's table";
  for (const std::string& method : methods) EXPECT_EQ(calls.count(method), 1u) << method;
  for (const auto& [name, unused] : calls) EXPECT_EQ(methods.count(name), 1u) << name;
}

void ExpectEveryCallChecksTokenAndTenant(
    const std::map<std::string, TenantCall>& calls,
    const std::function<std::unique_ptr<grpc::ClientContext>(Caller)>& context) {
  using Code = grpc::StatusCode;
  struct Case {
    std::string label;
    Caller caller;
    std::string tenant;
    Code expected;
  };
  const std::vector<Case> cases = {
      {"no token", Caller::kNone, "", Code::UNAUTHENTICATED},
      {"no token, tenant named", Caller::kNone, "acme", Code::UNAUTHENTICATED},
      {"unknown token", Caller::kUnknown, "acme", Code::UNAUTHENTICATED},
      {"acme token naming globex", Caller::kAcme, "globex", Code::PERMISSION_DENIED},
      {"globex token naming acme", Caller::kGlobex, "acme", Code::PERMISSION_DENIED},
      {"service token without a tenant", Caller::kService, "", Code::INVALID_ARGUMENT},
      {"acme token, own tenant implied", Caller::kAcme, "", Code::OK},
      {"acme token, own tenant named", Caller::kAcme, "acme", Code::OK},
      {"service token for acme", Caller::kService, "acme", Code::OK},
  };
  for (const auto& [method, call] : calls) {
    for (const Case& c : cases) {
      auto ctx = context(c.caller);
      grpc::Status status = call(ctx.get(), c.tenant);
      EXPECT_THAT(status, HasCode(c.expected)) << method << ": " << c.label;
      EXPECT_EQ(status.error_message().find("dbr_"), std::string::npos) << method;
    }
  }
}

}  // namespace dunbar::testing
