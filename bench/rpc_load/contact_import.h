// Bulk ImportContacts through the public streaming RPC: used both to seed tenants (10^4 and 10^6
// contacts for RankContacts) and to measure import throughput in rows/s.
//
// `streams` ImportContacts calls run at once, each on its own channel of the ChannelSet; each call
// carries up to `rows_per_call` rows in messages of `rows_per_message`. Rows are generated from
// their index (unique phone, WeChat id and email per index), so a re-run merges instead of
// creating.
//
//   ImportPlan plan{.tenant = "bench-1m", .rows = 1000000, .streams = 4};
//   auto result = RunImport(channels, env, plan);  // result->rows_per_second()
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/load/channel_set.h"
#include "bench/rpc_load/scenario.h"

namespace dunbar::bench {

struct ImportPlan {
  int64_t first_row = 0;  // index of the first generated row (handles derive from it)
  int64_t rows = 100000;
  int streams = 4;
  int rows_per_message = 500;
  int64_t rows_per_call = 50000;
};

struct ImportTotals {
  int64_t rows_sent = 0;
  int64_t rows_received = 0;  // as counted by the server
  int64_t created = 0;
  int64_t merged = 0;
  int64_t rejected = 0;
  int64_t calls = 0;
  absl::Duration elapsed;
  std::string first_error;  // first failed call or first rejected row, for the report

  double rows_per_second() const;
};

// UNAVAILABLE etc. when a call fails outright (the totals of the calls that finished are lost).
absl::StatusOr<ImportTotals> RunImport(const ChannelSet& channels, const ScenarioEnv& env,
                                       const ImportPlan& plan);

}  // namespace dunbar::bench
