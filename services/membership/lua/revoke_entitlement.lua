-- Revokes (refunds) an entitlement. Revoking a revoked order returns it unchanged.
-- ARGV: [2] now_ms [3] event stream max len [4] order id [5] reason
--       [6] entitlement change channel [7] tenant
-- Returns the entitlement hash (HGETALL).
local now, max_len, order_id, reason = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local key = P .. 'ent:' .. order_id
local cur = redis.call('HMGET', key, 'order_id', 'revoked', 'member_id', 'program_id')
if not cur[1] then
  return fail('NOT_FOUND', 'entitlement for order ' .. order_id)
end
if not cur[2] then
  redis.call('HSET', key, 'revoked', '1', 'revoked_at', now)
  if reason ~= '' then
    redis.call('HSET', key, 'revoke_reason', reason)
  end
  emit(max_len, 'entitlement.revoked', 'member_id', cur[3], 'program_id', cur[4],
    'order_id', order_id)
  publish_entitlement_change(ARGV[6], ARGV[7], cur[3], cur[4], order_id, true, now)
end
return redis.call('HGETALL', key)
