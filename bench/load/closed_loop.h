// A closed-loop load driver for unary RPCs: N client threads, each issuing its next call as soon
// as the previous one returns, for a warm-up period (not recorded) and then a measured period.
//
// The driver knows nothing about the RPC: a `CallerFactory` makes one `Caller` per client thread
// (so per-client state such as a stub, an RNG or a counter needs no locking), and each Caller
// performs one RPC and returns its grpc::Status.
//
//   LoadOptions options{.clients = 16, .duration = absl::Seconds(5)};
//   LoadResult r = RunClosedLoop("GetMember", options, [&](int client) {
//     return Caller([stub = ..., client]() { return stub->GetMember(...); });
//   });
//   r.throughput();  r.latency.Quantile(0.99);  r.errors_by_code;
//
// A call counts when it *starts* inside the measured window; throughput is those calls divided by
// the window. Calls still in flight when the window closes are finished and counted too, so the
// tail is not cut off.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/time/time.h"
#include "bench/load/latency_histogram.h"

namespace dunbar::bench {

struct LoadOptions {
  int clients = 16;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
};

using Caller = std::function<grpc::Status()>;
using CallerFactory = std::function<Caller(int client_index)>;

struct LoadResult {
  std::string name;
  int clients = 0;
  absl::Duration window;  // measured period actually elapsed
  int64_t ok = 0;
  std::map<grpc::StatusCode, int64_t> errors_by_code;
  std::string first_error;   // message of the first failed call, to explain errors in the report
  LatencyHistogram latency;  // all measured calls, failed ones included

  int64_t calls() const { return latency.count(); }
  int64_t errors() const { return calls() - ok; }
  double throughput() const;  // completed calls per second (OK or not)
};

LoadResult RunClosedLoop(std::string name, const LoadOptions& options,
                         const CallerFactory& make_caller);

// "DEADLINE_EXCEEDED" etc.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace dunbar::bench
