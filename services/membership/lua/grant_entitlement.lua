-- Grants an entitlement, idempotent on the order id: the same order with the same details returns
-- the stored entitlement; with other details it is ALREADY_EXISTS.
-- ARGV: [2] now_ms [3] event stream max len [4] fingerprint of the details [5] member id
--       [6] program id [7] order id [8] amount (minor units) [9] currency [10] paid_at ms
--       [11] entitlement change channel [12] tenant
-- Returns the entitlement hash (HGETALL).
local now, max_len, fingerprint = ARGV[2], ARGV[3], ARGV[4]
local member_id, program_id, order_id = ARGV[5], ARGV[6], ARGV[7]
local key = P .. 'ent:' .. order_id

local stored = redis.call('HGET', key, 'fp')
if stored then
  if stored ~= fingerprint then
    return fail('ALREADY_EXISTS', 'order_id: order ' .. order_id .. ' was granted with other details')
  end
  return redis.call('HGETALL', key)
end
if redis.call('EXISTS', member_key(member_id)) == 0 then
  return fail('NOT_FOUND', 'member ' .. member_id)
end
redis.call('HSET', key, 'order_id', order_id, 'member_id', member_id, 'program_id', program_id,
  'amount_minor', ARGV[8], 'currency', ARGV[9], 'paid_at', ARGV[10], 'granted_at', now,
  'fp', fingerprint)
redis.call('ZADD', P .. 'ents:' .. member_id, now, order_id)
emit(max_len, 'entitlement.granted', 'member_id', member_id, 'program_id', program_id,
  'order_id', order_id)
publish_entitlement_change(ARGV[11], ARGV[12], member_id, program_id, order_id, false, now)
return redis.call('HGETALL', key)
