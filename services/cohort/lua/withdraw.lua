-- Frees the member's seat (the waitlist's head may take it, see release_seat) or waitlist place.
-- arg: [1] program id [2] member id [3] reason.
-- Returns JSON {enr enrolment, promoted member id or absent, left = left the waitlist}.
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id, member, reason = arg(1), arg(2), arg(3)
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local record = load_enrollment(program_id, member)
if not record or (record.st ~= ACTIVE and record.st ~= WAITING) then
  return fail('NOT_FOUND', 'enrollment of member ' .. member .. ' in program ' .. program_id)
end

local reply = {left = false}
local from = record.c
if record.st == WAITING then
  redis.call('ZREM', key('wait', program_id), member)
  reply.left = true
  from = 0
else
  local cohort = load_cohort(program_id, record.c)
  reply.promoted = release_seat(ctx, prog, cohort, member, record.s)
end
add_history(record, {k = H_WITHDRAWN, at = ctx.now, f = from, r = reason})
record.st, record.c, record.s, record.seated, record.joined = WITHDRAWN, 0, 0, nil, nil
save_enrollment(program_id, member, record)
emit(ctx, 'enrollment.withdrawn', program_id, 'member_id', member, 'cohort_number', from)
reply.enr = enrollment_view(program_id, member, record)
return answer(ctx, reply)
