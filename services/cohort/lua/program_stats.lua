-- ARGV: [2] program id, [3..] dates "YYYY-MM-DD".
-- Returns JSON {program, cohorts (every cohort by number), daily (counts in the dates' order)}.
local program_id = ARGV[2]
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local cohorts = {}
for number = 1, num(prog.latest) do
  cohorts[#cohorts + 1] = load_cohort(program_id, number)
end
local daily = {}
if #ARGV >= 3 then
  local counts = redis.call('HMGET', key('daily', program_id), unpack(ARGV, 3))
  for i = 1, #ARGV - 2 do
    daily[i] = num(counts[i])
  end
end
return cjson.encode({program = program_view(prog), cohorts = cohorts, daily = daily})
