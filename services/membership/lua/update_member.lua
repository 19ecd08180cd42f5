-- Replaces the given member fields, re-indexing handles, stage, tags and source atomically.
-- ARGV: [2] now_ms [3] request_id [4] fingerprint [5] request ttl_ms [6] event stream max len
--       [7] member id [8..] field/value pairs to set ('' clears the field)
-- Returns the member hash (HGETALL); a retry returns the hash as it was after the first call.
local now, request_id, fingerprint, ttl, max_len, id =
  ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local key = member_key(id)

local replay = idem_replay(request_id, fingerprint, replay_snapshot)
if replay then
  return replay
end

local flat = redis.call('HGETALL', key)
if #flat == 0 then
  return fail('NOT_FOUND', 'member ' .. id)
end
local current = {}
for i = 1, #flat, 2 do
  current[flat[i]] = flat[i + 1]
end
local changes = read_pairs(8)

-- Checks first: a conflict must leave everything untouched.
local taken = handle_conflict(changes, id)
if taken then
  return fail('ALREADY_EXISTS', 'member.' .. taken .. ': already belongs to another member')
end

for _, h in ipairs(HANDLES) do
  local new_value = changes[h[1]]
  local old_value = current[h[1]] or ''
  if new_value ~= nil and new_value ~= old_value then
    if old_value ~= '' and redis.call('HGET', P .. 'handles', h[2] .. old_value) == id then
      redis.call('HDEL', P .. 'handles', h[2] .. old_value)
    end
    if new_value ~= '' then
      redis.call('HSET', P .. 'handles', h[2] .. new_value, id)
    end
  end
end

local function after(name)
  local value = changes[name]
  if value == nil then
    return current[name] or ''
  end
  return value
end
index_remove(id, current['stage'], current['tags'], current['source'])
index_add(id, after('stage'), after('tags'), after('source'))

local set_args = {'HSET', key, 'updated', now}
for name, value in pairs(changes) do
  if value == '' then
    redis.call('HDEL', key, name)
  else
    set_args[#set_args + 1] = name
    set_args[#set_args + 1] = value
  end
end
redis.call(unpack(set_args))

emit(max_len, 'member.updated', 'member_id', id)
return answer_with_snapshot(request_id, fingerprint, ttl, id)
