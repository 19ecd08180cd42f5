-- Creates a member, claims its handles and indexes it, in one atomic step.
-- ARGV: [2] now_ms [3] request_id [4] fingerprint [5] request ttl_ms [6] event stream max len
--       [7] new member id [8..] field/value pairs of normalized member fields
-- Returns the member hash (HGETALL); a retry returns the hash as it was after the first call.
local now, request_id, fingerprint, ttl, max_len, id =
  ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]

local replay = idem_replay(request_id, fingerprint, replay_snapshot)
if replay then
  return replay
end

local fields = read_pairs(8)
local taken = handle_conflict(fields, id)
if taken then
  return fail('ALREADY_EXISTS', 'member.' .. taken .. ': already belongs to another member')
end

insert_member(id, fields, now)
emit(max_len, 'member.created', 'member_id', id)
return answer_with_snapshot(request_id, fingerprint, ttl, id)
