// The gateway's connections to membership, cohort and outreach: one channel per backend, made once
// (common/client MakeChannel: round_robin, keepalive) and shared by every request, plus the
// readiness check (grpc.health.v1 Check on each).
//
//   Backends backends({.membership = "127.0.0.1:50051", .cohort = "...", .outreach = "..."});
//   const Backend* b = backends.ForService("dunbar.cohort.v1.CohortService");
//   std::vector<BackendHealth> health = backends.CheckHealth(absl::Seconds(1));
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for protobuf messages

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace dunbar::gateway {

struct BackendAddresses {
  std::string membership = "127.0.0.1:50051";
  std::string cohort = "127.0.0.1:50052";
  std::string outreach = "127.0.0.1:50053";
};

// Calls any method of the backend with protobuf messages of any type (the gateway's requests are
// built by reflection, so it has no typed stub for them).
using MessageGenericStub =
    grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message>;

struct Backend {
  std::string name;     // "membership"
  std::string service;  // "dunbar.membership.v1.MembershipService"
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<MessageGenericStub> stub;
};

struct BackendHealth {
  std::string name;
  grpc::Status status;  // OK when the backend answered SERVING
};

class Backends {
 public:
  explicit Backends(const BackendAddresses& addresses);

  // Null if no backend serves `full_service_name`.
  const Backend* ForService(const std::string& full_service_name) const;
  const Backend& membership() const { return backends_[0]; }
  const Backend& cohort() const { return backends_[1]; }
  const Backend& outreach() const { return backends_[2]; }

  // Every backend's grpc.health.v1 Check(""), in parallel; each call has `timeout`.
  std::vector<BackendHealth> CheckHealth(absl::Duration timeout) const;

 private:
  std::vector<Backend> backends_;
};

}  // namespace dunbar::gateway
