-- Stores a new programme and opens its cohort 1 in the same step.
-- arg: [1] program id, then field/value pairs of the programme hash (name, desc, cap, over,
-- amount, currency, reqent, policy, tmpl, start).
-- Returns the programme (JSON).
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id = arg(1)
local prog_key = key('prog', program_id)
if redis.call('EXISTS', prog_key) == 1 then
  return fail('ALREADY_EXISTS', 'program ' .. program_id)
end

local prog = {id = program_id, archived = '0', created = ctx.now, updated = ctx.now, latest = 0,
              hint = 1}
for i = 9, #ARGV, 2 do
  prog[ARGV[i]] = ARGV[i + 1]
end
local fields = {}
for name, value in pairs(prog) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
redis.call('HSET', prog_key, unpack(fields))
redis.call('ZADD', key('progs'), ctx.now, program_id)
emit(ctx, 'program.created', program_id)
open_cohort(ctx, prog, prog.start)
return answer(ctx, program_view(prog))
