-- Erases a member: personal data, handles, every index entry, the ranking entry, interactions
-- and preferences (they live in the member hash). Entitlements stay as financial records: they hold
-- the member id, program and order, never personal data.
-- ARGV: [2] now_ms [3] request_id [4] fingerprint [5] request ttl_ms [6] event stream max len
--       [7] member id
-- Returns 1 if a member was deleted, 0 if there was nothing to delete.
local request_id, fingerprint, ttl, max_len, id = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local key = member_key(id)

local replay = idem_replay(request_id, fingerprint, tonumber)
if replay then
  return replay
end

local current = redis.call('HMGET', key, 'id', 'phone', 'wechat_id', 'email', 'stage', 'tags',
  'source')
if not current[1] then
  idem_store(request_id, fingerprint, '0', ttl)
  return 0
end
for i, h in ipairs(HANDLES) do
  local value = current[i + 1]
  if value and redis.call('HGET', P .. 'handles', h[2] .. value) == id then
    redis.call('HDEL', P .. 'handles', h[2] .. value)
  end
end
index_remove(id, current[5] or '', current[6] or '', current[7] or '')
redis.call('ZREM', P .. 'members', id)
redis.call('ZREM', P .. 'rank', id)
redis.call('DEL', key, P .. 'ix:' .. id)

emit(max_len, 'member.deleted', 'member_id', id)
idem_store(request_id, fingerprint, '1', ttl)
return 1
