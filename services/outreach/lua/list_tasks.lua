-- Read-only. One page of tasks.
-- arg: [1] date ('' = by campaign) [2] status (0 = any) [3] campaign id ('' = any) [4] cursor
--      [5] page size [6] how many campaign tasks to look at, at most (status filter)
-- With a date: the date's tasks in plan order (picks by position, then tasks due that date by
-- creation); cursor "<1 pick|2 due>|<score>|<id>". Without: the campaign's tasks newest first;
-- cursor "<created ms>|<id>". Returns {tasks, next}.
local date, status, campaign_id, cursor = arg(1), num(arg(2)), arg(3), arg(4)
local limit, budget = num(arg(5)), num(arg(6))

local loaded = {}
local function matching_task(task_id)
  local task = loaded[task_id]
  if task == nil then
    task = load_task(task_id) or false
    loaded[task_id] = task
  end
  if task and (status == 0 or num(task.status) == status)
      and (campaign_id == '' or task.camp == campaign_id) then
    return task
  end
  return nil
end

local tasks, next_cursor = {}, ''
if date ~= '' then
  local after_segment, after_score, after_id
  if cursor ~= '' then
    after_segment, after_score, after_id = string.match(cursor, '^([12])|(%d+)|(.+)$')
    if not after_segment then
      return bad_cursor()
    end
    after_segment, after_score = tonumber(after_segment), tonumber(after_score)
  end
  local last_cursor
  for segment, index in ipairs({'plantasks', 'due'}) do
    local entries = redis.call('ZRANGE', key(index, date), 0, -1, 'WITHSCORES')
    for i = 1, #entries, 2 do
      local task_id, score = entries[i], tonumber(entries[i + 1])
      local after = cursor == '' or segment > after_segment or (segment == after_segment and
        (score > after_score or (score == after_score and task_id > after_id)))
      local task = after and matching_task(task_id)
      if task then
        if #tasks == limit then
          next_cursor = last_cursor
          break
        end
        tasks[#tasks + 1] = task
        last_cursor = segment .. '|' .. entries[i + 1] .. '|' .. task_id
      end
    end
    if next_cursor ~= '' then
      break
    end
  end
else
  local ids, err
  ids, next_cursor, err = page_desc(key('ctasks', campaign_id), cursor, limit, budget,
    function(task_id) return matching_task(task_id) ~= nil end)
  if err then
    return err
  end
  for _, task_id in ipairs(ids) do
    tasks[#tasks + 1] = loaded[task_id]
  end
end
return cjson.encode({tasks = tasks, next = next_cursor})
