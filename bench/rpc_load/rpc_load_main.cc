// rpc_load: closed-loop load for dunbar's unary RPCs, always against a baseline.
//
//   rpc_load --addr 127.0.0.1:50051 --token $TOKEN --tenant acme
//       run --figure get-member --figure create-member --clients 1,16 --duration-s 5
//   rpc_load --addr 127.0.0.1:50051 --token $TOKEN --tenant big
//       import --rows 1000000 --streams 4 --redis-url unix:///tmp/r/redis.sock
//   rpc_load --addr 127.0.0.1:50100 run --figure echo --figure echo-redis --clients 1,16,64
//   rpc_load --addr ... --token ... run --figure generic
//       --method /dunbar.membership.v1.MembershipService/ListMembers --request 'page_size: 50'
//
// `run`: for every client count, the baseline (grpc.health.v1.Health/Check, the empty RPC) runs
// first on the same server and channels, then each figure; every figure is printed with its
// throughput and p99 as ratios to that baseline. Output: a human table, then one markdown row and
// one JSON object per figure (also appended to --md-out / --json-out).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/load/channel_set.h"
#include "bench/load/closed_loop.h"
#include "bench/load/load_report.h"
#include "bench/rpc_load/contact_import.h"
#include "bench/rpc_load/contact_warmer.h"
#include "bench/rpc_load/redis_memory.h"
#include "bench/rpc_load/scenario.h"

namespace dunbar::bench {
namespace {

struct GlobalFlags {
  std::string addr = "127.0.0.1:50051";
  std::string token;
  std::string tenant = "bench";
  int channels = 4;
  int timeout_ms = 10000;
  std::string json_out;
  std::string md_out;
  std::string note;
  bool allow_not_serving = false;
};

struct RunFlags {
  std::vector<std::string> figures;
  std::vector<int> clients = {16};
  double warmup_s = 1;
  double duration_s = 5;
  int page_size = 20;
  std::string method;
  std::string request;
  std::string membership_addr;
  int enroll_members = 100000;
  bool enroll_warm = true;
};

struct ImportFlags {
  ImportPlan plan;
  std::string redis_url;
};

// The 1-minute load average: the box is shared, so every figure records how busy it was.
double LoadAverage1m() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return load;
}

std::string RandomRunId() {
  absl::BitGen gen;
  return absl::StrFormat("r%08x", absl::Uniform<uint32_t>(gen));
}

void Append(const std::string& path, const std::string& line) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
}

ScenarioEnv MakeEnv(const GlobalFlags& g, const ChannelSet& channels) {
  ScenarioEnv env;
  env.channels = &channels;
  env.token = g.token;
  env.tenant = g.tenant;
  env.timeout = absl::Milliseconds(g.timeout_ms);
  env.run_id = RandomRunId();
  env.require_serving = !g.allow_not_serving;
  return env;
}

int RunFigures(const GlobalFlags& g, const RunFlags& r, const std::string& command) {
  ChannelSet channels(g.addr, g.channels);
  if (absl::Status s = channels.WaitForConnected(absl::Seconds(5)); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  ScenarioEnv env = MakeEnv(g, channels);
  env.page_size = r.page_size;
  env.generic_method = r.method;
  env.generic_request = r.request;
  std::unique_ptr<ChannelSet> membership_channels;
  if (!r.membership_addr.empty()) {
    membership_channels = std::make_unique<ChannelSet>(r.membership_addr, 1);
    env.membership_channels = membership_channels.get();
  }
  env.enroll_members = r.enroll_members;
  env.enroll_warm = r.enroll_warm;

  auto baseline = MakeScenario("health", env);
  if (!baseline.ok()) {
    std::cerr << "baseline: " << baseline.status().message() << "\n";
    return 1;
  }
  std::vector<Scenario> scenarios;
  for (const std::string& name : r.figures) {
    auto scenario = MakeScenario(name, env);
    if (!scenario.ok()) {
      std::cerr << name << ": " << scenario.status().message() << "\n";
      return 1;
    }
    scenarios.push_back(std::move(*scenario));
  }

  // Every result is kept so the report rows can point at them.
  std::vector<std::unique_ptr<LoadResult>> results;
  std::vector<ReportRow> rows;
  std::vector<double> load_after;  // per row
  bool any_errors = false;
  for (int clients : r.clients) {
    LoadOptions options;
    options.clients = clients;
    options.warmup = absl::Seconds(r.warmup_s);
    options.duration = absl::Seconds(r.duration_s);
    std::cerr << "clients=" << clients << ": " << baseline->display_name << " ...\n";
    results.push_back(std::make_unique<LoadResult>(
        RunClosedLoop(baseline->display_name, options, baseline->make_caller)));
    const LoadResult* base = results.back().get();
    rows.push_back({base, base, g.note});
    load_after.push_back(LoadAverage1m());
    for (const Scenario& scenario : scenarios) {
      std::cerr << "clients=" << clients << ": " << scenario.display_name << " ...\n";
      results.push_back(std::make_unique<LoadResult>(
          RunClosedLoop(scenario.display_name, options, scenario.make_caller)));
      rows.push_back({results.back().get(), base, g.note});
      load_after.push_back(LoadAverage1m());
    }
  }

  std::cout << "command: " << command << "\n";
  std::cout << "target: " << g.addr << ", channels: " << channels.size()
            << " (client i uses channel i % " << channels.size() << "), warm-up " << r.warmup_s
            << " s, measured " << r.duration_s << " s per figure\n\n";
  std::cout << FormatTable(rows) << "\n";
  std::cout << MarkdownHeader() << "\n";
  for (const ReportRow& row : rows) {
    const std::string md = MarkdownRow(row);
    std::cout << md << "\n";
    Append(g.md_out, md);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const ReportRow& row = rows[i];
    nlohmann::json json = ToJson(row);
    json["loadavg_1m_after"] = load_after[i];
    json["target"] = g.addr;
    json["channels"] = channels.size();
    json["command"] = command;
    if (g.json_out.empty()) std::cout << json.dump() << "\n";
    Append(g.json_out, json.dump());
    if (row.result->errors() > 0) {
      any_errors = true;
      std::cerr << row.result->name << ": " << row.result->errors()
                << " failed calls, first: " << row.result->first_error << "\n";
    }
  }
  return any_errors ? 3 : 0;
}

int RunImportCommand(const GlobalFlags& g, const ImportFlags& f, const std::string& command) {
  ChannelSet channels(g.addr, std::max(g.channels, f.plan.streams));
  if (absl::Status s = channels.WaitForConnected(absl::Seconds(5)); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  ScenarioEnv env = MakeEnv(g, channels);
  int64_t memory_before = -1;
  if (!f.redis_url.empty()) {
    auto bytes = UsedMemoryBytes(f.redis_url);
    if (!bytes.ok()) {
      std::cerr << "--redis-url: " << bytes.status().message() << "\n";
      return 1;
    }
    memory_before = *bytes;
  }
  std::cerr << "importing " << f.plan.rows << " rows into " << g.tenant << " over "
            << f.plan.streams << " streams ...\n";
  auto totals = RunImport(channels, env, f.plan);
  if (!totals.ok()) {
    std::cerr << totals.status().message() << "\n";
    return 1;
  }
  int64_t memory_delta = -1;
  if (memory_before >= 0) {
    auto after = UsedMemoryBytes(f.redis_url);
    if (!after.ok()) {
      std::cerr << "--redis-url: " << after.status().message() << "\n";
      return 1;
    }
    memory_delta = *after - memory_before;
  }
  const double per_100k_mib = memory_delta >= 0 && totals->created > 0
                                  ? static_cast<double>(memory_delta) /
                                        static_cast<double>(totals->created) * 100000 /
                                        (1024.0 * 1024.0)
                                  : -1;

  std::cout << "command: " << command << "\n";
  std::cout << absl::StrFormat(
      "ImportContacts: %d rows in %.2f s = %.0f rows/s over %d streams (%d calls, %d rows per "
      "message)\n  created %d, merged %d, rejected %d%s\n",
      totals->rows_sent, absl::ToDoubleSeconds(totals->elapsed), totals->rows_per_second(),
      f.plan.streams, totals->calls, f.plan.rows_per_message, totals->created, totals->merged,
      totals->rejected,
      totals->first_error.empty() ? "" : absl::StrCat(" (first: ", totals->first_error, ")"));
  if (memory_delta >= 0) {
    std::cout << absl::StrFormat(
        "  Redis used_memory +%.1f MiB = %.0f bytes per created contact = %.1f MiB per 100k\n",
        memory_delta / (1024.0 * 1024.0),
        static_cast<double>(memory_delta) / std::max<int64_t>(1, totals->created), per_100k_mib);
  }
  const std::string md = absl::StrFormat(
      "| ImportContacts | %s | %d streams x %d rows/msg | %d | %.2f | %.0f | %d/%d/%d | %s |",
      g.note, f.plan.streams, f.plan.rows_per_message, totals->rows_sent,
      absl::ToDoubleSeconds(totals->elapsed), totals->rows_per_second(), totals->created,
      totals->merged, totals->rejected,
      per_100k_mib >= 0 ? absl::StrFormat("%.1f", per_100k_mib) : std::string("-"));
  std::cout << "| figure | note | shape | rows | seconds | rows/s | created/merged/rejected | "
               "Redis MiB per 100k contacts |\n|---|---|---|---:|---:|---:|---|---:|\n"
            << md << "\n";
  Append(g.md_out, md);
  nlohmann::json json = {{"figure", "ImportContacts"},
                         {"note", g.note},
                         {"tenant", g.tenant},
                         {"streams", f.plan.streams},
                         {"rows_per_message", f.plan.rows_per_message},
                         {"rows", totals->rows_sent},
                         {"seconds", absl::ToDoubleSeconds(totals->elapsed)},
                         {"rows_per_s", totals->rows_per_second()},
                         {"created", totals->created},
                         {"merged", totals->merged},
                         {"rejected", totals->rejected},
                         {"redis_used_memory_delta_bytes", memory_delta},
                         {"redis_mib_per_100k_contacts", per_100k_mib},
                         {"loadavg_1m_after", LoadAverage1m()},
                         {"command", command}};
  if (g.json_out.empty()) std::cout << json.dump() << "\n";
  Append(g.json_out, json.dump());
  return totals->rejected > 0 ? 3 : 0;
}

int RunWarmCommand(const GlobalFlags& g, const WarmPlan& plan, const std::string& command) {
  ChannelSet channels(g.addr, g.channels);
  if (absl::Status s = channels.WaitForConnected(absl::Seconds(5)); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  ScenarioEnv env = MakeEnv(g, channels);
  const absl::Time start = absl::Now();
  auto recorded = WarmContacts(channels, env, plan);
  if (!recorded.ok()) {
    std::cerr << recorded.status().message() << "\n";
    return 1;
  }
  std::cout << "command: " << command << "\n"
            << absl::StrFormat("warmed %d members of %s: %d interactions in %.2f s\n", plan.members,
                               g.tenant, *recorded, absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

// Until the server's overall health is SERVING (services report NOT_SERVING until Redis answers).
int RunWaitCommand(const GlobalFlags& g, double timeout_s) {
  ChannelSet channels(g.addr, 1);
  ScenarioEnv env = MakeEnv(g, channels);
  env.timeout = absl::Seconds(1);
  const absl::Time deadline = absl::Now() + absl::Seconds(timeout_s);
  absl::Status last;
  while (absl::Now() < deadline) {
    last = MakeHealthScenario(env).status();
    if (last.ok()) return 0;
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::cerr << g.addr << " not SERVING after " << timeout_s << " s: " << last.message() << "\n";
  return 1;
}

}  // namespace
}  // namespace dunbar::bench

int main(int argc, char** argv) {
  using namespace dunbar::bench;
  std::vector<std::string> args(argv, argv + argc);
  const std::string command = absl::StrJoin(args, " ");

  GlobalFlags g;
  RunFlags r;
  ImportFlags f;
  CLI::App app{"Closed-loop gRPC load for dunbar, with an empty-RPC baseline in every run"};
  app.require_subcommand(1);
  app.add_option("--addr", g.addr, "server host:port")->capture_default_str();
  app.add_option("--token", g.token, "bearer token")->envname("DUNBAR_TOKEN");
  app.add_option("--tenant", g.tenant, "tenant for membership figures")->capture_default_str();
  app.add_option("--channels", g.channels, "HTTP/2 connections shared by the clients")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--timeout-ms", g.timeout_ms, "deadline per call")->capture_default_str();
  app.add_option("--note", g.note, "label printed with every figure, e.g. contacts=10^6");
  app.add_flag("--allow-not-serving", g.allow_not_serving,
               "measure even if health says NOT_SERVING (fault experiments)");
  app.add_option("--json-out", g.json_out, "append one JSON object per figure");
  app.add_option("--md-out", g.md_out, "append one markdown table row per figure");

  CLI::App* run = app.add_subcommand("run", "closed-loop figures against the baseline");
  run->add_option("--figure", r.figures,
                  "scenario (repeatable): " + absl::StrJoin(ScenarioNames(), ", "))
      ->required();
  run->add_option("--clients", r.clients, "client counts, e.g. 1,16,64")
      ->delimiter(',')
      ->capture_default_str();
  run->add_option("--warmup-s", r.warmup_s, "unrecorded warm-up")->capture_default_str();
  run->add_option("--duration-s", r.duration_s, "measured period")->capture_default_str();
  run->add_option("--page-size", r.page_size, "rank-contacts page size")->capture_default_str();
  run->add_option("--method", r.method, "generic: /package.Service/Method");
  run->add_option("--request", r.request, "generic: request in protobuf text format");
  run->add_option("--membership-addr", r.membership_addr, "enroll: membership host:port");
  run->add_option("--enroll-members", r.enroll_members, "enroll: members available to enrol")
      ->capture_default_str();
  run->add_flag("--enroll-warm,!--no-enroll-warm", r.enroll_warm,
                "enroll: warm the admission cache first (default) or measure the cold path");

  CLI::App* import = app.add_subcommand("import", "ImportContacts throughput / seeding");
  import->add_option("--rows", f.plan.rows, "rows to import")->capture_default_str();
  import->add_option("--first-row", f.plan.first_row, "index of the first generated row")
      ->capture_default_str();
  import->add_option("--streams", f.plan.streams, "concurrent ImportContacts calls")
      ->capture_default_str();
  import->add_option("--rows-per-message", f.plan.rows_per_message, "rows per stream message")
      ->capture_default_str();
  import->add_option("--rows-per-call", f.plan.rows_per_call, "rows per ImportContacts call")
      ->capture_default_str();
  import->add_option("--redis-url", f.redis_url, "measure Redis used_memory before/after");

  WarmPlan warm_plan;
  CLI::App* warm = app.add_subcommand("warm", "record interactions on a tenant's first members");
  warm->add_option("--members", warm_plan.members, "members to warm")->capture_default_str();
  warm->add_option("--interactions-per-member", warm_plan.interactions_per_member,
                   "interactions per member")
      ->capture_default_str();
  warm->add_option("--parallel", warm_plan.parallel, "concurrent calls")->capture_default_str();

  double wait_timeout_s = 30;
  CLI::App* wait = app.add_subcommand("wait", "wait until the server's health is SERVING");
  wait->add_option("--timeout-s", wait_timeout_s, "give up after")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (run->parsed()) return RunFigures(g, r, command);
  if (import->parsed()) return RunImportCommand(g, f, command);
  if (warm->parsed()) return RunWarmCommand(g, warm_plan, command);
  return RunWaitCommand(g, wait_timeout_s);
}
