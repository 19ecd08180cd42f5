-- Moves an OPEN task to a later date: it leaves its date's plan and due index and is due on the
-- new date; snoozed_from keeps the first date. The same date again changes nothing.
-- arg: [1] task id [2] until date. Returns the task.
local task_id, until_date = arg(1), arg(2)
local task = load_task(task_id)
if not task then
  return fail('NOT_FOUND', task_label(task_id))
end
if num(task.status) ~= T_OPEN then
  return not_open(task)
end
if task.date ~= until_date then
  redis.call('ZREM', key('plantasks', task.date), task_id)
  redis.call('ZREM', key('due', task.date), task_id)
  redis.call('ZADD', key('due', until_date), num(task.created), task_id)
  local changes = {'date', until_date}
  if (task.snz or '') == '' then
    changes[#changes + 1] = 'snz'
    changes[#changes + 1] = task.date
  end
  redis.call('HSET', key('task', task_id), unpack(changes))
  task = load_task(task_id)
end
return cjson.encode(task)
