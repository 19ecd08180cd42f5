-- Read-only. Every campaign that is not paused, oldest first. Returns {campaigns}.
local campaigns = {}
for _, campaign_id in ipairs(redis.call('ZRANGE', key('camps'), 0, -1)) do
  local view = campaign_view(campaign_id)
  if view and view.paused ~= '1' then
    campaigns[#campaigns + 1] = view
  end
end
return cjson.encode({campaigns = campaigns})
