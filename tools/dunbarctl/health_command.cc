// health: the standard gRPC health check, optionally waiting until the server is SERVING (scripts
// use it to wait for a freshly started service).
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/exit_codes.h"

namespace dunbar::dunbarctl {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

struct HealthFlags {
  std::string service;
  double wait_seconds = 0;
};

int RunHealth(CliContext& ctx, const HealthFlags& flags) {
  HealthCheckRequest request;
  request.set_service(flags.service);
  const absl::Time give_up = absl::Now() + absl::Seconds(flags.wait_seconds);
  while (true) {
    HealthCheckResponse response;
    // Each probe gets a short deadline so a hung server cannot eat the whole wait.
    auto call = ctx.NewCall(absl::Seconds(std::min(ctx.options().timeout_seconds, 2.0)));
    const grpc::Status status = ctx.health().Check(call.get(), request, &response);
    const bool serving = status.ok() && response.status() == HealthCheckResponse::SERVING;
    if (serving || absl::Now() >= give_up) {
      if (!status.ok()) return ctx.Fail(status);
      const int emitted = ctx.Emit(response, [&](std::ostream& out) {
        out << HealthCheckResponse::ServingStatus_Name(response.status()) << '\n';
      });
      if (emitted != kExitOk) return emitted;
      return serving ? kExitOk : kExitRpcError;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // poll interval
  }
}

}  // namespace

void AddHealthCommand(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* health =
      root.add_subcommand("health", "Is the server SERVING? (exit 0 yes, 3 no, 4 unreachable)");
  auto flags = std::make_shared<HealthFlags>();
  health->add_option("--service", flags->service, "Service name (default: the whole server)");
  health->add_option("--wait", flags->wait_seconds, "Keep polling up to N seconds until SERVING")
      ->check(CLI::NonNegativeNumber);
  OnSelected(health, selected, [&ctx, flags] { return RunHealth(ctx, *flags); });
}

}  // namespace dunbar::dunbarctl
