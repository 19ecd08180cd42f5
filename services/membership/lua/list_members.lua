-- One page of members in id order (ids are time-ordered, so this is creation order).
-- Filters (stage, tag, source; AND) each have an index zset with score 0; the smallest one drives
-- the walk and the others are checked per id, so a page costs O(examined * log n).
-- ARGV: [2] page size [3] after id ('' = from the start) [4] stage [5] tag [6] source
--       [7] scan budget (ids examined per call)
-- Returns {next_cursor, member hash, member hash, ...}. next_cursor is '' on the last page; when
-- the scan budget runs out first the page may be short and next_cursor is the last id examined.
local limit, after, budget = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[7])

local filters = {}
if ARGV[4] ~= '' then filters[#filters + 1] = P .. 'stage:' .. ARGV[4] end
if ARGV[5] ~= '' then filters[#filters + 1] = P .. 'tag:' .. ARGV[5] end
if ARGV[6] ~= '' then filters[#filters + 1] = P .. 'source:' .. ARGV[6] end

local drive = P .. 'members'
local checks = {}
if #filters > 0 then
  local smallest, smallest_size = 1, nil
  for i, key in ipairs(filters) do
    local size = redis.call('ZCARD', key)
    if smallest_size == nil or size < smallest_size then
      smallest, smallest_size = i, size
    end
  end
  drive = filters[smallest]
  for i, key in ipairs(filters) do
    if i ~= smallest then checks[#checks + 1] = key end
  end
end

local page = {}
local found, examined, exhausted = 0, 0, false
local cursor = after
while found <= limit and examined < budget do
  local min = '-'
  if cursor ~= '' then min = '(' .. cursor end
  local chunk = redis.call('ZRANGE', drive, min, '+', 'BYLEX', 'LIMIT', 0, 256)
  if #chunk == 0 then
    exhausted = true
    break
  end
  for _, id in ipairs(chunk) do
    examined = examined + 1
    local match = true
    for _, key in ipairs(checks) do
      if not redis.call('ZSCORE', key, id) then
        match = false
        break
      end
    end
    if match then
      found = found + 1
      if found <= limit then
        page[#page + 1] = id
      end
    end
    if found > limit then
      break
    end
    cursor = id
    if examined >= budget then
      break
    end
  end
end

local next_cursor
if found > limit then
  next_cursor = page[#page]
elseif exhausted then
  next_cursor = ''
else
  next_cursor = cursor
end
local reply = {next_cursor}
for _, id in ipairs(page) do
  reply[#reply + 1] = redis.call('HGETALL', member_key(id))
end
return reply
