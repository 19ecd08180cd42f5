-- Any state -> CLOSED; idempotent. Members keep their seats.
-- arg: [1] program id [2] number. Returns the cohort (JSON).
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id, number = arg(1), tonumber(arg(2))
local cohort = load_cohort(program_id, number)
if not cohort then
  return fail('NOT_FOUND', cohort_label(program_id, number))
end
if num(cohort.state) ~= S_CLOSED then
  cohort.state, cohort.closed = S_CLOSED, ctx.now
  redis.call('HSET', key('coh', program_id, number), 'state', S_CLOSED, 'closed', ctx.now)
  emit(ctx, 'cohort.closed', program_id, 'cohort_number', number)
end
return answer(ctx, cohort)
