// Server interceptor counting every RPC and observing its handling time, per service, method and
// status code (the names follow go-grpc-prometheus, with the dunbar_ prefix):
//
//   dunbar_grpc_server_handled_total{service="dunbar.cohort.v1.CohortService",method="Enroll",
//                                    code="OK"}
//   dunbar_grpc_server_handling_seconds_bucket{service=...,method=...,code=...,le="0.005"}
//
//   auto registry = std::make_shared<prometheus::Registry>();
//   interceptors.push_back(MakeGrpcServerMetricsFactory(*registry));
//
// Cost per RPC: two clock reads, one short mutex section (a hash lookup of the method, no
// allocation once a method/code pair has been seen) and prometheus-cpp's own counter/histogram
// updates. Calls to methods that no compiled-in service defines (clients choose those names) are
// all counted as service="unknown", method="unknown", so labels stay bounded by the API (about 30
// methods x the codes they return).
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace prometheus {
class Registry;
}

namespace dunbar::metrics {

// `registry` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeGrpcServerMetricsFactory(
    prometheus::Registry& registry);

}  // namespace dunbar::metrics
