-- Moves up to `max` delayed jobs due by now from P delayed onto P jobs, in one step.
-- arg: [1] max. Returns how many moved.
local due = redis.call('ZRANGEBYSCORE', key('delayed'), '-inf', ctx.now, 'LIMIT', 0, num(arg(1)))
for _, payload in ipairs(due) do
  -- The payload is the job's flat field list as a JSON array (complete_task.lua).
  local ok, fields = pcall(cjson.decode, payload)
  if ok and type(fields) == 'table' and #fields >= 2 and #fields % 2 == 0 then
    add_job(unpack(fields))
  end
  redis.call('ZREM', key('delayed'), payload)
end
return #due
