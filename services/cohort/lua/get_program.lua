-- arg: ARGV[2] program id. Returns the programme (JSON) or NOT_FOUND.
local program_id = ARGV[2]
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
return cjson.encode(program_view(prog))
