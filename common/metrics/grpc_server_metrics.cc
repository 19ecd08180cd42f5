#include "common/metrics/grpc_server_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <chrono>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/metrics/latency_buckets.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/descriptor.h"

namespace dunbar::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

// grpc::StatusCode values are 0..16.
constexpr int kCodeCount = 17;

// "/pkg.Service/Method" -> ("pkg.Service", "Method"); anything else keeps the whole name as method.
std::pair<std::string, std::string> SplitMethod(absl::string_view full) {
  if (full.size() > 1 && full.front() == '/') {
    const size_t slash = full.find('/', 1);
    if (slash != absl::string_view::npos) {
      return {std::string(full.substr(1, slash - 1)), std::string(full.substr(slash + 1))};
    }
  }
  return {"", std::string(full)};
}

// gRPC's own services, served by libgrpc++ without protobuf descriptors in this process.
constexpr absl::string_view kInfrastructureMethods[] = {
    "/grpc.health.v1.Health/Check",
    "/grpc.health.v1.Health/Watch",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
};

// Whether `full` names a method of a service compiled into this binary. Calls to anything else
// reach interceptors too (the server answers UNIMPLEMENTED), and their names come from clients:
// they must not become label values.
bool IsKnownMethod(absl::string_view full, const std::string& service, const std::string& method) {
  for (absl::string_view known : kInfrastructureMethods) {
    if (full == known) return true;
  }
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  return descriptor != nullptr && descriptor->FindMethodByName(method) != nullptr;
}

class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry)
      : handled_(prometheus::BuildCounter()
                     .Name("dunbar_grpc_server_handled_total")
                     .Help("RPCs completed on the server, by service, method and status code.")
                     .Register(registry)),
        handling_(prometheus::BuildHistogram()
                      .Name("dunbar_grpc_server_handling_seconds")
                      .Help("Time from the call's arrival to its status being sent, in seconds.")
                      .Register(registry)) {}

  void Record(absl::string_view method, grpc::StatusCode code, double seconds) {
    const int index = static_cast<int>(code);
    if (index < 0 || index >= kCodeCount) return;  // Not a canonical code: nothing to label.
    prometheus::Counter* counter;
    prometheus::Histogram* histogram;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = methods_.find(method);
      std::array<Series, kCodeCount>* per_code;
      std::pair<std::string, std::string> names;
      if (it != methods_.end()) {
        per_code = &it->second;
      } else {
        names = SplitMethod(method);
        if (IsKnownMethod(method, names.first, names.second)) {
          per_code = &methods_.try_emplace(std::string(method)).first->second;
        } else {
          // Every unknown name shares one entry, so the map cannot grow with client input.
          names = {"unknown", "unknown"};
          per_code = &unknown_;
        }
      }
      Series& series = (*per_code)[index];
      if (series.counter == nullptr) {
        if (names.first.empty() && names.second.empty()) names = SplitMethod(method);
        const prometheus::Labels labels = {
            {"service", names.first}, {"method", names.second}, {"code", GrpcCodeName(code)}};
        series.counter = &handled_.Add(labels);
        series.histogram = &handling_.Add(labels, RpcLatencyBuckets());
      }
      counter = series.counter;
      histogram = series.histogram;
    }
    // Outside our lock: prometheus-cpp's metrics are thread-safe on their own.
    counter->Increment();
    histogram->Observe(seconds);
  }

 private:
  struct Series {
    prometheus::Counter* counter = nullptr;
    prometheus::Histogram* histogram = nullptr;
  };

  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_;
  std::mutex mu_;  // Not absl::Mutex: see common/server/server_runner.cc (TSan visibility).
  // The key owns the method name; lookups by string_view need no allocation.
  absl::flat_hash_map<std::string, std::array<Series, kCodeCount>> methods_ ABSL_GUARDED_BY(mu_);
  std::array<Series, kCodeCount> unknown_ ABSL_GUARDED_BY(mu_);  // service="unknown"
};

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics* metrics, const char* method)
      : metrics_(metrics),
        method_(method != nullptr ? method : ""),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
      metrics_->Record(method_, methods->GetSendStatus().error_code(), elapsed.count());
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics* metrics_;
  absl::string_view method_;  // gRPC's registered method name: lives as long as the server.
  std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(prometheus::Registry& registry) : metrics_(registry) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(&metrics_, info->method());
  }

 private:
  GrpcServerMetrics metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeGrpcServerMetricsFactory(
    prometheus::Registry& registry) {
  return std::make_unique<MetricsInterceptorFactory>(registry);
}

}  // namespace dunbar::metrics
