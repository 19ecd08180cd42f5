// Echo and EchoRedis against bench/echo's echo_server, for the sync-vs-callback comparison.
#include <memory>

#include "bench/rpc_load/scenario.h"
#include "common/client/grpc_client.h"
#include "dunbar/bench/v1/echo.grpc.pb.h"

namespace dunbar::bench {

using v1::EchoRequest;
using v1::EchoResponse;
using v1::EchoService;

absl::StatusOr<Scenario> MakeEchoScenario(const ScenarioEnv& env, bool with_redis) {
  Scenario scenario;
  scenario.display_name = with_redis ? "EchoRedis" : "Echo";
  scenario.make_caller = [env, with_redis](int client) -> Caller {
    std::shared_ptr<EchoService::Stub> stub = EchoService::NewStub(env.channels->ForClient(client));
    auto request = std::make_shared<EchoRequest>();
    request->set_payload("ping");
    return [stub, request, env, with_redis]() {
      auto context = client::NewCallContext(env.timeout, env.token);
      EchoResponse response;
      return with_redis ? stub->EchoRedis(context.get(), *request, &response)
                        : stub->Echo(context.get(), *request, &response);
    };
  };
  return scenario;
}

}  // namespace dunbar::bench
