-- Replaces the card of the member's open task, if any. arg: [1] member id [2] card (protobuf
-- JSON). Returns 0 or 1.
local task_id = redis.call('HGET', key('open'), arg(1))
if not task_id or redis.call('EXISTS', key('task', task_id)) == 0 then
  return 0
end
redis.call('HSET', key('task', task_id), 'card', arg(2))
return 1
