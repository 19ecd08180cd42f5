#include "services/gateway/backends.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/gateway/route_table.h"

namespace dunbar::gateway {
namespace {

Backend MakeBackend(std::string name, std::string service, const std::string& address) {
  Backend backend;
  backend.name = std::move(name);
  backend.service = std::move(service);
  backend.address = address;
  backend.channel = client::MakeServiceChannel(address, backend.service);
  backend.stub = std::make_unique<MessageGenericStub>(backend.channel);
  return backend;
}

grpc::Status CheckOne(const Backend& backend, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(backend.channel);
  auto context = client::NewCallContext(timeout);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(context.get(), request, &response);
  if (!status.ok()) return status;
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        absl::StrCat("health ",
                     grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status())));
  }
  return grpc::Status::OK;
}

}  // namespace

Backends::Backends(const BackendAddresses& addresses) {
  const std::vector<std::string> services = BackendServiceNames();  // membership, cohort, outreach
  backends_.push_back(MakeBackend("membership", services[0], addresses.membership));
  backends_.push_back(MakeBackend("cohort", services[1], addresses.cohort));
  backends_.push_back(MakeBackend("outreach", services[2], addresses.outreach));
}

const Backend* Backends::ForService(const std::string& full_service_name) const {
  for (const Backend& backend : backends_) {
    if (backend.service == full_service_name) return &backend;
  }
  return nullptr;
}

std::vector<BackendHealth> Backends::CheckHealth(absl::Duration timeout) const {
  std::vector<std::future<grpc::Status>> checks;
  for (const Backend& backend : backends_) {
    checks.push_back(
        std::async(std::launch::async, [&backend, timeout] { return CheckOne(backend, timeout); }));
  }
  std::vector<BackendHealth> health;
  for (size_t i = 0; i < backends_.size(); ++i) {
    health.push_back(BackendHealth{backends_[i].name, checks[i].get()});
  }
  return health;
}

}  // namespace dunbar::gateway
