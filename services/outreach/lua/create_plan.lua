-- Stores the plan of a date unless one exists, in one step: exactly one plan per tenant and date,
-- however many callers race. A pick whose member already holds an open task (or whose id exists)
-- is dropped and the positions close up.
-- arg: [1] date [2] header (protobuf JSON) [3] number of picks, then per pick PICK_FIELDS values:
--      id, member, kind, campaign id, target programme, target batch, card JSON, reason JSON,
--      created ms.
-- Returns {h, tasks, gen} (lib.lua plan_view; gen = 1 when this call stored the plan).
local PICK_FIELDS = 9
local date = arg(1)
local existing = plan_view(date)
if existing then
  existing.gen = 0
  return cjson.encode(existing)
end

redis.call('SET', key('plan', date), arg(2))
local position = 0
for i = 0, num(arg(3)) - 1 do
  local base = 3 + i * PICK_FIELDS
  local task = {id = arg(base + 1), member = arg(base + 2), kind = arg(base + 3),
                camp = arg(base + 4), tprog = arg(base + 5), tcoh = arg(base + 6),
                card = arg(base + 7), reason = arg(base + 8), created = arg(base + 9)}
  if redis.call('HEXISTS', key('open'), task.member) == 0
      and redis.call('EXISTS', key('task', task.id)) == 0 then
    position = position + 1
    task.date, task.status, task.pos = date, T_OPEN, position
    write_hash(key('task', task.id), task)
    redis.call('ZADD', key('plantasks', date), position, task.id)
    redis.call('HSET', key('open'), task.member, task.id)
    if task.camp ~= '' then
      redis.call('ZADD', key('ctasks', task.camp), task.created, task.id)
      if redis.call('EXISTS', key('camp', task.camp)) == 1 then
        redis.call('HINCRBY', key('camp', task.camp), 'planned', 1)
      end
    end
  end
end
emit('plan.generated', 'date', date, 'tasks', position)
local view = plan_view(date)
view.gen = 1
return cjson.encode(view)
