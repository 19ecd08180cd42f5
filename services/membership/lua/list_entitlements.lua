-- A member's entitlements in grant order. They outlive the member (financial records), so a
-- deleted member's entitlements are still listed.
-- ARGV: [2] member id [3] include revoked '1'/'0'
-- Returns {found (1/0), entitlement hash, ...}; found is 0 for an unknown member with none.
local member_id, include_revoked = ARGV[2], ARGV[3] == '1'
local orders = redis.call('ZRANGE', P .. 'ents:' .. member_id, 0, -1)
if #orders == 0 and redis.call('EXISTS', member_key(member_id)) == 0 then
  return {0}
end
local reply = {1}
for _, order_id in ipairs(orders) do
  local key = P .. 'ent:' .. order_id
  if include_revoked or redis.call('HEXISTS', key, 'revoked') == 0 then
    reply[#reply + 1] = redis.call('HGETALL', key)
  end
end
return reply
