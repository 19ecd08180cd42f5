-- Remembers the last handler error of a source entry until it is dead-lettered (or the TTL ends).
-- arg: [1] source [2] entry id [3] error [4] TTL ms. Returns 1.
local errors_key = key('failerr', arg(1))
redis.call('HSET', errors_key, arg(2), arg(3))
redis.call('PEXPIRE', errors_key, arg(4))
return 1
