// From a stream entry to a WorkerHandlers call (the table in outreach_worker.h).
//
// A "replay" job is unwrapped first: it stands for the dead-lettered entry it carries, so the
// handler, the recorded handler error and a second dead letter all refer to the original source
// and entry id. The job itself is still what gets acknowledged.
//
//   absl::StatusOr<WorkItem> item = UnwrapEntry(kJobsSource, entry);
//   Dispatched d = Dispatch(handlers, "acme", *item);
//   if (d.result == DispatchResult::kHandled) consumer.Ack(entry.id);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/queue/stream_consumer.h"
#include "services/outreach/outreach_worker.h"

namespace dunbar::outreach {

struct WorkItem {
  std::string source;    // where the entry was first published ("cohort-events", ...)
  std::string entry_id;  // its id there
  std::string type;
  std::vector<std::pair<std::string, std::string>> fields;  // all fields, "type" included

  std::string Field(const std::string& name) const;
};

// The entry itself, or the entry a replay job carries. INVALID_ARGUMENT for a replay job that is
// malformed (missing source or entry id, fields not a JSON object of strings, a replay of a
// replay).
absl::StatusOr<WorkItem> UnwrapEntry(const std::string& source, const queue::StreamEntry& entry);

enum class DispatchResult {
  kHandled,    // the handler succeeded
  kIgnored,    // a type the worker does not handle
  kFailed,     // the handler failed (status): worth a retry
  kMalformed,  // a handled type with missing or invalid fields (status): a retry cannot help
};

struct Dispatched {
  DispatchResult result = DispatchResult::kHandled;
  absl::Status status;
};

Dispatched Dispatch(WorkerHandlers& handlers, const std::string& tenant, const WorkItem& item);

}  // namespace dunbar::outreach
