// Small helpers every in-process service fixture (cohort, outreach) needs to talk to the services
// it starts.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {

// `status` as an absl::Status prefixed with `what` (same code).
absl::Status ToAbsl(const grpc::Status& status, const std::string& what);

// A channel to a loopback port with a short reconnect backoff, so that tests restarting a service
// do not wait out gRPC's default (1 s doubling to 120 s).
std::shared_ptr<grpc::Channel> LoopbackChannel(int port);

// Requests from a service caller must name the tenant they act for ("acme"); others leave it empty.
std::string TenantFor(Caller caller);

}  // namespace dunbar::testing
