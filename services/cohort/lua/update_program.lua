-- Replaces the given programme fields. The resulting capacity must be 1..500, and above 150 only
-- with the resulting allow_over_dunbar. Cohorts already open keep their capacity.
-- arg: [1] program id, then field/value pairs of the programme hash.
-- Returns the programme (JSON).
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id = arg(1)
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local changes = {}
for i = 9, #ARGV, 2 do
  prog[ARGV[i]] = ARGV[i + 1]
  changes[#changes + 1] = ARGV[i]
  changes[#changes + 1] = ARGV[i + 1]
end
local capacity = num(prog.cap)
if capacity < 1 or capacity > 500 then
  return fail('INVALID_ARGUMENT', 'program.cohort_capacity: must be 1..500, got ' .. prog.cap)
end
if capacity > 150 and prog.over ~= '1' then
  return fail('INVALID_ARGUMENT', 'program.cohort_capacity: ' .. capacity ..
    " is above Dunbar's number (150); set allow_over_dunbar to allow up to 500")
end
prog.updated = ctx.now
changes[#changes + 1] = 'updated'
changes[#changes + 1] = ctx.now
redis.call('HSET', key('prog', program_id), unpack(changes))
emit(ctx, 'program.updated', program_id)
return answer(ctx, program_view(prog))
