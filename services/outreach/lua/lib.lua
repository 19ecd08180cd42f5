-- Helpers prepended to every outreach script but the probe (see outreach_store.cc); not a script
-- alone.
--
-- ARGV[1] is the tenant's key prefix "dunbar:outreach:{<tenant>}:" and KEYS[1] a key of the tenant
-- (so a cluster client can route the call); every key starts with the prefix, so one script only
-- touches one hash slot. ARGV[2..8] are the shared context: now ms, request id, fingerprint,
-- request-id TTL ms, and the MAXLEN of the events, jobs and dead-letter streams (read-only scripts
-- get zeros). The script's own arguments follow (arg(i)).
--
-- Tasks are hashes of short fields (outreach_store.cc decodes them): id, date, kind, status, member,
-- card and reason (protobuf JSON), camp, tprog, tcoh, fuof, pos, outcome, note, done (ms), created
-- (ms), snz (snoozed from), creason, ldate (the completion's local date), and the effects est,
-- econ, eopt, eenr, ecoh, eseat, ewpos, efu, efud, eerr. Campaigns are hashes json (protobuf JSON),
-- paused, planned, created, tcoh.
--
-- Replies are JSON (cjson); a mutation's reply is also its idempotency record, so a retry decodes
-- exactly the bytes the first call returned. Errors are redis.error_reply("<CANONICAL_CODE>
-- <message>"). Every check happens before the first write: a Lua error does not roll back what a
-- script already wrote.
local P = ARGV[1]

-- Enum numbers of dunbar.outreach.v1 (outreach.proto).
local T_OPEN, T_DONE, T_CANCELLED = 1, 2, 3
local STATUS_NAMES = {'OPEN', 'DONE', 'CANCELLED'}
local K_FOLLOW_UP = 3
local O_INTERESTED, O_OPTED_OUT = 2, 6
local E_PENDING = 1

local function fail(code, message)
  return redis.error_reply(code .. ' ' .. message)
end

local function key(...)
  return P .. table.concat({...}, ':')
end

local function num(value)
  return tonumber(value) or 0
end

local ctx = {now = ARGV[2], request_id = ARGV[3] or '', fingerprint = ARGV[4] or '',
             request_ttl = ARGV[5], events_len = ARGV[6], jobs_len = ARGV[7], dead_len = ARGV[8]}

-- The i-th argument of the script (after the shared context).
local function arg(i)
  return ARGV[8 + i]
end

local function read_hash(hash_key)
  local flat = redis.call('HGETALL', hash_key)
  if #flat == 0 then
    return nil
  end
  local fields = {}
  for i = 1, #flat, 2 do
    fields[flat[i]] = flat[i + 1]
  end
  return fields
end

-- Writes every non-empty field of `fields` (a table) to a new hash (absent fields read as empty).
local function write_hash(hash_key, fields)
  local flat = {}
  for name, value in pairs(fields) do
    if value ~= '' then
      flat[#flat + 1] = name
      flat[#flat + 1] = value
    end
  end
  if #flat > 0 then
    redis.call('HSET', hash_key, unpack(flat))
  end
end

-- A retried request: its recorded JSON answer, or an error reply when the id was used by a
-- different request. nil for a request id never seen (or none given).
local function replayed()
  if ctx.request_id == '' then
    return nil
  end
  local record = redis.call('GET', key('req', ctx.request_id))
  if not record then
    return nil
  end
  local fingerprint, recorded = string.match(record, '^([^\n]*)\n(.*)$')
  if fingerprint ~= ctx.fingerprint then
    return fail('ALREADY_EXISTS', 'request_id: already used for a different request')
  end
  return recorded
end

-- Encodes the answer, records it under the request id (if any) and returns it.
local function answer(value)
  local encoded = cjson.encode(value)
  if ctx.request_id ~= '' then
    redis.call('SET', key('req', ctx.request_id), ctx.fingerprint .. '\n' .. encoded, 'PX',
      ctx.request_ttl)
  end
  return encoded
end

-- The outbox: kinds and ids only, never personal data.
local function emit(event_type, ...)
  redis.call('XADD', key('events'), 'MAXLEN', '~', ctx.events_len, '*', 'type', event_type,
    'at', ctx.now, ...)
end

local function add_job(...)
  return redis.call('XADD', key('jobs'), 'MAXLEN', '~', ctx.jobs_len, '*', ...)
end

-- Tasks ---------------------------------------------------------------------------------------

local function load_task(task_id)
  return read_hash(key('task', task_id))
end

local function task_label(task_id)
  return 'task ' .. task_id
end

local function not_open(task)
  return fail('FAILED_PRECONDITION',
    task_label(task.id) .. ' is ' .. (STATUS_NAMES[num(task.status)] or 'not open'))
end

-- The funnel scopes a task counts in: everything, its campaign, its target batch.
local function funnel_scopes(task)
  local scopes = {'all'}
  if (task.camp or '') ~= '' then
    scopes[#scopes + 1] = 'c:' .. task.camp
  end
  if (task.tcoh or '') ~= '' then
    scopes[#scopes + 1] = 'b:' .. task.tcoh
  end
  return scopes
end

local function bump_funnel(task, date, ...)
  for _, scope in ipairs(funnel_scopes(task)) do
    for _, counter in ipairs({...}) do
      redis.call('HINCRBY', key('funnel', scope, date), counter, 1)
    end
  end
end

-- Frees the member's open-task slot if this task holds it.
local function release_open_slot(task)
  if redis.call('HGET', key('open'), task.member) == task.id then
    redis.call('HDEL', key('open'), task.member)
  end
end

-- The stored plan of `date` as replies carry it: {h = header JSON, tasks = picks by position, then
-- the tasks due that date (follow-ups, snoozed tasks) by creation}, or nil.
local function plan_view(date)
  local header = redis.call('GET', key('plan', date))
  if not header then
    return nil
  end
  local tasks = {}
  for _, index in ipairs({'plantasks', 'due'}) do
    for _, task_id in ipairs(redis.call('ZRANGE', key(index, date), 0, -1)) do
      tasks[#tasks + 1] = load_task(task_id)
    end
  end
  return {h = header, tasks = tasks}
end

-- Campaigns -----------------------------------------------------------------------------------

-- The campaign as replies carry it, or nil.
local function campaign_view(campaign_id)
  local campaign = redis.call('HMGET', key('camp', campaign_id), 'json', 'paused', 'planned')
  if not campaign[1] then
    return nil
  end
  return {json = campaign[1], paused = campaign[2] or '0', planned = campaign[3] or '0'}
end

-- Paging --------------------------------------------------------------------------------------

local function bad_cursor()
  return fail('INVALID_ARGUMENT', 'page_token: not a token of this list')
end

-- Parses a newest-first cursor "<score>|<member>"; nil, nil for the first page; false on garbage.
local function parse_desc_cursor(cursor)
  if cursor == '' then
    return nil, nil
  end
  local score, member = string.match(cursor, '^(%d+)|(.+)$')
  if not score then
    return false
  end
  return tonumber(score), member
end

-- Up to `n` members of the zset strictly after (score, member) in newest-first order (score
-- descending, equal scores by member descending, as ZREVRANGEBYSCORE orders them); the whole
-- zset from the newest when `score` is nil. Returns {{member, score string}...}.
local function entries_after(zset, score, member, n)
  local out = {}
  local offset = 0
  local max = score and string.format('%d', score) or '+inf'
  while #out < n do
    local batch = redis.call('ZREVRANGEBYSCORE', zset, max, '-inf', 'WITHSCORES', 'LIMIT', offset, n)
    if #batch == 0 then
      break
    end
    for i = 1, #batch, 2 do
      local s = tonumber(batch[i + 1])
      if score == nil or s < score or batch[i] < member then
        out[#out + 1] = {batch[i], batch[i + 1]}
        if #out == n then
          break
        end
      end
    end
    offset = offset + #batch / 2
  end
  return out
end

-- One page of a newest-first zset: up to `limit` members that `accept`, looking at `budget`
-- members at most. Returns the members and the cursor of the next page ('' when none is left).
local function page_desc(zset, cursor, limit, budget, accept)
  local score, member = parse_desc_cursor(cursor)
  if score == false then
    return nil, nil, bad_cursor()
  end
  local out, examined = {}, 0
  while #out < limit and examined < budget do
    local batch = entries_after(zset, score, member, math.min(limit, budget - examined))
    if #batch == 0 then
      return out, ''
    end
    for _, entry in ipairs(batch) do
      examined = examined + 1
      score, member = tonumber(entry[2]), entry[1]
      if accept(entry[1]) then
        out[#out + 1] = entry[1]
        if #out == limit then
          break
        end
      end
    end
  end
  if #entries_after(zset, score, member, 1) == 0 then
    return out, ''
  end
  return out, string.format('%d', score) .. '|' .. member
end
