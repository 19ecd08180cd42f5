// One consumer of one Redis stream through a consumer group: at-least-once delivery. New entries
// are read with XREADGROUP; entries left pending by a consumer that died (or whose handler failed)
// are taken over with XAUTOCLAIM once idle long enough, with their delivery count (from XPENDING)
// so the caller can dead-letter an entry delivered too often. Acknowledging is the caller's job,
// after its (idempotent) handler succeeded.
//
// Reads never block inside Redis (no BLOCK): the pooled client has a command timeout, and a worker
// polls many tenants' streams in turn, so the caller sleeps between empty rounds instead.
//
//   StreamConsumer consumer(redis, "dunbar:cohort:{acme}:events",
//                           {.group = "outreach", .consumer = "worker-7f3a"});
//   DUNBAR_RETURN_IF_ERROR(consumer.EnsureGroup());
//   DUNBAR_ASSIGN_OR_RETURN(auto entries, consumer.ReadNew(64));
//   for (const StreamEntry& e : entries) if (Handle(e).ok()) consumer.Ack(e.id).IgnoreError();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"

namespace dunbar::queue {

struct StreamEntry {
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;  // in stream order
  // 1 for a first delivery; XAUTOCLAIM and XCLAIM add one per take-over.
  int64_t delivery_count = 1;

  // The value of the first field called `name`, or "" when absent.
  std::string Field(std::string_view name) const;
};

struct ConsumerGroupOptions {
  std::string group;
  std::string consumer;
  // Where a group created by EnsureGroup starts: "$" = only entries added from now on.
  std::string start_id = "$";
  // An entry pending this long with its consumer is taken over by Reclaim.
  absl::Duration min_idle_for_reclaim = absl::Seconds(30);
  // A consumer of the group idle this long with nothing pending is a process that is gone (a live
  // one polls every round): RemoveStaleConsumers deletes it so the group's consumer count is true.
  absl::Duration stale_consumer_after = absl::Hours(1);
};

struct GroupStatus {
  bool exists = false;
  int64_t lag = 0;      // entries added after the group's last delivered id (XINFO GROUPS "lag")
  int64_t pending = 0;  // delivered, not acknowledged
  int32_t consumers = 0;
  std::string last_delivered_id;
};

class StreamConsumer {
 public:
  StreamConsumer(std::shared_ptr<redis::RedisClient> redis, std::string stream_key,
                 ConsumerGroupOptions options);

  const std::string& stream_key() const { return stream_key_; }
  const ConsumerGroupOptions& options() const { return options_; }

  // XGROUP CREATE <stream> <group> <start_id> MKSTREAM; an existing group (BUSYGROUP) is fine.
  absl::Status EnsureGroup();
  // Up to `count` entries never delivered to the group (XREADGROUP ... STREAMS <key> >). A group
  // that vanished (the stream was deleted) is re-created and the read retried once.
  absl::StatusOr<std::vector<StreamEntry>> ReadNew(int count);
  // Takes over up to `count` entries idle at least min_idle_for_reclaim (XAUTOCLAIM from 0-0,
  // following its cursor for one pass), with their delivery counts. Entries deleted from the stream
  // meanwhile are acknowledged and skipped.
  absl::StatusOr<std::vector<StreamEntry>> Reclaim(int count);
  absl::Status Ack(const std::string& entry_id);
  absl::StatusOr<GroupStatus> Status();
  // Deletes the group's other consumers that are idle at least stale_consumer_after and hold no
  // pending entries (XGROUP DELCONSUMER would drop those entries: they wait for Reclaim to move
  // them first). One script; answers how many were removed.
  absl::StatusOr<int> RemoveStaleConsumers();

 private:
  std::shared_ptr<redis::RedisClient> redis_;
  std::string stream_key_;
  ConsumerGroupOptions options_;
};

}  // namespace dunbar::queue
