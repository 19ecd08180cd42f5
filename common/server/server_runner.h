// Runs a gRPC server the way every dunbar service runs: health service whose status follows a real
// Redis check, server reflection, keepalive, max connection age, message size limits, a JSON log
// line per RPC (interceptor), and graceful drain on SIGTERM/SIGINT.
//
//   ServerRunner runner(config);
//   runner.AddService(&membership_service);
//   runner.SetHealthProbe([&] { return store.Probe(); });  // a real script call, not PING
//   return runner.Run();  // blocks until SIGTERM/SIGINT, then drains; returns the exit code
//
// Drain: health flips to NOT_SERVING at once, the listener closes, in-flight RPCs get up to
// `drain_timeout_seconds` to finish, then the process exits 0.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/server_config.h"

namespace dunbar::server {

class ServerRunner {
 public:
  explicit ServerRunner(ServerConfig config);
  ~ServerRunner();

  void AddService(grpc::Service* service);
  // Called every `interval` (default 2 s): OK -> SERVING, anything else -> NOT_SERVING. The
  // overall ("") status and each registered service's name follow it.
  void SetHealthProbe(std::function<absl::Status()> probe,
                      absl::Duration interval = absl::Seconds(2));

  // Builds and starts the server. Returns INVALID_ARGUMENT/UNAVAILABLE if it cannot bind.
  // `bound_port` (if non-null) receives the real port when listening on port 0.
  absl::Status Start(int* bound_port = nullptr);
  // Starts (if not started), installs SIGTERM/SIGINT handlers, blocks until a signal or
  // RequestShutdown(), drains, returns the process exit code.
  int Run();
  // Same drain as a signal; safe from any thread (tests use it).
  void RequestShutdown();
  // Blocks until the drain is complete (used by tests after RequestShutdown()).
  void Wait();

  grpc::Server* server() { return server_.get(); }

 private:
  void HealthLoop();
  void Drain();

  ServerConfig config_;
  std::vector<grpc::Service*> services_;
  std::function<absl::Status()> probe_;
  absl::Duration probe_interval_ = absl::Seconds(2);
  std::unique_ptr<grpc::Server> server_;
  std::atomic<bool> shutdown_requested_{false};
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace dunbar::server
