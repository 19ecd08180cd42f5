-- The FOLLOW_UP task "fu-<source id>" of an INTERESTED task, created once (a second call answers
-- the stored one). OPEN and due on its date, unless the member holds another open task or the
-- source was the member's opt-out: then it is stored CANCELLED with the reason.
-- arg: [1] source task id [2] due date. Returns the task.
local source_id, date = arg(1), arg(2)
local follow_up_id = 'fu-' .. source_id
local existing = load_task(follow_up_id)
if existing then
  return cjson.encode(existing)
end
local source = load_task(source_id)
if not source then
  return fail('NOT_FOUND', task_label(source_id))
end

local task = {id = follow_up_id, date = date, kind = K_FOLLOW_UP, member = source.member,
              card = source.card or '', camp = source.camp or '', tprog = source.tprog or '',
              tcoh = source.tcoh or '', fuof = source_id, created = ctx.now}
local holder = redis.call('HGET', key('open'), source.member)
if num(source.outcome) == O_OPTED_OUT then
  task.status, task.creason = T_CANCELLED, 'the contact opted out'
elseif holder then
  task.status = T_CANCELLED
  task.creason = 'member ' .. source.member .. ' already holds open ' .. task_label(holder)
else
  task.status = T_OPEN
  redis.call('HSET', key('open'), source.member, follow_up_id)
  redis.call('ZADD', key('due', date), ctx.now, follow_up_id)
end
write_hash(key('task', follow_up_id), task)
if task.camp ~= '' then
  redis.call('ZADD', key('ctasks', task.camp), ctx.now, follow_up_id)
end
return cjson.encode(load_task(follow_up_id))
