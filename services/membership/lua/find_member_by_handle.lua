-- ARGV: [2] handle key ("p:+8613800138000", "w:...", "e:...")
-- Returns the owner's member hash, or an empty array when no member has that handle.
local id = redis.call('HGET', P .. 'handles', ARGV[2])
if not id then
  return {}
end
return redis.call('HGETALL', member_key(id))
