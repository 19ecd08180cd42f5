-- Moves an ACTIVE member's seat to another cohort of the programme within the target's capacity.
-- The source seat is freed exactly as by a withdrawal; the target seat is taken as by Enroll.
-- arg: [1] program id [2] member id [3] from number [4] to number [5] reason.
-- Returns the enrolment (JSON).
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id, member, reason = arg(1), arg(2), arg(5)
local from, to = tonumber(arg(3)), tonumber(arg(4))
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local record = load_enrollment(program_id, member)
if not record or record.st ~= ACTIVE or record.c ~= from then
  return fail('NOT_FOUND', 'seat of member ' .. member .. ' in ' .. cohort_label(program_id, from))
end
if to == from then
  return answer(ctx, enrollment_view(program_id, member, record))
end
local target = load_cohort(program_id, to)
if not target then
  return fail('NOT_FOUND', cohort_label(program_id, to))
end
local state = num(target.state)
if state == S_CLOSED then
  return fail('FAILED_PRECONDITION', cohort_label(program_id, to) .. ' is closed')
end
if state == S_RUNNING and target.late ~= '1' then
  return fail('FAILED_PRECONDITION',
    cohort_label(program_id, to) .. ' has started and takes no late enrollments')
end
if num(target.taken) >= num(target.cap) then
  return fail('RESOURCE_EXHAUSTED', cohort_label(program_id, to) .. ' is full')
end

release_seat(ctx, prog, load_cohort(program_id, from), member, record.s)
local seat = take_seat(ctx, target, member)
open_next_if_latest_full(ctx, prog, target)
record.c, record.s, record.seated = to, seat, ctx.now
add_history(record, {k = H_TRANSFERRED, at = ctx.now, c = to, f = from, r = reason})
save_enrollment(program_id, member, record)
emit(ctx, 'enrollment.transferred', program_id, 'member_id', member, 'from_cohort_number', from,
  'to_cohort_number', to)
return answer(ctx, enrollment_view(program_id, member, record))
