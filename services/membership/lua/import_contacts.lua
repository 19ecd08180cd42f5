-- Imports a batch of normalized contact rows atomically. Because the whole batch runs as one
-- script, concurrent imports of overlapping files can never create two members for one handle.
--
-- ARGV: [2] now_ms [3] event stream max len, then rows of 10 values each:
--       id-if-created, name, phone, wechat_id, email, tags (sorted csv), source,
--       connection point description, connection point at (ms or ''), notes
-- Returns one result per row:
--   'c'          created a member
--   'm'          merged into an existing member (or an earlier row)
--   'm:<field>'  merged, but the row's <field> handle belongs to yet another member: the row went
--                to the owner of its first matching handle (phone, then WeChat id, then email) and
--                that handle stays with its owner
--
-- Merge rules (re-importing the same rows changes nothing):
--   tags: union; name, source, notes and empty handles: filled only when empty (never overwritten);
--   connection point: the earliest one wins (a dated one replaces a later-dated one; an existing one
--   without a date is kept).
local now, max_len = ARGV[2], ARGV[3]
local ROW = 10
local handles_key = P .. 'handles'

-- Index writes are collected and sent once per batch (one ZADD per index key, one HSET for the
-- handles) instead of once per row; `claimed` makes handles of earlier rows in this batch visible
-- to later rows before they are written.
local pending_index = {}
local pending_keys = {}
local claimed = {}
local claimed_list = {}

local function index_later(key, id)
  local ids = pending_index[key]
  if not ids then
    ids = {}
    pending_index[key] = ids
    pending_keys[#pending_keys + 1] = key
  end
  ids[#ids + 1] = id
end

local function claim(handle, id)
  claimed[handle] = id
  claimed_list[#claimed_list + 1] = handle
  claimed_list[#claimed_list + 1] = id
end

-- Owners of the row's handles (in HANDLES order; false where unowned or empty).
local function owners_of(row)
  local lookup, slots, owners = {'HMGET', handles_key}, {}, {false, false, false}
  for i, h in ipairs(HANDLES) do
    local value = row[h[1]]
    if value ~= '' then
      local handle = h[2] .. value
      if claimed[handle] then
        owners[i] = claimed[handle]
      else
        lookup[#lookup + 1] = handle
        slots[#slots + 1] = i
      end
    end
  end
  if #slots > 0 then
    local found = redis.call(unpack(lookup))
    for j, i in ipairs(slots) do
      owners[i] = found[j]
    end
  end
  return owners
end

local function union_tags(current, added)
  if added == '' then return current, false end
  local set, list = {}, {}
  for _, t in ipairs(split_tags(current)) do
    set[t] = true
    list[#list + 1] = t
  end
  local grew = false
  for _, t in ipairs(split_tags(added)) do
    if not set[t] then
      set[t] = true
      list[#list + 1] = t
      grew = true
    end
  end
  if not grew then return current, false end
  table.sort(list)
  return table.concat(list, ','), true
end

local function create(id, row)
  local args = {'HSET', member_key(id), 'id', id, 'created', now, 'updated', now, 'stage', '1'}
  for _, field in ipairs({'name', 'phone', 'wechat_id', 'email', 'tags', 'source', 'cp', 'cp_at',
                          'notes'}) do
    if row[field] ~= '' then
      args[#args + 1] = field
      args[#args + 1] = row[field]
    end
  end
  redis.call(unpack(args))
  for _, h in ipairs(HANDLES) do
    if row[h[1]] ~= '' then claim(h[2] .. row[h[1]], id) end
  end
  index_later(P .. 'members', id)
  index_later(P .. 'stage:1', id)  -- STAGE_CONTACT
  for _, t in ipairs(split_tags(row.tags)) do
    index_later(P .. 'tag:' .. t, id)
  end
  if row.source ~= '' then index_later(P .. 'source:' .. row.source, id) end
  index_later(P .. 'rank', id)  -- warmth 0 (score -inf): after every warm contact
  emit(max_len, 'member.created', 'member_id', id)
end

local function merge(id, row)
  local key = member_key(id)
  local cur = redis.call('HMGET', key, 'name', 'phone', 'wechat_id', 'email', 'tags', 'source',
    'cp', 'cp_at', 'notes')
  local name, tags, source, cp, cp_at, notes =
    cur[1] or '', cur[5] or '', cur[6] or '', cur[7] or '', cur[8] or '', cur[9] or ''
  local set, cleared = {}, {}
  local function change(field, value)
    if value == '' then
      cleared[#cleared + 1] = field
    else
      set[#set + 1] = field
      set[#set + 1] = value
    end
  end
  if name == '' and row.name ~= '' then change('name', row.name) end
  for i, h in ipairs(HANDLES) do
    local value = row[h[1]]
    if (cur[i + 1] or '') == '' and value ~= '' then
      local handle = h[2] .. value
      if not claimed[handle] and not redis.call('HGET', handles_key, handle) then
        change(h[1], value)
        claim(handle, id)
      end
    end
  end
  local merged_tags, grew = union_tags(tags, row.tags)
  if grew then
    change('tags', merged_tags)
    for _, t in ipairs(split_tags(row.tags)) do
      index_later(P .. 'tag:' .. t, id)
    end
  end
  if source == '' and row.source ~= '' then
    change('source', row.source)
    index_later(P .. 'source:' .. row.source, id)
  end
  if notes == '' and row.notes ~= '' then change('notes', row.notes) end
  if row.cp ~= '' or row.cp_at ~= '' then
    local take = false
    if cp == '' and cp_at == '' then
      take = true
    elseif cp_at ~= '' and row.cp_at ~= '' and tonumber(row.cp_at) < tonumber(cp_at) then
      take = true
    end
    if take then
      change('cp', row.cp)
      change('cp_at', row.cp_at)
    end
  end
  if #set > 0 or #cleared > 0 then
    local args = {'HSET', key, 'updated', now}
    for i = 1, #set do
      args[#args + 1] = set[i]
    end
    redis.call(unpack(args))
    if #cleared > 0 then
      redis.call('HDEL', key, unpack(cleared))
    end
    emit(max_len, 'member.updated', 'member_id', id)
  end
end

local results = {}
for base = 4, #ARGV, ROW do
  local row = {
    name = ARGV[base + 1], phone = ARGV[base + 2], wechat_id = ARGV[base + 3],
    email = ARGV[base + 4], tags = ARGV[base + 5], source = ARGV[base + 6], cp = ARGV[base + 7],
    cp_at = ARGV[base + 8], notes = ARGV[base + 9]
  }
  local owners = owners_of(row)
  local owner, conflict = nil, nil
  for i, h in ipairs(HANDLES) do
    local o = owners[i]
    if o then
      if not owner then
        owner = o
      elseif o ~= owner and not conflict then
        conflict = h[1]
      end
    end
  end
  if owner then
    merge(owner, row)
    if conflict then
      results[#results + 1] = 'm:' .. conflict
    else
      results[#results + 1] = 'm'
    end
  else
    create(ARGV[base], row)
    results[#results + 1] = 'c'
  end
end

if #claimed_list > 0 then
  redis.call('HSET', handles_key, unpack(claimed_list))
end
for _, key in ipairs(pending_keys) do
  local score = 0
  if key == P .. 'rank' then score = '-inf' end
  local args = {'ZADD', key}
  for _, id in ipairs(pending_index[key]) do
    args[#args + 1] = score
    args[#args + 1] = id
  end
  redis.call(unpack(args))
end
return results
