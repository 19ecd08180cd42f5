-- Sets do-not-contact (with reason) and the preferred channel. Do-not-contact members leave the
-- `rank` zset; clearing the flag puts them back with their stored warmth score.
-- ARGV: [2] now_ms [3] request_id [4] fingerprint [5] request ttl_ms [6] event stream max len
--       [7] member id [8] do_not_contact '1'/'0' [9] reason [10] preferred channel number
-- Returns the member hash (HGETALL); a retry returns the hash as it was after the first call.
local now, request_id, fingerprint, ttl, max_len = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local id, dnc, reason, channel = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local key = member_key(id)

local replay = idem_replay(request_id, fingerprint, replay_snapshot)
if replay then
  return replay
end
local cur = redis.call('HMGET', key, 'id', 'ws')
if not cur[1] then
  return fail('NOT_FOUND', 'member ' .. id)
end
if dnc == '1' then
  redis.call('HSET', key, 'dnc', '1', 'dnc_reason', reason)
  if reason == '' then
    redis.call('HDEL', key, 'dnc_reason')
  end
  redis.call('ZREM', P .. 'rank', id)
else
  redis.call('HDEL', key, 'dnc', 'dnc_reason')
  redis.call('ZADD', P .. 'rank', cur[2] or '-inf', id)
end
if channel == '0' then
  redis.call('HDEL', key, 'channel')
else
  redis.call('HSET', key, 'channel', channel)
end
redis.call('HSET', key, 'pref_at', now)
emit(max_len, 'member.updated', 'member_id', id, 'change', 'preference')
return answer_with_snapshot(request_id, fingerprint, ttl, id)
