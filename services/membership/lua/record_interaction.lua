-- Records an interaction: appends it to the member's list, counts it by kind, moves the
-- last-interaction / last-contacted times forward and folds its weight into the warmth score.
--
-- Warmth score (see warmth.h): log2 of sum(weight * 2^((at - T0) / half_life)) over interactions.
-- Adding one is a log-sum-exp of two numbers: no other member's score changes, and since every
-- score decays at the same rate the ranking order stays valid over time.
--
-- ARGV: [2] now_ms [3] request_id [4] fingerprint [5] request ttl_ms [6] event stream max len
--       [7] member id [8] interaction entry (see interaction_codec.h) [9] kind number [10] at_ms
--       [11] log2 warmth term ('' when the kind carries no warmth) [12] '1' if CONTACTED
--       [13] max entries kept per member
-- Returns the interaction entry.
local request_id, fingerprint, ttl, max_len = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local id, entry, kind, at, term, contacted, keep =
  ARGV[7], ARGV[8], ARGV[9], tonumber(ARGV[10]), ARGV[11], ARGV[12], tonumber(ARGV[13])
local key = member_key(id)

local replay = idem_replay(request_id, fingerprint, tostring)
if replay then
  return replay
end
local cur = redis.call('HMGET', key, 'id', 'interacted', 'contacted', 'ws', 'dnc')
if not cur[1] then
  return fail('NOT_FOUND', 'member ' .. id)
end

local list = P .. 'ix:' .. id
redis.call('ZADD', list, 0, entry)
local size = redis.call('ZCARD', list)
if size > keep then
  redis.call('ZREMRANGEBYRANK', list, 0, size - keep - 1)  -- oldest first
end

redis.call('HINCRBY', key, 'k' .. kind, 1)
local set = {'HSET', key}
if not cur[2] or at > tonumber(cur[2]) then
  set[#set + 1] = 'interacted'
  set[#set + 1] = tostring(at)
end
if contacted == '1' and (not cur[3] or at > tonumber(cur[3])) then
  set[#set + 1] = 'contacted'
  set[#set + 1] = tostring(at)
end
if term ~= '' then
  local old = -math.huge
  if cur[4] then old = tonumber(cur[4]) end
  local score = string.format('%.17g', add_log_warmth(old, tonumber(term)))
  set[#set + 1] = 'ws'
  set[#set + 1] = score
  if not cur[5] then
    redis.call('ZADD', P .. 'rank', score, id)
  end
end
if #set > 2 then
  redis.call(unpack(set))
end

emit(max_len, 'interaction.recorded', 'member_id', id, 'kind', kind)
idem_store(request_id, fingerprint, entry, ttl)
return entry
