-- One step: the dead letter's entry goes back on P jobs as a "replay" job (fields source,
-- source_entry_id, entry_type, fields) and leaves P dead and P deadidx.
-- arg: [1] dead letter id. Returns {job = the job's entry id}.
local recorded = replayed()
if recorded then
  return recorded
end
local letter_id = arg(1)
local label = 'dead letter ' .. letter_id
if not string.match(letter_id, '^%d+%-%d+$') then
  return fail('NOT_FOUND', label)
end
local entries = redis.call('XRANGE', key('dead'), letter_id, letter_id)
if #entries == 0 then
  return fail('NOT_FOUND', label)
end
local letter = {}
local flat = entries[1][2]
for i = 1, #flat, 2 do
  letter[flat[i]] = flat[i + 1]
end
local job_id = add_job('type', 'replay', 'source', letter.source or '', 'source_entry_id',
  letter.source_entry_id or '', 'entry_type', letter.type or '', 'fields', letter.fields or '{}')
redis.call('XDEL', key('dead'), letter_id)
redis.call('HDEL', key('deadidx'), (letter.source or '') .. '/' .. (letter.source_entry_id or ''))
return answer({job = job_id})
