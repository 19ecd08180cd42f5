-- Cancels the member's open task, if any. arg: [1] member id [2] reason. Returns 0 or 1.
local member = arg(1)
local task_id = redis.call('HGET', key('open'), member)
if not task_id then
  return 0
end
redis.call('HDEL', key('open'), member)
local status = redis.call('HGET', key('task', task_id), 'status')
if num(status) ~= T_OPEN then
  return 0
end
redis.call('HSET', key('task', task_id), 'status', T_CANCELLED, 'creason', arg(2), 'cancelled',
  ctx.now)
return 1
