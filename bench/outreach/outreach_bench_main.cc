// outreach_bench: the two outreach figures of BENCHMARKS.md (bench/run-benchmarks.sh ONLY=outreach
// starts the services and calls this).
//
//   plan    GetDailyPlan generation latency over gRPC against a running outreach server. Every
//           sample must generate: before each one the tenant's outreach keys (all but its policy)
//           are deleted from outreach's Redis, so the call walks membership's ranking, asks cohort
//           and stores the plan again. Deleting is not timed.
//   worker  Worker throughput: `--events` member.updated entries are put on the tenant's
//           membership event stream, then `--consumers` in-process OutreachWorkers (the real
//           domain handlers, calling the real membership and cohort services) drain them; events/s
//           from the first entry handed out to lag 0 and nothing pending.
//
//   outreach_bench --outreach-redis-url unix:///tmp/o.sock --tenant bench-10k plan
//       --outreach-addr 127.0.0.1:50053 --samples 200         (service token from $DUNBAR_TOKEN)
//   outreach_bench --outreach-redis-url ... --tenant bench-10k worker --membership-addr ...
//       --cohort-addr ... --membership-redis-url ... --events 20000 --consumers 4
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/load/latency_histogram.h"
#include "common/client/grpc_client.h"
#include "common/redis/redis_client.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "dunbar/outreach/v1/outreach.grpc.pb.h"
#include "services/outreach/outreach_domain.h"
#include "services/outreach/outreach_store.h"
#include "services/outreach/outreach_worker.h"

namespace {

namespace ov1 = ::dunbar::outreach::v1;
namespace mv1 = ::dunbar::membership::v1;
using dunbar::bench::LatencyHistogram;

struct Output {
  std::string note;
  std::string md_out;
  std::string json_out;

  void Emit(const std::string& markdown_row, const std::string& json) const {
    std::cout << markdown_row << "\n";
    if (!md_out.empty()) std::ofstream(md_out, std::ios::app) << markdown_row << "\n";
    if (!json_out.empty()) std::ofstream(json_out, std::ios::app) << json << "\n";
  }
};

std::string Ms(absl::Duration d) { return absl::StrFormat("%.2f", absl::ToDoubleMilliseconds(d)); }

absl::StatusOr<std::shared_ptr<dunbar::redis::RedisClient>> ConnectRedis(const std::string& url) {
  dunbar::redis::RedisOptions options;
  options.url = url;
  options.command_timeout = absl::Seconds(10);
  return dunbar::redis::RedisClient::Connect(options);
}

// Deletes every outreach key of `tenant` but its policy, so the next GetDailyPlan generates.
absl::Status ResetPlans(dunbar::redis::RedisClient& redis, const std::string& tenant) {
  const std::string prefix = absl::StrCat("dunbar:outreach:{", tenant, "}:");
  std::string cursor = "0";
  do {
    auto reply = redis.Command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    cursor = reply->elements()[0].str();
    std::vector<std::string> del = {"DEL"};
    for (const auto& key : reply->elements()[1].elements()) {
      if (key.str() != prefix + "policy") del.push_back(key.str());
    }
    if (del.size() > 1) {
      auto deleted = redis.Command(del);
      if (!deleted.ok()) return deleted.status();
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

int RunPlan(const std::string& addr, const std::string& redis_url, const std::string& tenant,
            int samples, int quota, const std::string& token, const Output& out) {
  auto redis = ConnectRedis(redis_url);
  if (!redis.ok()) {
    std::cerr << "outreach redis: " << redis.status() << "\n";
    return 2;
  }
  auto stub = ov1::OutreachService::NewStub(dunbar::client::MakeChannel(addr));
  ov1::SetPolicyRequest set;
  set.set_tenant(tenant);
  set.mutable_policy()->set_daily_quota(quota);
  for (int d = ov1::MONDAY; d <= ov1::SUNDAY; ++d) {
    set.mutable_policy()->add_active_weekdays(static_cast<ov1::Weekday>(d));
  }
  ov1::Policy policy;
  auto ctx = dunbar::client::NewCallContext(absl::Seconds(10), token);
  grpc::Status status = stub->SetPolicy(ctx.get(), set, &policy);
  if (!status.ok()) {
    std::cerr << "SetPolicy: " << status.error_message() << "\n";
    return 2;
  }

  // One untimed call warms channels, script caches and membership's pages.
  LatencyHistogram latency;
  int errors = 0;
  int64_t picks = 0;
  for (int i = -1; i < samples; ++i) {
    if (absl::Status reset = ResetPlans(**redis, tenant); !reset.ok()) {
      std::cerr << "reset: " << reset << "\n";
      return 2;
    }
    ov1::GetDailyPlanRequest request;
    request.set_tenant(tenant);
    ov1::DailyPlan plan;
    auto call = dunbar::client::NewCallContext(absl::Seconds(10), token);
    absl::Time start = absl::Now();
    status = stub->GetDailyPlan(call.get(), request, &plan);
    absl::Duration took = absl::Now() - start;
    if (i < 0) continue;
    if (!status.ok() || !plan.generated_now()) {
      ++errors;
      if (errors == 1) std::cerr << "GetDailyPlan: " << status.error_message() << "\n";
      continue;
    }
    latency.Record(took);
    picks += plan.tasks_size();
  }
  const double mean_picks = latency.count() > 0 ? double(picks) / latency.count() : 0;
  std::string row = absl::StrCat("| plan-generate | ", out.note, " | ", latency.count(), " | ",
                                 Ms(latency.mean()), " | ", Ms(latency.Quantile(0.5)), " | ",
                                 Ms(latency.Quantile(0.99)), " | ", Ms(latency.max()), " | ",
                                 absl::StrFormat("%.1f", mean_picks), " | ", errors, " |");
  std::string json = absl::StrFormat(
      R"({"figure":"plan-generate","note":"%s","samples":%d,"mean_ms":%s,"p50_ms":%s,"p99_ms":%s,"max_ms":%s,"picks":%.1f,"errors":%d})",
      out.note, latency.count(), Ms(latency.mean()), Ms(latency.Quantile(0.5)),
      Ms(latency.Quantile(0.99)), Ms(latency.max()), mean_picks, errors);
  out.Emit(row, json);
  return errors > 0 ? 3 : 0;
}

// Up to `want` member ids of the tenant (ListMembers order).
absl::StatusOr<std::vector<std::string>> MemberIds(mv1::MembershipService::Stub& stub,
                                                   const std::string& tenant,
                                                   const std::string& token, int want) {
  std::vector<std::string> ids;
  std::string page_token;
  do {
    mv1::ListMembersRequest request;
    request.set_tenant(tenant);
    request.set_page_size(500);
    request.set_page_token(page_token);
    mv1::ListMembersResponse response;
    auto ctx = dunbar::client::NewCallContext(absl::Seconds(10), token);
    grpc::Status status = stub.ListMembers(ctx.get(), request, &response);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    for (const auto& m : response.members()) ids.push_back(m.id());
    page_token = response.next_page_token();
  } while (!page_token.empty() && static_cast<int>(ids.size()) < want);
  if (static_cast<int>(ids.size()) > want) ids.resize(want);
  return ids;
}

int RunWorker(const std::string& membership_addr, const std::string& cohort_addr,
              const std::string& outreach_url, const std::string& membership_url,
              const std::string& tenant, int events, int consumers, const std::string& token,
              const Output& out) {
  auto outreach_redis = ConnectRedis(outreach_url);
  auto membership_redis = ConnectRedis(membership_url);
  if (!outreach_redis.ok() || !membership_redis.ok()) {
    std::cerr << "redis: cannot connect\n";
    return 2;
  }
  auto membership_channel = dunbar::client::MakeChannel(membership_addr);
  std::shared_ptr<mv1::MembershipService::StubInterface> membership =
      mv1::MembershipService::NewStub(membership_channel);
  std::shared_ptr<dunbar::cohort::v1::CohortService::StubInterface> cohort =
      dunbar::cohort::v1::CohortService::NewStub(dunbar::client::MakeChannel(cohort_addr));
  auto store = std::make_shared<dunbar::outreach::OutreachStore>(
      *outreach_redis, dunbar::outreach::OutreachStore::Options{});
  if (absl::Status loaded = store->LoadScripts(); !loaded.ok()) {
    std::cerr << "outreach scripts: " << loaded << "\n";
    return 2;
  }
  dunbar::outreach::OutreachDomainOptions domain_options;
  domain_options.service_token = token;
  auto domain =
      std::make_shared<dunbar::outreach::OutreachDomain>(store, membership, cohort, domain_options);
  if (absl::Status registered = store->RegisterTenant(tenant); !registered.ok()) {
    std::cerr << "register: " << registered << "\n";
    return 2;
  }
  dunbar::outreach::WorkerDeps deps{store, *outreach_redis, *outreach_redis, *membership_redis};

  std::vector<std::unique_ptr<dunbar::outreach::OutreachWorker>> workers;
  for (int i = 0; i < consumers; ++i) {
    dunbar::outreach::WorkerOptions options;
    options.consumer = absl::StrCat("bench-", i);
    options.poll_interval = absl::Milliseconds(5);
    options.lag_log_interval = absl::Hours(1);
    workers.push_back(std::make_unique<dunbar::outreach::OutreachWorker>(deps, domain, options));
  }
  // One round creates the consumer groups (they start at "$": only entries added from now on).
  if (auto round = workers[0]->RunOnce(); !round.ok()) {
    std::cerr << "first round: " << round.status() << "\n";
    return 2;
  }

  auto ids = MemberIds(*mv1::MembershipService::NewStub(membership_channel), tenant, token, 1000);
  if (!ids.ok() || ids->empty()) {
    std::cerr << "the tenant has no members to update\n";
    return 2;
  }
  const std::string stream = absl::StrCat("dunbar:membership:{", tenant, "}:events");
  constexpr int kBatch = 500;
  for (int done = 0; done < events; done += kBatch) {
    std::vector<std::vector<std::string>> batch;
    for (int i = done; i < std::min(events, done + kBatch); ++i) {
      batch.push_back(
          {"XADD", stream, "*", "type", "member.updated", "member_id", (*ids)[i % ids->size()]});
    }
    auto added = (*membership_redis)->Pipeline(batch);
    if (!added.ok()) {
      std::cerr << "XADD: " << added.status() << "\n";
      return 2;
    }
  }

  absl::Time start = absl::Now();
  for (auto& worker : workers) worker->Start();
  int64_t drained_at_lag = -1;
  while (absl::Now() - start < absl::Minutes(10)) {
    auto status = dunbar::outreach::OutreachWorker::ReadStatus(deps, tenant, absl::Now());
    if (status.ok()) {
      bool idle = false;
      for (const auto& s : status->streams()) {
        if (s.source() == "membership-events") {
          idle = s.lag() == 0 && s.pending() == 0;
          drained_at_lag = s.lag();
        }
      }
      if (idle) break;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  absl::Duration took = absl::Now() - start;
  int64_t handled = 0, failed = 0;
  for (auto& worker : workers) {
    worker->Stop();
    handled += worker->counters().handled;
    failed += worker->counters().failed;
  }
  const double per_second = handled / absl::ToDoubleSeconds(took);
  std::string row =
      absl::StrCat("| worker-drain | ", out.note, " | ", consumers, " | ", events, " | ", handled,
                   " | ", absl::StrFormat("%.2f", absl::ToDoubleSeconds(took)), " | ",
                   absl::StrFormat("%.0f", per_second), " | ", failed, " |");
  std::string json = absl::StrFormat(
      R"({"figure":"worker-drain","note":"%s","consumers":%d,"events":%d,"handled":%d,"seconds":%.3f,"events_per_s":%.0f,"failed":%d,"final_lag":%d})",
      out.note, consumers, events, handled, absl::ToDoubleSeconds(took), per_second, failed,
      drained_at_lag);
  out.Emit(row, json);
  return handled == events ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"outreach_bench: GetDailyPlan generation latency and worker throughput"};
  app.require_subcommand(1);
  Output out;
  std::string token = std::getenv("DUNBAR_TOKEN") ? std::getenv("DUNBAR_TOKEN") : "";
  std::string tenant = "bench";
  std::string outreach_redis_url;
  app.add_option("--note", out.note, "free text for the note column");
  app.add_option("--md-out", out.md_out, "append the markdown row here");
  app.add_option("--json-out", out.json_out, "append the JSON object here");
  app.add_option("--tenant", tenant);
  app.add_option("--outreach-redis-url", outreach_redis_url)->required();

  auto* plan = app.add_subcommand("plan", "GetDailyPlan generation latency");
  std::string outreach_addr = "127.0.0.1:50053";
  int samples = 200;
  int quota = 5;
  plan->add_option("--outreach-addr", outreach_addr);
  plan->add_option("--samples", samples)->check(CLI::Range(1, 100000));
  plan->add_option("--quota", quota)->check(CLI::Range(1, 50));

  auto* worker = app.add_subcommand("worker", "worker events/s");
  std::string membership_addr = "127.0.0.1:50051", cohort_addr = "127.0.0.1:50052";
  std::string membership_redis_url;
  int events = 20000;
  int consumers = 1;
  worker->add_option("--membership-addr", membership_addr);
  worker->add_option("--cohort-addr", cohort_addr);
  worker->add_option("--membership-redis-url", membership_redis_url)->required();
  worker->add_option("--events", events)->check(CLI::Range(1, 10000000));
  worker->add_option("--consumers", consumers)->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);
  if (token.empty()) {
    std::cerr << "set DUNBAR_TOKEN (a service token)\n";
    return 2;
  }
  if (*plan) {
    return RunPlan(outreach_addr, outreach_redis_url, tenant, samples, quota, token, out);
  }
  return RunWorker(membership_addr, cohort_addr, outreach_redis_url, membership_redis_url, tenant,
                   events, consumers, token, out);
}
