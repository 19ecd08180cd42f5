#include "common/server/rpc_log_interceptor.h"

#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/json_log.h"
#include "common/status/grpc_status.h"

namespace dunbar::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Tenant per in-flight call. An entry exists only between the interceptor's creation and the
// moment the status is sent (or the call is destroyed), so the map stays as small as the number of
// calls in flight. A ServerContext's address cannot be reused while its entry exists because the
// interceptor (which erases the entry) is destroyed with the context.
class TenantRegistry {
 public:
  static TenantRegistry& Get() {
    static auto* registry = new TenantRegistry();  // Never destroyed: used by late gRPC threads.
    return *registry;
  }

  void Begin(const grpc::ServerContextBase* context) {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.try_emplace(context);
  }

  void Set(const grpc::ServerContextBase* context, std::string_view tenant) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tenants_.find(context);
    if (it != tenants_.end()) it->second.assign(tenant.data(), tenant.size());
  }

  std::string Take(const grpc::ServerContextBase* context) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tenants_.find(context);
    if (it == tenants_.end()) return "";
    std::string tenant = std::move(it->second);
    tenants_.erase(it);
    return tenant;
  }

 private:
  std::mutex mu_;  // Not absl::Mutex: see server_runner.cc (TSan visibility).
  absl::flat_hash_map<const grpc::ServerContextBase*, std::string> tenants_ ABSL_GUARDED_BY(mu_);
};

bool IsInfrastructureMethod(absl::string_view method) {
  return absl::StartsWith(method, "/grpc.health.") || absl::StartsWith(method, "/grpc.reflection.");
}

log::Level LevelFor(grpc::StatusCode code, absl::string_view method) {
  switch (code) {
    // Codes that mean the server (not the caller) is at fault.
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return log::Level::kError;
    default:
      return IsInfrastructureMethod(method) ? log::Level::kDebug : log::Level::kInfo;
  }
}

class RpcLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : context_(info->server_context()),
        method_(info->method() != nullptr ? info->method() : ""),
        start_(absl::Now()) {
    TenantRegistry::Get().Begin(context_);
  }

  ~RpcLogInterceptor() override {
    // Normally erased at PRE_SEND_STATUS already; this covers calls torn down before a status.
    if (!logged_) TenantRegistry::Get().Take(context_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      LogLine(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void LogLine(grpc::StatusCode code) {
    logged_ = true;
    const double latency_ms = absl::ToDoubleMilliseconds(absl::Now() - start_);
    nlohmann::json fields = {
        {"method", method_},
        {"code", GrpcCodeName(code)},
        // Microsecond resolution is plenty and keeps lines short.
        {"latency_ms", static_cast<double>(static_cast<int64_t>(latency_ms * 1000)) / 1000},
    };
    std::string tenant = TenantRegistry::Get().Take(context_);
    if (!tenant.empty()) fields["tenant"] = std::move(tenant);
    log::Write(LevelFor(code, method_), "rpc", fields);
  }

  const grpc::ServerContextBase* context_;
  std::string method_;
  absl::Time start_;
  bool logged_ = false;
};

class RpcLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcLogInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLogInterceptorFactory() {
  return std::make_unique<RpcLogInterceptorFactory>();
}

void SetLogTenant(grpc::ServerContextBase& context, std::string_view tenant) {
  TenantRegistry::Get().Set(&context, tenant);
}

}  // namespace dunbar::server
