// The three streams the outreach worker consumes for one tenant (see outreach_worker.h), in the
// order a round visits them, with the consumer-group settings of each. Shared by the worker and
// OutreachWorker::ReadStatus so both always agree on keys and groups.
//
//   for (const WorkerStream& s : WorkerStreams(deps, "acme")) {
//     queue::StreamConsumer consumer(s.redis, s.key, s.GroupOptions("worker-1",
//     absl::Seconds(30)));
//   }
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/queue/stream_consumer.h"
#include "common/redis/redis_client.h"
#include "services/outreach/outreach_worker.h"

namespace dunbar::outreach {

// Source names as they appear in dead letters and StreamStatus.source.
inline constexpr char kCohortEventsSource[] = "cohort-events";
inline constexpr char kMembershipEventsSource[] = "membership-events";
inline constexpr char kJobsSource[] = "jobs";

struct WorkerStream {
  std::string source;  // one of the names above
  std::string key;
  std::string group;
  // Where the group starts when the worker first creates it. The other services' event streams:
  // "$" (history from before outreach was in use is not replayed: an old cohort.opened must not
  // start a campaign today). Outreach's own job stream: "0" (a job written before the first worker
  // round, e.g. by CompleteTask, must not be lost).
  std::string start_id;
  std::shared_ptr<redis::RedisClient> redis;

  queue::ConsumerGroupOptions GroupOptions(const std::string& consumer,
                                           absl::Duration min_idle_for_reclaim) const;
};

std::vector<WorkerStream> WorkerStreams(const WorkerDeps& deps, const std::string& tenant);

}  // namespace dunbar::outreach
