-- Stores a new campaign. A NEW_COHORT campaign for a batch that already has one answers that one.
-- arg: [1] campaign id [2] campaign (protobuf JSON) [3] origin number [4] target batch id
--      [5] created ms
-- Returns {json, paused, planned}.
local NEW_COHORT = 2
local recorded = replayed()
if recorded then
  return recorded
end
local campaign_id, origin, cohort_id, created = arg(1), num(arg(3)), arg(4), arg(5)
local by_cohort = origin == NEW_COHORT and cohort_id ~= ''
if by_cohort then
  local existing = redis.call('GET', key('campsrc', cohort_id))
  local view = existing and campaign_view(existing)
  if view then
    return answer(view)
  end
end
if redis.call('EXISTS', key('camp', campaign_id)) == 1 then
  return fail('ALREADY_EXISTS', 'campaign ' .. campaign_id)
end
redis.call('HSET', key('camp', campaign_id), 'json', arg(2), 'paused', '0', 'planned', '0',
  'created', created, 'tcoh', cohort_id)
redis.call('ZADD', key('camps'), created, campaign_id)
if by_cohort then
  redis.call('SET', key('campsrc', cohort_id), campaign_id)
end
emit('campaign.created', 'campaign_id', campaign_id)
return answer(campaign_view(campaign_id))
