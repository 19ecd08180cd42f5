#include "common/server/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/metrics/grpc_server_metrics.h"
#include "common/metrics/metrics_endpoint.h"
#include "common/server/parse_error_interceptor.h"
#include "common/server/rpc_log_interceptor.h"
#include "common/server/shutdown_signal.h"

namespace dunbar::server {
namespace {

// A keepalive ping unanswered for this long closes the connection.
constexpr int kKeepaliveTimeoutMs = 10'000;
// Clients may ping this often on idle connections (dunbar clients ping every >= 10 s); faster
// pingers get GOAWAY(too_many_pings), as gRPC's default policy intends.
constexpr int kMinClientPingIntervalMs = 10'000;

// grpc::Service does not expose its name, but the server knows the names of everything it
// registered. This plugin (installed through a builder option, so it is per-server) copies that
// list once the server has started.
class ServiceNamesPlugin final : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceNamesPlugin(std::vector<std::string>* names) : names_(names) {}
  std::string name() override { return "dunbar_service_names"; }
  void InitServer(grpc::ServerInitializer* /*si*/) override {}
  void Finish(grpc::ServerInitializer* si) override {
    for (const std::string& name : *si->GetServiceList()) {
      // Health and reflection report on the server, not on themselves.
      if (!absl::StartsWith(name, "grpc.")) names_->push_back(name);
    }
  }
  void ChangeArguments(const std::string& /*name*/, void* /*value*/) override {}

 private:
  std::vector<std::string>* names_;
};

class ServiceNamesOption final : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::vector<std::string>* names) : names_(names) {}
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceNamesPlugin>(names_));
  }

 private:
  std::vector<std::string>* names_;
};

void ConfigureConnections(const ServerConfig& config, grpc::ServerBuilder& builder) {
  // Without SO_REUSEPORT a second process on the same port fails to start instead of silently
  // sharing (and splitting) the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  builder.SetMaxSendMessageSize(config.max_message_bytes);
  // Server-side keepalive finds dead clients (e.g. vanished pods) on idle connections.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, config.keepalive_time_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kMinClientPingIntervalMs);
  // Aged connections get GOAWAY so round_robin clients re-resolve and spread over new pods; RPCs
  // already running on them get as long as a drain would give them.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             config.max_connection_age_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             std::max(config.drain_timeout_seconds, 1) * 1000);
}

void EnableServerPluginsOnce() {
  // Both are process-wide switches read when a builder builds.
  static const bool enabled = [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    return true;
  }();
  (void)enabled;
}

}  // namespace

struct ServerRunner::State {
  ShutdownSignal shutdown_signal;
  std::vector<std::string> service_names;  // Written by BuildAndStart, then read-only.
  std::thread drain_thread;
  std::thread health_thread;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;  // Set by Start, then read-only.

  // std::mutex rather than absl::Mutex: Debian's abseil is not built with TSan, which then cannot
  // see absl::Mutex ordering and reports false races; pthread-based locks stay visible to it.
  std::mutex mu;
  std::condition_variable changed;  // stopping or drained became true
  grpc::HealthCheckServiceInterface* health ABSL_GUARDED_BY(mu) = nullptr;
  bool started ABSL_GUARDED_BY(mu) = false;
  std::optional<bool> serving ABSL_GUARDED_BY(mu);  // Last status given to `health`.
  bool not_serving_forever ABSL_GUARDED_BY(mu) = false;
  bool stopping ABSL_GUARDED_BY(mu) = false;  // Wakes the health loop.
  bool drained ABSL_GUARDED_BY(mu) = false;
};

ServerRunner::ServerRunner(ServerConfig config)
    : config_(std::move(config)),
      metrics_(config_.metrics_listen.empty() ? nullptr : std::make_shared<prometheus::Registry>()),
      state_(std::make_unique<State>()) {}

ServerRunner::~ServerRunner() {
  bool started;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    started = state_->started;
  }
  if (started) {
    RequestShutdown();
    Wait();
  }
  if (state_->drain_thread.joinable()) state_->drain_thread.join();
  if (state_->health_thread.joinable()) state_->health_thread.join();
}

void ServerRunner::AddService(grpc::Service* service) { services_.push_back(service); }

void ServerRunner::SetHealthProbe(std::function<absl::Status()> probe, absl::Duration interval) {
  probe_ = std::move(probe);
  probe_interval_ = interval;
}

void ServerRunner::OnDrain(std::function<void()> hook) { drain_hooks_.push_back(std::move(hook)); }

absl::Status ServerRunner::Start(int* bound_port) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->started) return absl::FailedPreconditionError("the server is already started");
  }
  if (!state_->shutdown_signal.status().ok()) return state_->shutdown_signal.status();
  if (absl::Status s = ValidateListenAddress("--listen", config_.listen); !s.ok()) return s;
  if (absl::StatusOr<log::Level> level = ParseLogLevel(config_.log_level); level.ok()) {
    log::SetMinLevel(*level);
  } else {
    return level.status();
  }
  EnableServerPluginsOnce();
  if (metrics_ != nullptr && state_->metrics_endpoint == nullptr) {
    // Before the gRPC port: a taken metrics port fails the start before any call is accepted.
    absl::StatusOr<std::unique_ptr<metrics::MetricsEndpoint>> endpoint =
        metrics::MetricsEndpoint::Start(config_.metrics_listen, metrics_);
    if (!endpoint.ok()) return endpoint.status();
    state_->metrics_endpoint = *std::move(endpoint);
  }

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.listen, grpc::InsecureServerCredentials(), &port);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  ConfigureConnections(config_, builder);
  builder.SetOption(std::make_unique<ServiceNamesOption>(&state_->service_names));
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // Interceptors run in order for PRE_SEND_STATUS: rewrite the status first, then log the final
  // one.
  interceptors.push_back(MakeParseErrorInterceptorFactory());
  interceptors.push_back(MakeRpcLogInterceptorFactory());
  if (metrics_ != nullptr) interceptors.push_back(metrics::MakeGrpcServerMetricsFactory(*metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  // Probe before accepting calls so the first health answer is already a real one.
  const bool initially_serving = probe_ ? probe_().ok() : true;

  server_ = builder.BuildAndStart();
  const bool is_unix = absl::StartsWith(config_.listen, "unix:");
  if (server_ == nullptr || (!is_unix && port == 0)) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("--listen: cannot listen on ", config_.listen,
                                               " (address in use or not local?)"));
  }
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->health = server_->GetHealthCheckService();
    state_->started = true;
  }
  SetServing(initially_serving);
  if (bound_port != nullptr) *bound_port = is_unix ? 0 : port;

  // The health thread first: the drain thread joins it.
  if (probe_) {
    state_->health_thread =
        std::thread([this, initially_serving] { HealthLoop(initially_serving); });
  }
  state_->drain_thread = std::thread([this] { DrainThread(); });

  log::Info("server_started", {{"listen", config_.listen},
                               {"port", is_unix ? 0 : port},
                               {"services", state_->service_names},
                               {"serving", initially_serving},
                               {"health_probe", static_cast<bool>(probe_)},
                               {"metrics_port", metrics_port()}});
  return absl::OkStatus();
}

int ServerRunner::Run() {
  ShutdownSignalHandlers handlers(state_->shutdown_signal);
  bool started;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    started = state_->started;
  }
  if (!started) {
    if (absl::Status s = Start(); !s.ok()) {
      log::Error("server_start_failed", {{"error", s.ToString()}});
      return 1;
    }
  }
  Wait();
  // The services given to AddService may be destroyed as soon as Run returns (main's locals), so
  // the server that calls into them goes first. (Under TSan this is also what makes the end of
  // gRPC's handler threads visible before the services' destructors.)
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->health = nullptr;  // owned by the server
  }
  server_.reset();
  return 0;
}

int ServerRunner::metrics_port() const {
  return state_->metrics_endpoint != nullptr ? state_->metrics_endpoint->port() : 0;
}

void ServerRunner::RequestShutdown() {
  BeginNotServing();
  if (!shutdown_requested_.exchange(true)) state_->shutdown_signal.Notify();
}

void ServerRunner::Wait() {
  std::unique_lock<std::mutex> lock(state_->mu);
  if (!state_->started) return;
  state_->changed.wait(lock, [this] { return state_->drained; });
}

void ServerRunner::SetServing(bool serving) {
  std::lock_guard<std::mutex> lock(state_->mu);
  // After a drain has begun, a late probe result must not resurrect SERVING.
  if (state_->health == nullptr || state_->not_serving_forever) return;
  // The default health service pushes every Set to every Watch stream, changed or not.
  if (state_->serving.has_value() && *state_->serving == serving) return;
  state_->serving = serving;
  state_->health->SetServingStatus("", serving);
  for (const std::string& name : state_->service_names) {
    state_->health->SetServingStatus(name, serving);
  }
}

void ServerRunner::BeginNotServing() {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->health == nullptr || state_->not_serving_forever) return;
  state_->not_serving_forever = true;
  // Sets every status to NOT_SERVING and makes the health service ignore later changes.
  state_->health->Shutdown();
}

void ServerRunner::DrainThread() {
  state_->shutdown_signal.WaitForNotify();
  const absl::Time start = absl::Now();
  const absl::Duration budget = absl::Seconds(config_.drain_timeout_seconds);
  log::Info("drain_started", {{"drain_timeout_seconds", config_.drain_timeout_seconds}});
  // A signal reaches here without passing through RequestShutdown.
  BeginNotServing();
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  for (const std::function<void()>& hook : drain_hooks_) hook();
  // Stops accepting at once; after the deadline, cancels what is still running and waits for the
  // handlers to return.
  server_->Shutdown(absl::ToChronoTime(start + budget));
  server_->Wait();
  if (state_->health_thread.joinable()) state_->health_thread.join();
  const absl::Duration elapsed = absl::Now() - start;
  log::Info("drain_finished", {{"elapsed_ms", absl::ToInt64Milliseconds(elapsed)},
                               {"deadline_exceeded", elapsed >= budget}});
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->drained = true;
  }
  state_->changed.notify_all();
}

void ServerRunner::HealthLoop(bool initially_serving) {
  bool serving = initially_serving;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(state_->mu);
      if (state_->changed.wait_for(lock, absl::ToChronoNanoseconds(probe_interval_),
                                   [this] { return state_->stopping; })) {
        return;
      }
    }
    const absl::Status probe = probe_();
    SetServing(probe.ok());
    if (probe.ok() != serving) {
      serving = probe.ok();
      if (serving) {
        log::Info("health_changed", {{"serving", true}});
      } else {
        // Internal detail (e.g. a Redis error) belongs in the log, never in the health answer.
        log::Warn("health_changed", {{"serving", false}, {"reason", probe.ToString()}});
      }
    }
  }
}

}  // namespace dunbar::server
