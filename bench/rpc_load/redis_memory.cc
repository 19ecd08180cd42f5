#include "bench/rpc_load/redis_memory.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/redis/redis_client.h"

namespace dunbar::bench {

absl::StatusOr<int64_t> UsedMemoryBytes(const std::string& redis_url) {
  redis::RedisOptions options;
  options.url = redis_url;
  options.pool_size = 1;
  auto client = redis::RedisClient::Connect(options);
  if (!client.ok()) return client.status();
  auto reply = (*client)->Command({"INFO", "memory"});
  if (!reply.ok()) return reply.status();
  for (absl::string_view line : absl::StrSplit(reply->str(), '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "used_memory:")) {
      int64_t bytes = 0;
      if (absl::SimpleAtoi(line, &bytes)) return bytes;
    }
  }
  return absl::InternalError("INFO memory has no used_memory line");
}

}  // namespace dunbar::bench
