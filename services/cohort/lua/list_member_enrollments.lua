-- Every programme a member was ever in, by first entry.
-- ARGV: [2] member id. Returns JSON {enrollments}.
local member = ARGV[2]
local enrollments = {}
for _, program_id in ipairs(redis.call('ZRANGE', key('menr', member), 0, -1)) do
  local record = load_enrollment(program_id, member)
  if record then
    enrollments[#enrollments + 1] = enrollment_view(program_id, member, record)
  end
end
return cjson.encode({enrollments = enrollments})
