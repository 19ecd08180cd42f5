-- Archives a programme: no new enrolments or cohorts afterwards. Idempotent.
-- arg: [1] program id. Returns the programme (JSON).
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
if prog.archived ~= '1' then
  prog.archived, prog.archived_at, prog.updated = '1', ctx.now, ctx.now
  redis.call('HSET', key('prog', program_id), 'archived', '1', 'archived_at', ctx.now,
    'updated', ctx.now)
  emit(ctx, 'program.archived', program_id)
end
return answer(ctx, program_view(prog))
