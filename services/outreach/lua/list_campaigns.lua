-- Read-only. arg: [1] cursor "<created ms>|<id>" [2] page size. Newest first.
-- Returns {campaigns = [{json, paused, planned}], next}.
local limit = num(arg(2))
local ids, next_cursor, err = page_desc(key('camps'), arg(1), limit, limit,
  function() return true end)
if err then
  return err
end
local campaigns = {}
for _, campaign_id in ipairs(ids) do
  campaigns[#campaigns + 1] = campaign_view(campaign_id)
end
return cjson.encode({campaigns = campaigns, next = next_cursor})
