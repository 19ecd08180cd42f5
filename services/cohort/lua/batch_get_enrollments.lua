-- Where each of the given members stands in one programme (BatchGetEnrollments), in request order;
-- members without an enrolment record are left out and history is not included. Read-only.
-- ARGV: [2] program id [3..] member ids (validated and deduplicated by the domain).
-- Returns JSON {enrollments} or NOT_FOUND.
local program_id = ARGV[2]
if redis.call('EXISTS', key('prog', program_id)) == 0 then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
local members = {}
for i = 3, #ARGV do
  members[#members + 1] = ARGV[i]
end
local enrollments = {}
if #members > 0 then
  local records = redis.call('HMGET', key('enr', program_id), unpack(members))
  for i, member in ipairs(members) do
    if records[i] then
      local view = enrollment_view(program_id, member, cjson.decode(records[i]))
      view.h = nil
      enrollments[#enrollments + 1] = view
    end
  end
end
return cjson.encode({enrollments = enrollments})
