-- Forgets a cached admission and bumps its generation, so an answer membership gave before this
-- point is never cached afterwards (see enroll.lua).
-- ARGV: [2] program id [3] member id [4] TTL ms of the generation.
local program_id, member = ARGV[2], ARGV[3]
redis.call('DEL', key('adm', program_id, member))
local generation_key = key('admgen', program_id, member)
redis.call('INCR', generation_key)
redis.call('PEXPIRE', generation_key, ARGV[4])
return 1
