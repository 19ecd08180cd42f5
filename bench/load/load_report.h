// Presents load results next to the baseline (empty RPC on the same server, same run): a human
// table, one JSON object per figure (machine-readable, for BENCHMARKS.md tooling) and one markdown
// table row per figure.
//
//   std::vector<ReportRow> rows = {{&baseline, &baseline, ""}, {&get, &baseline, "10^4"}};
//   std::cout << FormatTable(rows);
//   for (auto& row : rows) std::cout << ToJson(row).dump() << "\n" << MarkdownRow(row) << "\n";
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/load/closed_loop.h"

namespace dunbar::bench {

struct ReportRow {
  const LoadResult* result = nullptr;
  const LoadResult* baseline = nullptr;  // same client count, same server, same run
  std::string note;                      // e.g. "contacts=1000000", "model=callback"
};

std::string FormatTable(const std::vector<ReportRow>& rows);
nlohmann::json ToJson(const ReportRow& row);
// | figure | note | clients | RPC/s | p50 ms | p99 ms | p999 ms | x base RPC/s | x base p99 |
// errors |
std::string MarkdownHeader();
std::string MarkdownRow(const ReportRow& row);

// "12.3 us" style with three significant digits.
std::string FormatLatency(absl::Duration d);
// "UNAVAILABLE=3 INTERNAL=1", or "0".
std::string FormatErrors(const LoadResult& result);

}  // namespace dunbar::bench
