-- Programmes newest first. Looks at no more than ARGV[5] programmes per call, so a tenant with
-- many archived programmes still gets bounded work (a page may then be short, with a cursor).
-- ARGV: [2] cursor (the last id of the previous page, "" = start) [3] page size
--       [4] include archived ("1"/"0") [5] scan budget.
-- Returns JSON {programs, next (cursor, "" on the last page)}.
local cursor, page_size, include_archived = ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local budget = math.max(tonumber(ARGV[5]), page_size)
local index = key('progs')
local start = 0
if cursor ~= '' then
  local rank = redis.call('ZREVRANK', index, cursor)
  if not rank then
    return fail('INVALID_ARGUMENT', 'page_token: does not name a program')
  end
  start = rank + 1
end
local programs, scanned, last = {}, 0, ''
local ids = redis.call('ZREVRANGE', index, start, start + budget - 1)
for _, id in ipairs(ids) do
  if #programs >= page_size then
    break
  end
  scanned = scanned + 1
  last = id
  local prog = load_program(id)
  if prog and (include_archived or prog.archived ~= '1') then
    programs[#programs + 1] = program_view(prog)
  end
end
local next_cursor = ''
if start + scanned < redis.call('ZCARD', index) then
  next_cursor = last
end
return cjson.encode({programs = programs, next = next_cursor})
