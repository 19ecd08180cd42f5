#include "services/outreach/worker_dispatch.h"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dunbar::outreach {
namespace {

constexpr char kReplayType[] = "replay";

absl::Status Malformed(const WorkItem& item, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat(item.source, " entry ", item.entry_id, " (", item.type, "): ", what));
}

// The field's value, or kMalformed naming it when empty.
absl::StatusOr<std::string> Required(const WorkItem& item, const std::string& name) {
  std::string value = item.Field(name);
  if (value.empty()) return Malformed(item, absl::StrCat(name, " is missing"));
  return value;
}

Dispatched FromHandler(absl::Status status) {
  if (status.ok()) return {DispatchResult::kHandled, absl::OkStatus()};
  return {DispatchResult::kFailed, std::move(status)};
}

Dispatched MalformedResult(absl::Status status) {
  return {DispatchResult::kMalformed, std::move(status)};
}

}  // namespace

std::string WorkItem::Field(const std::string& name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return "";
}

absl::StatusOr<WorkItem> UnwrapEntry(const std::string& source, const queue::StreamEntry& entry) {
  WorkItem item{source, entry.id, entry.Field("type"), entry.fields};
  if (item.type != kReplayType) return item;

  WorkItem original{
      entry.Field("source"), entry.Field("source_entry_id"), entry.Field("entry_type"), {}};
  if (original.source.empty() || original.entry_id.empty() || original.type.empty()) {
    return Malformed(item, "source, source_entry_id and entry_type are required");
  }
  if (original.type == kReplayType) return Malformed(item, "a replay of a replay");
  const nlohmann::json fields = nlohmann::json::parse(entry.Field("fields"), nullptr, false);
  if (fields.is_discarded() || !fields.is_object()) {
    return Malformed(item, "fields is not a JSON object");
  }
  for (const auto& [name, value] : fields.items()) {
    if (!value.is_string())
      return Malformed(item, absl::StrCat("fields.", name, " is not a string"));
    original.fields.emplace_back(name, value.get<std::string>());
  }
  return original;
}

Dispatched Dispatch(WorkerHandlers& handlers, const std::string& tenant, const WorkItem& item) {
  if (item.type == "cohort.opened") {
    absl::StatusOr<std::string> program_id = Required(item, "program_id");
    if (!program_id.ok()) return MalformedResult(program_id.status());
    int32_t cohort_number = 0;
    if (!absl::SimpleAtoi(item.Field("cohort_number"), &cohort_number) || cohort_number <= 0) {
      return MalformedResult(Malformed(item, "cohort_number is not a positive integer"));
    }
    return FromHandler(handlers.OnCohortOpened(tenant, *program_id, cohort_number));
  }
  if (item.type == "member.updated" || item.type == "member.deleted") {
    absl::StatusOr<std::string> member_id = Required(item, "member_id");
    if (!member_id.ok()) return MalformedResult(member_id.status());
    return FromHandler(handlers.OnMemberChanged(tenant, *member_id, item.type == "member.deleted"));
  }
  if (item.type == "task.effects") {
    absl::StatusOr<std::string> task_id = Required(item, "task_id");
    if (!task_id.ok()) return MalformedResult(task_id.status());
    return FromHandler(handlers.ApplyTaskEffects(tenant, *task_id));
  }
  if (item.type == "task.follow_up") {
    absl::StatusOr<std::string> task_id = Required(item, "task_id");
    if (!task_id.ok()) return MalformedResult(task_id.status());
    absl::StatusOr<std::string> date = Required(item, "date");
    if (!date.ok()) return MalformedResult(date.status());
    return FromHandler(handlers.CreateFollowUp(tenant, *task_id, *date));
  }
  return {DispatchResult::kIgnored, absl::OkStatus()};
}

}  // namespace dunbar::outreach
