#include "common/queue/stream_consumer.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/redis/script_registry.h"
#include "common/status/status_macros.h"

namespace dunbar::queue {
namespace {

// The group commands run inside small Lua scripts so that Redis's own "no such group" and "group
// exists" error replies (NOGROUP, BUSYGROUP) are handled with redis.pcall where they happen: as
// plain commands they would surface as INTERNAL errors (and error log lines) indistinguishable from
// real failures. Each script is still one round trip.

// KEYS[1] stream; ARGV group, start id, consumer. Answers 1 if it created the group, 0 if it
// existed. Also registers the consumer (XGROUP CREATECONSUMER, a no-op when it exists): Redis only
// creates one when a read delivers something, and a live consumer should show in the group's
// consumer count from the start.
constexpr std::string_view kEnsureGroupLua = R"lua(
local created = 1
local r = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'MKSTREAM')
if type(r) == 'table' and r.err then
  if string.sub(r.err, 1, 9) ~= 'BUSYGROUP' then return redis.error_reply(r.err) end
  created = 0
end
if ARGV[3] ~= '' then redis.call('XGROUP', 'CREATECONSUMER', KEYS[1], ARGV[1], ARGV[3]) end
return created
)lua";

// KEYS[1] stream; ARGV group, consumer, count. Answers the entries {{id, {f, v, ...}}, ...}.
// A missing group (the stream was deleted, or never had one) is created from 0: every entry now in
// the stream is unseen by this group, and redelivering beats losing (handlers are idempotent).
constexpr std::string_view kReadNewLua = R"lua(
local function read()
  return redis.pcall('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3],
                     'STREAMS', KEYS[1], '>')
end
local r = read()
if type(r) == 'table' and r.err then
  if string.sub(r.err, 1, 7) ~= 'NOGROUP' then return redis.error_reply(r.err) end
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
  redis.call('XGROUP', 'CREATECONSUMER', KEYS[1], ARGV[1], ARGV[2])
  r = read()
  if type(r) == 'table' and r.err then return redis.error_reply(r.err) end
end
if not r then return {} end
return r[1][2]
)lua";

// KEYS[1] stream; ARGV group, consumer, min idle ms, count. One pass of XAUTOCLAIM from 0-0
// (following the cursor until it wraps or `count` entries are taken), then each taken entry's
// delivery count from XPENDING. Answers {{id, {f, v, ...}, delivery count}, ...}. Entries deleted
// from the stream meanwhile are dropped from the pending list by XAUTOCLAIM itself (Redis 7 lists
// their ids third; they are acknowledged again here, which is harmless) and a nil entry is skipped.
// A missing group has nothing to reclaim.
constexpr std::string_view kReclaimLua = R"lua(
local want = tonumber(ARGV[4])
local cursor = '0-0'
local taken = {}
repeat
  local r = redis.pcall('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor,
                        'COUNT', want - #taken)
  if type(r) == 'table' and r.err then
    if string.sub(r.err, 1, 7) == 'NOGROUP' then return {} end
    return redis.error_reply(r.err)
  end
  cursor = r[1]
  for _, entry in ipairs(r[2]) do
    if entry then
      taken[#taken + 1] = entry
    end
  end
  if r[3] then
    for _, id in ipairs(r[3]) do redis.call('XACK', KEYS[1], ARGV[1], id) end
  end
until cursor == '0-0' or #taken >= want
local out = {}
for _, entry in ipairs(taken) do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
  local count = 1
  if p[1] then count = p[1][4] end
  out[#out + 1] = {entry[1], entry[2], count}
end
return out
)lua";

// KEYS[1] stream; ARGV group, start id (of a group EnsureGroup would create). Answers
// {exists, lag, pending, consumers, last delivered id}.
//
// Lag: XINFO GROUPS reports it, except that Redis 7 answers nil when it cannot tell (entries were
// deleted with XDEL after the group's position, or the group was set to an arbitrary id). Then the
// entries after the last delivered id are counted, up to kLagCountCap (a lower bound past that:
// counting a huge backlog inside Redis would stall it). A group that does not exist yet reports the
// entries it would deliver once created: the whole stream when it would start at 0, else none.
constexpr std::string_view kStatusLua = R"lua(
local cap = 10000
local groups = redis.pcall('XINFO', 'GROUPS', KEYS[1])
if type(groups) == 'table' and groups.err then
  if string.find(groups.err, 'no such key', 1, true) then return {0, 0, 0, 0, ''} end
  return redis.error_reply(groups.err)
end
for _, g in ipairs(groups) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  if info['name'] == ARGV[1] then
    local lag = info['lag']
    local last = info['last-delivered-id']
    if not lag then
      lag = #redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', cap)
    end
    return {1, lag, info['pending'], info['consumers'], last}
  end
end
if ARGV[2] == '0' or ARGV[2] == '0-0' then
  return {0, redis.call('XLEN', KEYS[1]), 0, 0, ''}
end
return {0, 0, 0, 0, ''}
)lua";

// KEYS[1] stream; ARGV group, this consumer, min idle ms. Deletes the other consumers idle at
// least that long with no pending entries; answers how many.
constexpr std::string_view kRemoveStaleLua = R"lua(
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) == 'table' and consumers.err then
  if string.find(consumers.err, 'no such key', 1, true) or
     string.find(consumers.err, 'NOGROUP', 1, true) then return 0 end
  return redis.error_reply(consumers.err)
end
local removed = 0
for _, c in ipairs(consumers) do
  local info = {}
  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
  if info['name'] ~= ARGV[2] and info['pending'] == 0 and info['idle'] >= tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
)lua";

enum class Script { kEnsureGroup, kReadNew, kReclaim, kStatus, kRemoveStale };

// Runs one of the scripts above by SHA (EVAL on a script cache miss). The registry is built per
// call: the scripts are tiny (hashing one costs microseconds, far below a round trip), and the
// consumer's interface stays free of script plumbing.
absl::StatusOr<redis::RedisReply> RunScript(const std::shared_ptr<redis::RedisClient>& client,
                                            Script script, const std::string& key,
                                            std::vector<std::string> args) {
  redis::ScriptRegistry scripts(client);
  redis::ScriptId id = 0;
  switch (script) {
    case Script::kEnsureGroup:
      id = scripts.Register("queue_ensure_group", kEnsureGroupLua);
      break;
    case Script::kReadNew:
      id = scripts.Register("queue_read_new", kReadNewLua);
      break;
    case Script::kReclaim:
      id = scripts.Register("queue_reclaim", kReclaimLua);
      break;
    case Script::kStatus:
      id = scripts.Register("queue_status", kStatusLua);
      break;
    case Script::kRemoveStale:
      id = scripts.Register("queue_remove_stale", kRemoveStaleLua);
      break;
  }
  return scripts.Eval(id, {key}, args);
}

absl::Status MalformedReply(const char* what) {
  return absl::InternalError(absl::StrCat("stream ", what, ": unexpected reply"));
}

// {id, {f, v, ...}} -> StreamEntry.
absl::StatusOr<StreamEntry> ParseEntry(const redis::RedisReply& id,
                                       const redis::RedisReply& fields) {
  if (id.type() != redis::RedisReply::Type::kString) return MalformedReply("entry id");
  StreamEntry entry;
  entry.id = id.str();
  if (fields.is_nil()) return entry;
  if (!fields.is_array() || fields.elements().size() % 2 != 0) {
    return MalformedReply("entry fields");
  }
  const std::vector<redis::RedisReply>& flat = fields.elements();
  entry.fields.reserve(flat.size() / 2);
  for (size_t i = 0; i < flat.size(); i += 2) {
    entry.fields.emplace_back(flat[i].AsOptionalString().value_or(""),
                              flat[i + 1].AsOptionalString().value_or(""));
  }
  return entry;
}

}  // namespace

std::string StreamEntry::Field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return "";
}

StreamConsumer::StreamConsumer(std::shared_ptr<redis::RedisClient> redis, std::string stream_key,
                               ConsumerGroupOptions options)
    : redis_(std::move(redis)), stream_key_(std::move(stream_key)), options_(std::move(options)) {}

absl::Status StreamConsumer::EnsureGroup() {
  return RunScript(redis_, Script::kEnsureGroup, stream_key_,
                   {options_.group, options_.start_id, options_.consumer})
      .status();
}

absl::StatusOr<std::vector<StreamEntry>> StreamConsumer::ReadNew(int count) {
  if (count <= 0) return std::vector<StreamEntry>();
  DUNBAR_ASSIGN_OR_RETURN(redis::RedisReply reply,
                          RunScript(redis_, Script::kReadNew, stream_key_,
                                    {options_.group, options_.consumer, absl::StrCat(count)}));
  if (!reply.is_array()) return MalformedReply("read");
  std::vector<StreamEntry> entries;
  entries.reserve(reply.elements().size());
  for (const redis::RedisReply& item : reply.elements()) {
    if (!item.is_array() || item.elements().size() != 2) return MalformedReply("read");
    DUNBAR_ASSIGN_OR_RETURN(StreamEntry entry, ParseEntry(item.elements()[0], item.elements()[1]));
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<StreamEntry>> StreamConsumer::Reclaim(int count) {
  if (count <= 0) return std::vector<StreamEntry>();
  const int64_t min_idle_ms = absl::ToInt64Milliseconds(options_.min_idle_for_reclaim);
  DUNBAR_ASSIGN_OR_RETURN(
      redis::RedisReply reply,
      RunScript(redis_, Script::kReclaim, stream_key_,
                {options_.group, options_.consumer, absl::StrCat(min_idle_ms < 0 ? 0 : min_idle_ms),
                 absl::StrCat(count)}));
  if (!reply.is_array()) return MalformedReply("reclaim");
  std::vector<StreamEntry> entries;
  entries.reserve(reply.elements().size());
  for (const redis::RedisReply& item : reply.elements()) {
    if (!item.is_array() || item.elements().size() != 3) return MalformedReply("reclaim");
    DUNBAR_ASSIGN_OR_RETURN(StreamEntry entry, ParseEntry(item.elements()[0], item.elements()[1]));
    DUNBAR_ASSIGN_OR_RETURN(entry.delivery_count, item.elements()[2].AsInteger());
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::Status StreamConsumer::Ack(const std::string& entry_id) {
  return redis_->Command({"XACK", stream_key_, options_.group, entry_id}).status();
}

absl::StatusOr<GroupStatus> StreamConsumer::Status() {
  DUNBAR_ASSIGN_OR_RETURN(redis::RedisReply reply, RunScript(redis_, Script::kStatus, stream_key_,
                                                             {options_.group, options_.start_id}));
  if (!reply.is_array() || reply.elements().size() != 5) return MalformedReply("status");
  const std::vector<redis::RedisReply>& fields = reply.elements();
  GroupStatus status;
  DUNBAR_ASSIGN_OR_RETURN(int64_t exists, fields[0].AsInteger());
  status.exists = exists != 0;
  DUNBAR_ASSIGN_OR_RETURN(status.lag, fields[1].AsInteger());
  DUNBAR_ASSIGN_OR_RETURN(status.pending, fields[2].AsInteger());
  DUNBAR_ASSIGN_OR_RETURN(int64_t consumers, fields[3].AsInteger());
  status.consumers = static_cast<int32_t>(consumers);
  status.last_delivered_id = fields[4].AsOptionalString().value_or("");
  return status;
}

absl::StatusOr<int> StreamConsumer::RemoveStaleConsumers() {
  const int64_t min_idle_ms = absl::ToInt64Milliseconds(options_.stale_consumer_after);
  DUNBAR_ASSIGN_OR_RETURN(redis::RedisReply reply,
                          RunScript(redis_, Script::kRemoveStale, stream_key_,
                                    {options_.group, options_.consumer,
                                     absl::StrCat(min_idle_ms < 0 ? 0 : min_idle_ms)}));
  DUNBAR_ASSIGN_OR_RETURN(int64_t removed, reply.AsInteger());
  return static_cast<int>(removed);
}

}  // namespace dunbar::queue
