-- Appends a dead letter unless that source entry already has one in P dead (answers its id either
-- way). An empty error takes the recorded last handler error, which is then cleared.
-- arg: [1] source [2] source entry id [3] type [4] fields (JSON object) [5] error [6] attempts
-- Returns the dead letter's id.
local source, entry_id = arg(1), arg(2)
local index_field = source .. '/' .. entry_id
local existing = redis.call('HGET', key('deadidx'), index_field)
if existing and #redis.call('XRANGE', key('dead'), existing, existing) > 0 then
  return existing
end
local errors_key = key('failerr', source)
local error_text = arg(5)
if error_text == '' then
  error_text = redis.call('HGET', errors_key, entry_id) or ''
end
local letter_id = redis.call('XADD', key('dead'), 'MAXLEN', '~', ctx.dead_len, '*',
  'source', source, 'source_entry_id', entry_id, 'type', arg(3), 'fields', arg(4), 'error', error_text,
  'attempts', arg(6), 'dead_at', ctx.now)
redis.call('HSET', key('deadidx'), index_field, letter_id)
redis.call('HDEL', errors_key, entry_id)
return letter_id
