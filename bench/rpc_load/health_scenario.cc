// The baseline: grpc.health.v1.Health/Check for the overall service "", the emptiest RPC every
// dunbar server answers. Its figures are the yardstick every other figure is divided by.
#include <memory>

#include "absl/strings/str_cat.h"
#include "bench/rpc_load/scenario.h"
#include "common/client/grpc_client.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dunbar::bench {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

absl::StatusOr<Scenario> MakeHealthScenario(const ScenarioEnv& env) {
  // One probe first: a NOT_SERVING server would make every other figure meaningless.
  {
    auto stub = Health::NewStub(env.channels->ForClient(0));
    auto context = client::NewCallContext(env.timeout, env.token);
    HealthCheckResponse response;
    grpc::Status status = stub->Check(context.get(), HealthCheckRequest(), &response);
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat("health check of ", env.channels->target(),
                                                 " failed: ", status.error_message()));
    }
    if (env.require_serving && response.status() != HealthCheckResponse::SERVING) {
      return absl::FailedPreconditionError(
          absl::StrCat(env.channels->target(), " is not SERVING (is its Redis up?)"));
    }
  }
  Scenario scenario;
  scenario.display_name = "Health.Check (baseline)";
  scenario.make_caller = [env](int client) -> Caller {
    std::shared_ptr<Health::Stub> stub = Health::NewStub(env.channels->ForClient(client));
    return [stub, env]() {
      auto context = client::NewCallContext(env.timeout, env.token);
      HealthCheckResponse response;
      return stub->Check(context.get(), HealthCheckRequest(), &response);
    };
  };
  return scenario;
}

}  // namespace dunbar::bench
