#include "bench/load/closed_loop.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/status/grpc_status.h"

namespace dunbar::bench {
namespace {

// Per-thread tallies, merged after join so the hot loop takes no lock.
struct ClientTally {
  LatencyHistogram latency;
  int64_t ok = 0;
  std::map<grpc::StatusCode, int64_t> errors_by_code;
  std::string first_error;
};

}  // namespace

double LoadResult::throughput() const {
  const double seconds = absl::ToDoubleSeconds(window);
  return seconds > 0 ? static_cast<double>(calls()) / seconds : 0.0;
}

LoadResult RunClosedLoop(std::string name, const LoadOptions& options,
                         const CallerFactory& make_caller) {
  const int clients = options.clients > 0 ? options.clients : 1;
  std::vector<Caller> callers;
  callers.reserve(clients);
  for (int i = 0; i < clients; ++i) callers.push_back(make_caller(i));

  std::vector<ClientTally> tallies(clients);
  // Phases: clients wait for `go`, run unrecorded until `measure_start`, record calls that start
  // before `measure_end`, then stop.
  absl::Mutex mu;
  bool go = false;
  absl::Time measure_start;
  absl::Time measure_end;

  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      absl::Time start_at;
      absl::Time end_at;
      {
        absl::MutexLock lock(&mu);
        mu.Await(absl::Condition(&go));
        start_at = measure_start;
        end_at = measure_end;
      }
      Caller& call = callers[i];
      ClientTally& tally = tallies[i];
      for (;;) {
        const absl::Time begin = absl::Now();
        if (begin >= end_at) break;
        const grpc::Status status = call();
        if (begin < start_at) continue;  // warm-up
        tally.latency.Record(absl::Now() - begin);
        if (status.ok()) {
          ++tally.ok;
        } else {
          ++tally.errors_by_code[status.error_code()];
          if (tally.first_error.empty()) {
            tally.first_error = StatusCodeName(status.error_code()) + ": " + status.error_message();
          }
        }
      }
    });
  }

  {
    absl::MutexLock lock(&mu);
    measure_start = absl::Now() + options.warmup;
    measure_end = measure_start + options.duration;
    go = true;
  }
  for (auto& t : threads) t.join();

  LoadResult result;
  result.name = std::move(name);
  result.clients = clients;
  // The window is the planned one: every call started inside it was recorded.
  result.window = options.duration;
  for (const ClientTally& tally : tallies) {
    result.latency.Merge(tally.latency);
    result.ok += tally.ok;
    for (const auto& [code, n] : tally.errors_by_code) result.errors_by_code[code] += n;
    if (result.first_error.empty()) result.first_error = tally.first_error;
  }
  return result;
}

std::string StatusCodeName(grpc::StatusCode code) { return GrpcCodeName(code); }

}  // namespace dunbar::bench
