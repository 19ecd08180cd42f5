#include "services/outreach/worker_streams.h"

#include "absl/strings/str_cat.h"
#include "services/outreach/outreach_store.h"

namespace dunbar::outreach {
namespace {

// The other services' published outboxes (cohort_store.h and membership's store document them).
std::string CohortEventsKey(const std::string& tenant) {
  return absl::StrCat("dunbar:cohort:{", tenant, "}:events");
}
std::string MembershipEventsKey(const std::string& tenant) {
  return absl::StrCat("dunbar:membership:{", tenant, "}:events");
}

}  // namespace

queue::ConsumerGroupOptions WorkerStream::GroupOptions(const std::string& consumer,
                                                       absl::Duration min_idle_for_reclaim) const {
  queue::ConsumerGroupOptions options;
  options.group = group;
  options.consumer = consumer;
  options.start_id = start_id;
  options.min_idle_for_reclaim = min_idle_for_reclaim;
  return options;
}

std::vector<WorkerStream> WorkerStreams(const WorkerDeps& deps, const std::string& tenant) {
  return {
      {kCohortEventsSource, CohortEventsKey(tenant), "outreach", "$", deps.cohort_events},
      {kMembershipEventsSource, MembershipEventsKey(tenant), "outreach", "$",
       deps.membership_events},
      {kJobsSource, OutreachStore::JobStreamKey(tenant), "outreach-worker", "0",
       deps.outreach_redis},
  };
}

}  // namespace dunbar::outreach
