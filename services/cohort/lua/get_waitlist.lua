-- A programme's waitlist by position (1 = next in line).
-- ARGV: [2] program id [3] after position [4] page size.
-- Returns JSON {entries [{m, pos, joined, src}], length, next (last position, 0 on the last page)}.
local program_id, after, page_size = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('EXISTS', key('prog', program_id)) == 0 then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local wait_key = key('wait', program_id)
local length = redis.call('ZCARD', wait_key)
local members = redis.call('ZRANGE', wait_key, after, after + page_size - 1)
local entries = {}
for i, member in ipairs(members) do
  local record = load_enrollment(program_id, member) or {}
  entries[#entries + 1] = {m = member, pos = after + i, joined = record.joined, src = record.src}
end
local next_position = 0
if after + #members < length then
  next_position = after + #members
end
return cjson.encode({entries = entries, length = length, next = next_position})
