#include "services/outreach/outreach_server.h"

#include <prometheus/registry.h>

#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "common/status/status_macros.h"
#include "services/outreach/outreach_grpc_service.h"
#include "services/outreach/outreach_store.h"

namespace dunbar::outreach {
namespace {

class OutreachServerImpl final : public OutreachServer {
 public:
  OutreachServerImpl(std::shared_ptr<OutreachStore> store, std::shared_ptr<OutreachDomain> domain,
                     std::unique_ptr<OutreachGrpcService> service,
                     std::vector<std::unique_ptr<OutreachWorker>> workers)
      : store_(std::move(store)),
        domain_(std::move(domain)),
        service_(std::move(service)),
        workers_(std::move(workers)) {}

  ~OutreachServerImpl() override { StopWorkers(); }

  grpc::Service* service() override { return service_.get(); }
  absl::Status Probe() override { return store_->Probe(); }
  OutreachDomain& domain() override { return *domain_; }

  void StopWorkers() override {
    // The drain thread and the destructor may both get here; Stop() itself is idempotent.
    std::lock_guard<std::mutex> lock(stop_mu_);
    for (const std::unique_ptr<OutreachWorker>& worker : workers_) worker->Stop();
  }

  WorkerCounters worker_counters() const override {
    WorkerCounters sum;
    for (const std::unique_ptr<OutreachWorker>& worker : workers_) {
      const WorkerCounters c = worker->counters();
      sum.handled += c.handled;
      sum.ignored += c.ignored;
      sum.failed += c.failed;
      sum.reclaimed += c.reclaimed;
      sum.dead_lettered += c.dead_lettered;
      sum.jobs_promoted += c.jobs_promoted;
    }
    return sum;
  }

 private:
  std::shared_ptr<OutreachStore> store_;
  std::shared_ptr<OutreachDomain> domain_;
  std::unique_ptr<OutreachGrpcService> service_;
  std::mutex stop_mu_;
  // Declared last: stopped and joined first.
  std::vector<std::unique_ptr<OutreachWorker>> workers_;
};

absl::Status RequirePositive(const char* field, absl::Duration value) {
  if (value > absl::ZeroDuration()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": must be positive"));
}

absl::Status RequireAtLeast(const char* field, int64_t value, int64_t min) {
  if (value >= min) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be at least ", min, ", got ", value));
}

absl::Status ValidateDomainOptions(const OutreachDomainOptions& options) {
  if (options.service_token.empty()) {
    return absl::InvalidArgumentError("domain.service_token: is required (a service token)");
  }
  DUNBAR_RETURN_IF_ERROR(RequirePositive("domain.membership_timeout", options.membership_timeout));
  DUNBAR_RETURN_IF_ERROR(RequirePositive("domain.cohort_timeout", options.cohort_timeout));
  DUNBAR_RETURN_IF_ERROR(RequireAtLeast("domain.call_attempts", options.call_attempts, 1));
  if (options.retry_backoff < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("domain.retry_backoff: must not be negative");
  }
  if (options.rank_page_size < 1 || options.rank_page_size > 500) {
    return absl::InvalidArgumentError(
        absl::StrCat("domain.rank_page_size: must be 1..500, got ", options.rank_page_size));
  }
  DUNBAR_RETURN_IF_ERROR(RequireAtLeast("domain.max_rank_pages", options.max_rank_pages, 1));
  if (!options.clock) return absl::InvalidArgumentError("domain.clock: must be set");
  return absl::OkStatus();
}

absl::Status ValidateStoreOptions(const OutreachStore::Options& options) {
  DUNBAR_RETURN_IF_ERROR(
      RequireAtLeast("store.event_stream_max_len", options.event_stream_max_len, 1));
  DUNBAR_RETURN_IF_ERROR(RequireAtLeast("store.job_stream_max_len", options.job_stream_max_len, 1));
  DUNBAR_RETURN_IF_ERROR(
      RequireAtLeast("store.dead_letter_max_len", options.dead_letter_max_len, 1));
  if (options.request_id_ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError("store.request_id_ttl: must be at least a second");
  }
  return absl::OkStatus();
}

absl::Status ValidateWorkerOptions(const OutreachOptions& options) {
  DUNBAR_RETURN_IF_ERROR(RequireAtLeast("worker_threads", options.worker_threads, 1));
  const WorkerOptions& worker = options.worker;
  if (worker.consumer.empty()) return absl::InvalidArgumentError("worker.consumer: is required");
  DUNBAR_RETURN_IF_ERROR(RequireAtLeast("worker.batch", worker.batch, 1));
  DUNBAR_RETURN_IF_ERROR(RequirePositive("worker.poll_interval", worker.poll_interval));
  DUNBAR_RETURN_IF_ERROR(
      RequirePositive("worker.min_idle_for_reclaim", worker.min_idle_for_reclaim));
  DUNBAR_RETURN_IF_ERROR(RequireAtLeast("worker.max_attempts", worker.max_attempts, 1));
  DUNBAR_RETURN_IF_ERROR(RequirePositive("worker.tenant_refresh", worker.tenant_refresh));
  DUNBAR_RETURN_IF_ERROR(RequirePositive("worker.lag_log_interval", worker.lag_log_interval));
  if (!worker.clock) return absl::InvalidArgumentError("worker.clock: must be set");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutreachServer>> OutreachServer::Create(
    OutreachRedis redis, std::shared_ptr<auth::TokenStore> tokens,
    std::shared_ptr<grpc::ChannelInterface> membership_channel,
    std::shared_ptr<grpc::ChannelInterface> cohort_channel, OutreachOptions options) {
  if (!redis.redis || !tokens || !membership_channel || !cohort_channel) {
    return absl::InvalidArgumentError(
        "redis, tokens, membership_channel and cohort_channel are required");
  }
  DUNBAR_RETURN_IF_ERROR(ValidateDomainOptions(options.domain));
  DUNBAR_RETURN_IF_ERROR(ValidateStoreOptions(options.store));
  DUNBAR_RETURN_IF_ERROR(ValidateWorkerOptions(options));

  auto store = std::make_shared<OutreachStore>(redis.redis, options.store);
  if (absl::Status loaded = store->LoadScripts(); !loaded.ok()) {
    // Redis may be down at start: the service reports NOT_SERVING and reloads scripts on demand.
    log::Warn("outreach.scripts_not_loaded", {{"code", absl::StatusCodeToString(loaded.code())}});
  }

  // One stub per service for the process: stubs are cheap wrappers, the channel is what is shared.
  std::shared_ptr<OutreachDomain::MembershipStub> membership =
      ::dunbar::membership::v1::MembershipService::NewStub(std::move(membership_channel));
  std::shared_ptr<OutreachDomain::CohortStub> cohort =
      ::dunbar::cohort::v1::CohortService::NewStub(std::move(cohort_channel));
  auto domain = std::make_shared<OutreachDomain>(store, std::move(membership), std::move(cohort),
                                                 options.domain);

  WorkerDeps deps;
  deps.store = store;
  deps.outreach_redis = redis.redis;
  deps.cohort_events = redis.cohort_events ? redis.cohort_events : redis.redis;
  deps.membership_events = redis.membership_events ? redis.membership_events : redis.redis;

  std::vector<std::unique_ptr<OutreachWorker>> workers;
  if (options.run_worker) {
    for (int n = 1; n <= options.worker_threads; ++n) {
      WorkerOptions worker_options = options.worker;
      worker_options.consumer = absl::StrCat(options.worker.consumer, "-", n);
      WorkerDeps worker_deps = deps;
      // Group lag is the same whichever consumer reads it: one thread reports it.
      if (n == 1 && options.metrics != nullptr) {
        worker_deps.stream_metrics =
            std::make_shared<metrics::StreamGroupMetrics>(*options.metrics);
      }
      workers.push_back(
          std::make_unique<OutreachWorker>(worker_deps, domain, std::move(worker_options)));
      // The worker holds shared references to the store and domain: safe to start right away.
      workers.back()->Start();
    }
  }

  auto service =
      std::make_unique<OutreachGrpcService>(domain, std::move(tokens), deps, options.domain.clock);
  return std::unique_ptr<OutreachServer>(new OutreachServerImpl(
      std::move(store), std::move(domain), std::move(service), std::move(workers)));
}

}  // namespace dunbar::outreach
