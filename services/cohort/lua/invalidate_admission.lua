-- An entitlement was revoked (membership's feed): forget the cached admission and bump its
-- generation, so an answer membership gave before this point is never cached afterwards (see
-- enroll.lua). Also records the change's time, so a grant published earlier but delivered later
-- (another replica's feed lagging) cannot bring the admission back (cache_granted_admission.lua).
-- ARGV: [2] program id [3] member id [4] TTL ms [5] the change's time in membership (ms; 0: unknown)
local program_id, member, ttl, changed_at = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
redis.call('DEL', key('adm', program_id, member))
local generation_key = key('admgen', program_id, member)
redis.call('INCR', generation_key)
redis.call('PEXPIRE', generation_key, ttl)
local changed_key = key('admchg', program_id, member)
if changed_at > num(redis.call('GET', changed_key)) then
  redis.call('SET', changed_key, changed_at, 'PX', ttl)
end
return 1
