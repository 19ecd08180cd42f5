// Runs a gRPC server the way every dunbar service runs: health service whose status follows a real
// Redis check, server reflection, keepalive, max connection age, message size limits, a JSON log
// line per RPC (interceptor), Prometheus metrics (when config.metrics_listen is set: RPC counts and
// latencies per method and code, plus whatever the service registers in metrics_registry()), and
// graceful drain on SIGTERM/SIGINT.
//
//   ServerRunner runner(config);
//   runner.AddService(&membership_service);
//   runner.SetHealthProbe([&] { return store.Probe(); });  // a real script call, not PING
//   return runner.Run();  // blocks until SIGTERM/SIGINT, then drains; returns the exit code
//
// Metrics: the registry exists from construction (so main can hand it to the Redis client and the
// service before Start), the HTTP endpoint starts with the server and stays up until the runner
// is destroyed, so scrapes keep working during a drain.
//
// Drain: health flips to NOT_SERVING at once, the drain hooks run (OnDrain: they end long-lived
// streams), the listener closes, in-flight RPCs get up to `drain_timeout_seconds` to finish (then
// they are cancelled), then Run() returns 0.
//
// Known limit (gRPC 1.51's default health service): Health.Watch streams hear NOT_SERVING at once
// but are only closed when the drain deadline cancels them, so a client that keeps watching holds
// the drain to its full budget. Kubernetes, Envoy and our clients use Check, not Watch.
//
// Signals are async-signal-safe: the handler only write(2)s a byte to a self-pipe that a dedicated
// drain thread reads, so it is correct whichever thread (ours or gRPC's) receives the signal.
//
// Tests drive it without signals:
//
//   ServerRunner runner(config);          // config.listen = "127.0.0.1:0"
//   runner.AddService(&test_service);
//   int port = 0;
//   ASSERT_TRUE(runner.Start(&port).ok());
//   ...
//   runner.RequestShutdown();
//   runner.Wait();
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/server_config.h"

namespace prometheus {
class Registry;
}

namespace dunbar::server {

class ServerRunner {
 public:
  explicit ServerRunner(ServerConfig config);
  // Drains (as RequestShutdown) if the server is still running, then joins its threads.
  ~ServerRunner();
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // Sync and callback services alike (both are grpc::Service). Not owned; must outlive the runner.
  // Call before Start().
  void AddService(grpc::Service* service);
  // Called every `interval` (default 2 s) on a background thread: OK -> SERVING, anything else ->
  // NOT_SERVING. The overall ("") status and each registered service's name follow it. Without a
  // probe the server reports SERVING until it drains. Call before Start().
  void SetHealthProbe(std::function<absl::Status()> probe,
                      absl::Duration interval = absl::Seconds(2));

  // `hook` runs on the drain thread when a drain begins, after health flips to NOT_SERVING and
  // before the server waits for in-flight RPCs; hooks run in the order added. For handlers that
  // would otherwise run until cancelled (server streams such as watch feeds): the hook tells them
  // to end now instead of holding the drain to its deadline. Must not block. Call before Start().
  void OnDrain(std::function<void()> hook);

  // Builds and starts the server (the first probe runs before it accepts calls). INVALID_ARGUMENT
  // for a malformed --listen, UNAVAILABLE if it cannot bind, FAILED_PRECONDITION if already
  // started. `bound_port` (if non-null) receives the real port when listening on port 0 (0 for
  // unix:).
  absl::Status Start(int* bound_port = nullptr);
  // Installs SIGTERM/SIGINT handlers, starts (if not started), blocks until a signal or
  // RequestShutdown(), drains, restores the previous handlers and returns the process exit code
  // (0 after a drain, 1 if the server could not start). One Run() per process at a time.
  int Run();
  // Flips health to NOT_SERVING before returning, then drains on the runner's drain thread (stop
  // accepting, let in-flight RPCs finish until the drain deadline, cancel the rest). Idempotent;
  // safe from any thread (tests use it).
  void RequestShutdown();
  // Blocks until the drain is complete; returns at once if the server never started.
  void Wait();

  grpc::Server* server() { return server_.get(); }
  // Non-null iff config.metrics_listen is set. Register service metrics here before Start().
  const std::shared_ptr<prometheus::Registry>& metrics_registry() const { return metrics_; }
  // The bound metrics port after Start() (useful with port 0); 0 without metrics.
  int metrics_port() const;

 private:
  void DrainThread();
  void HealthLoop(bool initially_serving);
  void SetServing(bool serving);
  void BeginNotServing();

  ServerConfig config_;
  std::vector<grpc::Service*> services_;
  std::function<absl::Status()> probe_;
  std::vector<std::function<void()>> drain_hooks_;  // Set before Start(), then read-only.
  absl::Duration probe_interval_ = absl::Seconds(2);
  std::shared_ptr<prometheus::Registry> metrics_;
  std::unique_ptr<grpc::Server> server_;
  std::atomic<bool> shutdown_requested_{false};
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace dunbar::server
