-- Helpers prepended to every membership script (see member_store.cc). Not a script on its own.
--
-- ARGV[1] is always the tenant's key prefix "dunbar:membership:{<tenant>}:". Every key a script
-- touches starts with it, so all of them share the tenant's hash tag (one Redis Cluster slot);
-- KEYS[1] is the tenant's `members` index so a cluster client can route the call.
--
-- Scripts never raise errors after a write: every check comes first, then the writes, because a
-- Lua error does not roll back what a script already wrote. Domain errors are returned as
-- redis.error_reply("<CANONICAL_CODE> <message>"), which the client maps to that absl code.
local P = ARGV[1]

-- Hash field of a handle kind, and its prefix in the tenant's `handles` hash.
local HANDLES = {{'phone', 'p:'}, {'wechat_id', 'w:'}, {'email', 'e:'}}

local function fail(code, message)
  return redis.error_reply(code .. ' ' .. message)
end

local function member_key(id)
  return P .. 'm:' .. id
end

-- Field/value pairs from ARGV[first..] into a table.
local function read_pairs(first)
  local fields = {}
  for i = first, #ARGV, 2 do
    fields[ARGV[i]] = ARGV[i + 1]
  end
  return fields
end

local function split_tags(csv)
  local tags = {}
  if csv == nil or csv == '' then
    return tags
  end
  for tag in string.gmatch(csv, '[^,]+') do
    tags[#tags + 1] = tag
  end
  return tags
end

-- Idempotency records: "<fingerprint>\n<answer>" under req:<request_id>, with a TTL.
-- Returns the stored answer (string) for a replay, nil for a new request, or (nil, error reply)
-- when the id was used by a different request.
local function idem_lookup(request_id, fingerprint)
  if request_id == '' then
    return nil
  end
  local record = redis.call('GET', P .. 'req:' .. request_id)
  if not record then
    return nil
  end
  local sep = string.find(record, '\n', 1, true)
  if string.sub(record, 1, sep - 1) ~= fingerprint then
    return nil, fail('ALREADY_EXISTS', 'request_id: already used for a different request')
  end
  return string.sub(record, sep + 1)
end

-- What a mutation script returns at once, before touching anything: the recorded answer of a
-- retry (passed through `decode`), or the error for a request id reused by another request; nil for
-- a new request, which goes ahead.
local function idem_replay(request_id, fingerprint, decode)
  local answer, conflict_error = idem_lookup(request_id, fingerprint)
  if conflict_error then
    return conflict_error
  end
  if answer then
    return decode(answer)
  end
  return nil
end

local function idem_store(request_id, fingerprint, answer, ttl_ms)
  if request_id ~= '' then
    redis.call('SET', P .. 'req:' .. request_id, fingerprint .. '\n' .. answer, 'PX', ttl_ms)
  end
end

-- Stores the member hash as the request's recorded answer and returns it: a retry gets exactly
-- this answer back (replay_snapshot), even if the member changed since.
local function answer_with_snapshot(request_id, fingerprint, ttl_ms, id)
  local flat = redis.call('HGETALL', member_key(id))
  idem_store(request_id, fingerprint, cjson.encode(flat), ttl_ms)
  return flat
end

local function replay_snapshot(answer)
  return cjson.decode(answer)
end

-- The outbox: ids and kinds only, never personal data.
local function emit(max_len, event_type, ...)
  redis.call('XADD', P .. 'events', 'MAXLEN', '~', max_len, '*', 'type', event_type, ...)
end

-- Tells live watchers (WatchEntitlementChanges) that an entitlement changed. A channel is not a
-- key: the script still touches only the tenant's slot, and PUBLISH reaches the whole cluster.
-- Payload format: entitlement_change_codec.h.
local function publish_entitlement_change(channel, tenant, member_id, program_id, order_id, revoked,
    now)
  redis.call('PUBLISH', channel,
    table.concat({tenant, member_id, program_id, order_id, revoked and '1' or '0', now}, '\t'))
end

local function index_add(id, stage, tags, source)
  if stage ~= nil and stage ~= '' then
    redis.call('ZADD', P .. 'stage:' .. stage, 0, id)
  end
  for _, tag in ipairs(split_tags(tags)) do
    redis.call('ZADD', P .. 'tag:' .. tag, 0, id)
  end
  if source ~= nil and source ~= '' then
    redis.call('ZADD', P .. 'source:' .. source, 0, id)
  end
end

local function index_remove(id, stage, tags, source)
  if stage ~= nil and stage ~= '' then
    redis.call('ZREM', P .. 'stage:' .. stage, id)
  end
  for _, tag in ipairs(split_tags(tags)) do
    redis.call('ZREM', P .. 'tag:' .. tag, id)
  end
  if source ~= nil and source ~= '' then
    redis.call('ZREM', P .. 'source:' .. source, id)
  end
end

-- The first handle field of `fields` owned by a member other than `id`, or nil.
local function handle_conflict(fields, id)
  for _, h in ipairs(HANDLES) do
    local value = fields[h[1]]
    if value ~= nil and value ~= '' then
      local owner = redis.call('HGET', P .. 'handles', h[2] .. value)
      if owner and owner ~= id then
        return h[1]
      end
    end
  end
  return nil
end

-- Writes a new member hash and every index entry. `fields` holds normalized values.
local function insert_member(id, fields, now)
  local args = {'HSET', member_key(id), 'id', id, 'created', now, 'updated', now}
  for name, value in pairs(fields) do
    if value ~= '' then
      args[#args + 1] = name
      args[#args + 1] = value
    end
  end
  redis.call(unpack(args))
  for _, h in ipairs(HANDLES) do
    local value = fields[h[1]]
    if value ~= nil and value ~= '' then
      redis.call('HSET', P .. 'handles', h[2] .. value, id)
    end
  end
  redis.call('ZADD', P .. 'members', 0, id)
  index_add(id, fields['stage'], fields['tags'], fields['source'])
  -- Contacts without interactions rank with warmth 0 (score -inf), after every warm contact.
  redis.call('ZADD', P .. 'rank', '-inf', id)
end

-- log2(2^a + 2^b) without overflow; -inf is the identity.
local function add_log_warmth(a, b)
  if a == -math.huge then
    return b
  end
  if b == -math.huge then
    return a
  end
  local hi, lo = a, b
  if lo > hi then
    hi, lo = b, a
  end
  return hi + math.log(1 + 2 ^ (lo - hi)) / math.log(2)
end
