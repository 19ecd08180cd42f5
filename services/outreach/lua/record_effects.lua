-- Merges applied effects into a task: flags only go from unset to set, the enroll result and the
-- follow-up are written once, state and last error are replaced. The first enroll result recorded
-- as WAITLISTED counts in the "waitlisted" funnel counters (same scopes and day as the completion).
-- arg: [1] task id [2] state [3] contact recorded ("1"/"0") [4] opt-out recorded [5] enroll result
--      [6] enrolled batch id [7] seat [8] waitlist position [9] follow-up task id [10] its date
--      [11] last error
-- Returns the task.
local task_id = arg(1)
local task = load_task(task_id)
if not task then
  return fail('NOT_FOUND', task_label(task_id))
end
local changes = {'est', arg(2), 'eerr', arg(11)}
local function change(...)
  for _, value in ipairs({...}) do
    changes[#changes + 1] = value
  end
end
if arg(3) == '1' then
  change('econ', '1')
end
if arg(4) == '1' then
  change('eopt', '1')
end
if (task.eenr or '') == '' and arg(5) ~= '' then
  change('eenr', arg(5), 'ecoh', arg(6), 'eseat', arg(7), 'ewpos', arg(8))
  if arg(5) == 'WAITLISTED' and (task.ldate or '') ~= '' then
    bump_funnel(task, task.ldate, 'waitlisted')
  end
end
if (task.efu or '') == '' and arg(9) ~= '' then
  change('efu', arg(9), 'efud', arg(10))
end
redis.call('HSET', key('task', task_id), unpack(changes))
return cjson.encode(load_task(task_id))
