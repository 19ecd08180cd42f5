-- Pauses or resumes a campaign (naturally idempotent: no event when nothing changes).
-- arg: [1] campaign id [2] "1" pause / "0" resume. Returns {json, paused, planned}.
local campaign_id, paused = arg(1), arg(2)
local view = campaign_view(campaign_id)
if not view then
  return fail('NOT_FOUND', 'campaign ' .. campaign_id)
end
if view.paused ~= paused then
  redis.call('HSET', key('camp', campaign_id), 'paused', paused)
  view.paused = paused
  emit(paused == '1' and 'campaign.paused' or 'campaign.resumed', 'campaign_id', campaign_id)
end
return cjson.encode(view)
