-- ARGV: [2] program id [3] number. Returns the cohort (JSON) or NOT_FOUND.
local program_id, number = ARGV[2], tonumber(ARGV[3])
local cohort = load_cohort(program_id, number)
if not cohort then
  return fail('NOT_FOUND', cohort_label(program_id, number))
end
return cjson.encode(cohort)
