// The bench Echo API served in the two gRPC server models, with identical handler bodies so a
// difference in figures is the model's:
//
//   SyncEchoService      grpc's synchronous API: handlers run on the server's own thread pool.
//   CallbackEchoService  grpc's callback API: handlers run on gRPC's callback executor; the Redis
//                        GET blocks there, as our handlers would if ported unchanged.
//
//   auto redis = redis::RedisClient::Connect(options);
//   auto service = MakeEchoService(EchoServerModel::kCallback, *redis);
//   runner.AddService(service.get());
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"

namespace dunbar::bench {

enum class EchoServerModel { kSync, kCallback };

absl::StatusOr<EchoServerModel> ParseEchoServerModel(std::string_view name);

// The key EchoRedis reads; EnsureEchoKey writes it so the GET returns a real value.
inline constexpr std::string_view kEchoRedisKey = "dunbar:bench:{echo}:value:1";
absl::Status EnsureEchoKey(redis::RedisClient& redis);

std::unique_ptr<grpc::Service> MakeEchoService(EchoServerModel model,
                                               std::shared_ptr<redis::RedisClient> redis);

}  // namespace dunbar::bench
