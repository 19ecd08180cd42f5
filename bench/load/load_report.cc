#include "bench/load/load_report.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace dunbar::bench {
namespace {

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }
double Us(absl::Duration d) { return absl::ToDoubleMicroseconds(d); }

double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

std::string FigureName(const ReportRow& row) {
  return row.note.empty() ? row.result->name : absl::StrCat(row.result->name, " [", row.note, "]");
}

}  // namespace

std::string FormatLatency(absl::Duration d) {
  const double us = Us(d);
  if (us < 1000) return absl::StrFormat("%.3g us", us);
  if (us < 1e6) return absl::StrFormat("%.3g ms", us / 1000);
  return absl::StrFormat("%.3g s", us / 1e6);
}

std::string FormatErrors(const LoadResult& result) {
  if (result.errors_by_code.empty()) return "0";
  std::vector<std::string> parts;
  for (const auto& [code, n] : result.errors_by_code) {
    parts.push_back(absl::StrCat(StatusCodeName(code), "=", n));
  }
  return absl::StrJoin(parts, " ");
}

std::string FormatTable(const std::vector<ReportRow>& rows) {
  size_t name_width = 6;
  for (const ReportRow& row : rows) name_width = std::max(name_width, FigureName(row).size());
  std::string out = absl::StrFormat("%-*s %7s %10s %10s %10s %10s %8s %8s  %s\n",
                                    static_cast<int>(name_width), "figure", "clients", "RPC/s",
                                    "p50", "p99", "p999", "xRPC/s", "xp99", "errors");
  for (const ReportRow& row : rows) {
    const LoadResult& r = *row.result;
    const LoadResult& b = *row.baseline;
    absl::StrAppendFormat(
        &out, "%-*s %7d %10.0f %10s %10s %10s %8.2f %8.2f  %s\n", static_cast<int>(name_width),
        FigureName(row), r.clients, r.throughput(), FormatLatency(r.latency.Quantile(0.50)),
        FormatLatency(r.latency.Quantile(0.99)), FormatLatency(r.latency.Quantile(0.999)),
        Ratio(r.throughput(), b.throughput()),
        Ratio(Us(r.latency.Quantile(0.99)), Us(b.latency.Quantile(0.99))), FormatErrors(r));
  }
  return out;
}

nlohmann::json ToJson(const ReportRow& row) {
  const LoadResult& r = *row.result;
  const LoadResult& b = *row.baseline;
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [code, n] : r.errors_by_code) errors[StatusCodeName(code)] = n;
  auto latency = [](const LoadResult& x) {
    return nlohmann::json{{"p50_us", Us(x.latency.Quantile(0.50))},
                          {"p99_us", Us(x.latency.Quantile(0.99))},
                          {"p999_us", Us(x.latency.Quantile(0.999))},
                          {"mean_us", Us(x.latency.mean())},
                          {"max_us", Us(x.latency.max())}};
  };
  nlohmann::json out = {
      {"figure", r.name},
      {"note", row.note},
      {"clients", r.clients},
      {"window_s", absl::ToDoubleSeconds(r.window)},
      {"calls", r.calls()},
      {"ok", r.ok},
      {"errors", errors},
      {"rpc_per_s", r.throughput()},
      {"latency", latency(r)},
      {"baseline", {{"figure", b.name}, {"rpc_per_s", b.throughput()}, {"latency", latency(b)}}},
      {"ratio_rpc_per_s", Ratio(r.throughput(), b.throughput())},
      {"ratio_p99", Ratio(Us(r.latency.Quantile(0.99)), Us(b.latency.Quantile(0.99)))},
  };
  if (!r.first_error.empty()) out["first_error"] = r.first_error;
  return out;
}

std::string MarkdownHeader() {
  return "| figure | note | clients | RPC/s | p50 ms | p99 ms | p999 ms | x base RPC/s | x base "
         "p99 "
         "| errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|";
}

std::string MarkdownRow(const ReportRow& row) {
  const LoadResult& r = *row.result;
  const LoadResult& b = *row.baseline;
  return absl::StrFormat(
      "| %s | %s | %d | %.0f | %.3f | %.3f | %.3f | %.2f | %.2f | %s |", r.name, row.note,
      r.clients, r.throughput(), Ms(r.latency.Quantile(0.50)), Ms(r.latency.Quantile(0.99)),
      Ms(r.latency.Quantile(0.999)), Ratio(r.throughput(), b.throughput()),
      Ratio(Us(r.latency.Quantile(0.99)), Us(b.latency.Quantile(0.99))), FormatErrors(r));
}

}  // namespace dunbar::bench
