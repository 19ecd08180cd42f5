-- OPEN|FULL -> RUNNING; a RUNNING cohort only updates allow_late_enrollment; CLOSED cannot start.
-- arg: [1] program id [2] number [3] allow late enrolment ("1"/"0"). Returns the cohort (JSON).
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id, number, late = arg(1), tonumber(arg(2)), arg(3)
local prog = load_program(program_id)
local cohort = prog and load_cohort(program_id, number)
if not cohort then
  return fail('NOT_FOUND', cohort_label(program_id, number))
end
local state = num(cohort.state)
if state == S_CLOSED then
  return fail('FAILED_PRECONDITION', cohort_label(program_id, number) .. ' is closed')
end
local cohort_key = key('coh', program_id, number)
cohort.late = late
if state == S_RUNNING then
  redis.call('HSET', cohort_key, 'late', late)
else
  cohort.state, cohort.started = S_RUNNING, ctx.now
  redis.call('HSET', cohort_key, 'state', S_RUNNING, 'started', ctx.now, 'late', late)
  emit(ctx, 'cohort.started', program_id, 'cohort_number', number)
end
if has_room(cohort) then
  lower_hint(prog, number)
end
return answer(ctx, cohort)
