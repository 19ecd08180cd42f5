-- A page of a member's interactions, newest first. Entries sort by their zero-padded time, then id.
-- ARGV: [2] member id [3] count [4] cursor: entries strictly older than it ('' = from the newest)
-- Returns {found (1/0), entry, entry, ...}; found is 0 when the member does not exist.
local id, count, cursor = ARGV[2], tonumber(ARGV[3]), ARGV[4]
if redis.call('EXISTS', member_key(id)) == 0 then
  return {0}
end
local max = '+'
if cursor ~= '' then max = '(' .. cursor end
local entries = redis.call('ZRANGE', P .. 'ix:' .. id, max, '-', 'BYLEX', 'REV', 'LIMIT', 0, count)
table.insert(entries, 1, 1)
return entries
