-- An entitlement was granted (membership's feed): cache the admission now, so the member's
-- enrolment after paying takes the one-round-trip path instead of asking membership. Ignored when
-- a change at least as recent was already applied (a revoke wins a tie).
-- ARGV: [2] program id [3] member id [4] order id [5] TTL ms [6] the change's time (ms) [7] now ms
-- Returns 1 if cached, 0 if ignored.
local program_id, member, order_id, ttl = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local changed_at, now = tonumber(ARGV[6]), ARGV[7]
local changed_key = key('admchg', program_id, member)
if changed_at <= num(redis.call('GET', changed_key)) then
  return 0
end
redis.call('SET', changed_key, changed_at, 'PX', ttl)
redis.call('SET', key('adm', program_id, member), order_id .. '|' .. now, 'PX', ttl)
redis.call('SET', key('known', member), now, 'PX', ttl)
return 1
