-- Opens cohort latest+1 and moves the waitlist's head into it, FIFO, up to its capacity.
-- arg: [1] program id [2] start date ("YYYY-MM-DD" or "").
-- Returns {cohort, promoted = [member ids in seat order]} (JSON).
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
if prog.archived == '1' then
  return fail('FAILED_PRECONDITION', 'program ' .. program_id .. ' is archived')
end
local cohort = open_cohort(ctx, prog, arg(2))
local promoted = {}
while num(cohort.taken) < num(cohort.cap) do
  local head = pop_waitlist_head(program_id)
  if not head then
    break
  end
  local seat = take_seat(ctx, cohort, head)
  mark_promoted(ctx, cohort, seat, head)
  promoted[#promoted + 1] = head
end
return answer(ctx, {cohort = cohort, promoted = promoted})
