#include "bench/echo/echo_services.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "dunbar/bench/v1/echo.grpc.pb.h"

namespace dunbar::bench {
namespace {

using v1::EchoRequest;
using v1::EchoResponse;
using v1::EchoService;

// The handler bodies both models share.
grpc::Status DoEcho(const EchoRequest& request, EchoResponse* response) {
  response->set_payload(request.payload());
  return grpc::Status::OK;
}

grpc::Status DoEchoRedis(redis::RedisClient& redis, const EchoRequest& request,
                         EchoResponse* response) {
  auto reply = redis.Command({"GET", kEchoRedisKey});
  if (!reply.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "store unavailable");
  response->set_payload(request.payload());
  response->set_value(reply->AsOptionalString().value_or(""));
  return grpc::Status::OK;
}

class SyncEchoService final : public EchoService::Service {
 public:
  explicit SyncEchoService(std::shared_ptr<redis::RedisClient> redis) : redis_(std::move(redis)) {}

  grpc::Status Echo(grpc::ServerContext*, const EchoRequest* request,
                    EchoResponse* response) override {
    return DoEcho(*request, response);
  }
  grpc::Status EchoRedis(grpc::ServerContext*, const EchoRequest* request,
                         EchoResponse* response) override {
    return DoEchoRedis(*redis_, *request, response);
  }

 private:
  std::shared_ptr<redis::RedisClient> redis_;
};

class CallbackEchoService final : public EchoService::CallbackService {
 public:
  explicit CallbackEchoService(std::shared_ptr<redis::RedisClient> redis)
      : redis_(std::move(redis)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(DoEcho(*request, response));
    return reactor;
  }
  grpc::ServerUnaryReactor* EchoRedis(grpc::CallbackServerContext* context,
                                      const EchoRequest* request, EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(DoEchoRedis(*redis_, *request, response));
    return reactor;
  }

 private:
  std::shared_ptr<redis::RedisClient> redis_;
};

}  // namespace

absl::StatusOr<EchoServerModel> ParseEchoServerModel(std::string_view name) {
  if (name == "sync") return EchoServerModel::kSync;
  if (name == "callback") return EchoServerModel::kCallback;
  return absl::InvalidArgumentError(
      absl::StrCat("--model must be sync or callback, got \"", std::string(name), "\""));
}

absl::Status EnsureEchoKey(redis::RedisClient& redis) {
  auto reply = redis.Command({"SET", kEchoRedisKey, "warm value"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

std::unique_ptr<grpc::Service> MakeEchoService(EchoServerModel model,
                                               std::shared_ptr<redis::RedisClient> redis) {
  if (model == EchoServerModel::kCallback) {
    return std::make_unique<CallbackEchoService>(std::move(redis));
  }
  return std::make_unique<SyncEchoService>(std::move(redis));
}

}  // namespace dunbar::bench
