-- Whether a member holds an active (unrevoked) entitlement to a program: the oldest such order.
-- ARGV: [2] member id [3] program id
-- Returns {found (1/0), order id or ''}; found is 0 for an unknown member with no entitlements.
local member_id, program_id = ARGV[2], ARGV[3]
local orders = redis.call('ZRANGE', P .. 'ents:' .. member_id, 0, -1)
if #orders == 0 and redis.call('EXISTS', member_key(member_id)) == 0 then
  return {0, ''}
end
for _, order_id in ipairs(orders) do
  local e = redis.call('HMGET', P .. 'ent:' .. order_id, 'program_id', 'revoked')
  if e[1] == program_id and not e[2] then
    return {1, order_id}
  end
end
return {1, ''}
