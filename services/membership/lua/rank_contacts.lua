-- The warmest eligible contacts, best first, walking the tenant's `rank` zset from the top in
-- chunks until a page is filled: the cost grows with the page (and with what the filters skip),
-- not with the size of the contact book. Do-not-contact members are not in `rank` at all.
--
-- ARGV: [2] page size [3] cursor score ('' = from the top) [4] cursor member id
--       [5] contacted-before cutoff in ms ('' = no filter; never-contacted always pass)
--       [6] stage ('' = any) [7] tag ('' = any) [8] scan budget [9..] excluded member ids
-- Returns {next_score, next_id, id, score, member hash, id, score, member hash, ...};
-- next_score/next_id are '' on the last page.
local limit, cursor_score, cursor_id = tonumber(ARGV[2]), ARGV[3], ARGV[4]
local cutoff, stage, tag, budget = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local rank = P .. 'rank'
local excluded = {}
for i = 9, #ARGV do
  excluded[ARGV[i]] = true
end

-- Where to resume: right after the cursor member if it still has the cursor score; otherwise
-- (it moved or left) after everything scored above the cursor score, skipping the tie group's
-- members that sort before it.
local position, skipping = 0, false
if cursor_score ~= '' then
  local current = redis.call('ZSCORE', rank, cursor_id)
  if current == cursor_score then
    position = redis.call('ZREVRANK', rank, cursor_id) + 1
  else
    position = redis.call('ZCOUNT', rank, '(' .. cursor_score, '+inf')
    skipping = true
  end
end
local cutoff_ms = nil
if cutoff ~= '' then cutoff_ms = tonumber(cutoff) end
local wanted_tag = ',' .. tag .. ','

local page = {}
local found, examined, exhausted = 0, 0, false
local last_id, last_score = cursor_id, cursor_score
while found <= limit and examined < budget do
  local chunk = redis.call('ZREVRANGE', rank, position, position + 127, 'WITHSCORES')
  if #chunk == 0 then
    exhausted = true
    break
  end
  for i = 1, #chunk, 2 do
    local id, score = chunk[i], chunk[i + 1]
    position = position + 1
    examined = examined + 1
    if skipping and (score ~= cursor_score or id < cursor_id) then
      skipping = false
    end
    if not skipping and not excluded[id] then
      local m = redis.call('HMGET', member_key(id), 'stage', 'tags', 'contacted')
      local ok = true
      if stage ~= '' and m[1] ~= stage then ok = false end
      if ok and tag ~= '' and not string.find(',' .. (m[2] or '') .. ',', wanted_tag, 1, true) then
        ok = false
      end
      if ok and cutoff_ms and m[3] and tonumber(m[3]) > cutoff_ms then ok = false end
      if ok then
        found = found + 1
        if found <= limit then
          page[#page + 1] = id
          page[#page + 1] = score
        end
      end
    end
    if found > limit then
      break
    end
    last_id, last_score = id, score
    if examined >= budget then
      break
    end
  end
end

local reply
if found > limit then
  reply = {page[#page], page[#page - 1]}  -- the last listed (score, id)
elseif exhausted then
  reply = {'', ''}
else
  reply = {last_score, last_id}
end
for i = 1, #page, 2 do
  reply[#reply + 1] = page[i]
  reply[#reply + 1] = page[i + 1]
  reply[#reply + 1] = redis.call('HGETALL', member_key(page[i]))
end
return reply
