-- One step: OPEN -> DONE with the outcome, the member's open-task slot freed, the funnel counters
-- of the completion's local date, the effects job queued, and for INTERESTED the follow-up job
-- scheduled on P delayed (PromoteDueJobs moves it onto P jobs when due).
-- arg: [1] task id [2] outcome number [3] its funnel counter ("replied", ...) [4] note
--      [5] the local date of the completion [6] follow-up due ms [7] follow-up date
-- Returns the task.
local recorded = replayed()
if recorded then
  return recorded
end
local task_id, outcome, local_date = arg(1), num(arg(2)), arg(5)
local task = load_task(task_id)
if not task then
  return fail('NOT_FOUND', task_label(task_id))
end
if num(task.status) ~= T_OPEN then
  return not_open(task)
end

local task_key = key('task', task_id)
redis.call('HSET', task_key, 'status', T_DONE, 'outcome', outcome, 'note', arg(4), 'done', ctx.now,
  'ldate', local_date, 'est', E_PENDING)
release_open_slot(task)
bump_funnel(task, local_date, 'contacted', arg(3))
add_job('type', 'task.effects', 'task_id', task_id)
if outcome == O_INTERESTED then
  -- A JSON array keeps the job's field order; the same payload twice is one zset member.
  local payload = cjson.encode({'type', 'task.follow_up', 'task_id', task_id, 'date', arg(7)})
  redis.call('ZADD', key('delayed'), arg(6), payload)
  redis.call('HSET', task_key, 'efu', 'fu-' .. task_id, 'efud', arg(7))
end
emit('task.completed', 'task_id', task_id, 'outcome', outcome)
return answer(load_task(task_id))
