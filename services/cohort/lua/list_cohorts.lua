-- A programme's cohorts by number.
-- ARGV: [2] program id [3] after number [4] page size.
-- Returns JSON {cohorts, next (the last number of the page, 0 on the last page)}.
local program_id, after, page_size = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local latest = num(prog.latest)
local last = math.min(latest, after + page_size)
local cohorts = {}
for number = after + 1, last do
  cohorts[#cohorts + 1] = load_cohort(program_id, number)
end
local next_number = 0
if last < latest then
  next_number = last
end
return cjson.encode({cohorts = cohorts, next = next_number})
