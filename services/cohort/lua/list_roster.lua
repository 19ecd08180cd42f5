-- A cohort's roster by seat.
-- ARGV: [2] program id [3] number [4] after seat [5] page size.
-- Returns JSON {cohort, entries [{m, s, seated, src, o}], next (last seat, 0 on the last page)}.
local program_id, number = ARGV[2], tonumber(ARGV[3])
local after, page_size = tonumber(ARGV[4]), tonumber(ARGV[5])
local cohort = load_cohort(program_id, number)
if not cohort then
  return fail('NOT_FOUND', cohort_label(program_id, number))
end
local rows = redis.call('ZRANGEBYSCORE', key('roster', program_id, number), '(' .. after, '+inf',
  'WITHSCORES', 'LIMIT', 0, page_size + 1)
local entries = {}
for i = 1, math.min(#rows, 2 * page_size), 2 do
  local member = rows[i]
  local record = load_enrollment(program_id, member) or {}
  entries[#entries + 1] = {m = member, s = tonumber(rows[i + 1]), seated = record.seated,
                           src = record.src, o = record.o}
end
local next_seat = 0
if #rows > 2 * page_size then
  next_seat = entries[#entries].s
end
return cjson.encode({cohort = cohort, entries = entries, next = next_seat})
