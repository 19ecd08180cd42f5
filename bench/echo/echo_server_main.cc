// echo_server: the bench Echo API (bench/proto) in the sync or callback server model, hosted by
// the same ServerRunner as every dunbar service (health, reflection, per-RPC log line, drain).
//
//   echo_server --model callback --listen 127.0.0.1:50100 --redis-url unix:///tmp/r/redis.sock
#include <CLI/CLI.hpp>
#include <iostream>

#include "bench/echo/echo_services.h"
#include "common/log/json_log.h"
#include "common/redis/redis_client.h"
#include "common/server/server_runner.h"

int main(int argc, char** argv) {
  using namespace dunbar;
  server::ServerConfig config;
  std::string model_name = "sync";
  bool log_rpcs = true;
  CLI::App app{"Bench Echo server (sync or callback gRPC model)"};
  app.add_option("--model", model_name, "sync | callback")->capture_default_str();
  app.add_option("--listen", config.listen, "host:port")->capture_default_str();
  app.add_option("--redis-url", config.redis.url, "Redis URL for EchoRedis")->capture_default_str();
  app.add_option("--redis-pool-size", config.redis.pool_size, "Redis connections")
      ->capture_default_str();
  app.add_option("--log-rpcs", log_rpcs, "one JSON line per RPC, as the services do")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto model = bench::ParseEchoServerModel(model_name);
  if (!model.ok()) {
    std::cerr << model.status().message() << "\n";
    return 2;
  }
  log::SetEnabled(log_rpcs);
  auto redis = redis::RedisClient::Connect(config.redis);
  if (!redis.ok()) {
    std::cerr << "--redis-url: " << redis.status().message() << "\n";
    return 2;
  }
  if (absl::Status s = bench::EnsureEchoKey(**redis); !s.ok()) {
    std::cerr << "cannot write the echo key: " << s.message() << "\n";
    return 1;
  }
  std::unique_ptr<grpc::Service> service = bench::MakeEchoService(*model, *redis);

  server::ServerRunner runner(config);
  runner.AddService(service.get());
  runner.SetHealthProbe([r = *redis]() -> absl::Status {
    auto reply = r->Command({"GET", bench::kEchoRedisKey});
    return reply.ok() ? absl::OkStatus() : reply.status();
  });
  return runner.Run();
}
