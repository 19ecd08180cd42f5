-- The atomic enrolment step (cohort_store.h explains the admission protocol).
-- arg: [1] program id [2] member id [3] source [4] admission passed ("1"/"0") [5] its order id
--      [6] its generation [7] cached admissions valid since (ms) [8] admission cache TTL ms
-- Returns JSON: {r result, seat {c, name, s}, pos, filled, opened cohort}, or, writing nothing,
-- {need = 1, req = requires entitlement, gen = admission generation}.
local ctx = mutation_context()
local recorded = replayed(ctx)
if recorded then
  return recorded
end
local program_id, member, source = arg(1), arg(2), arg(3)
local prog = load_program(program_id)
if not prog then
  return fail('NOT_FOUND', 'program ' .. program_id)
end
if prog.archived == '1' then
  return fail('FAILED_PRECONDITION', 'program ' .. program_id .. ' is archived')
end

-- A seat or waitlist place already held needs no admission.
local record = load_enrollment(program_id, member)
if record and record.st == ACTIVE then
  local name = redis.call('HGET', key('coh', program_id, record.c), 'name') or ''
  return answer(ctx, {r = R_ALREADY_ENROLLED, seat = {c = record.c, name = name, s = record.s}})
end
if record and record.st == WAITING then
  return answer(ctx, {r = R_WAITLISTED, pos = waitlist_position(program_id, member)})
end

-- Admission. A paid programme needs a cached active order (adm:, written when membership answered
-- or when the feed reported the grant); a free one only needs to know the member exists (known:).
-- An empty cached order never admits to a paid programme (it may have been free when cached).
local requires_entitlement = prog.reqent == '1'
local admission_key = key('adm', program_id, member)
local known_key = key('known', member)
local generation = num(redis.call('GET', key('admgen', program_id, member)))
local order_id = ''
if arg(4) == '1' then
  redis.call('SET', known_key, ctx.now, 'PX', arg(8))
  if requires_entitlement then
    order_id = arg(5)
    -- An invalidation since membership was asked: use the answer once, but do not cache it.
    if tonumber(arg(6)) == generation then
      redis.call('SET', admission_key, order_id .. '|' .. ctx.now, 'PX', arg(8))
    end
  end
else
  local admitted = false
  if requires_entitlement then
    local cached = redis.call('GET', admission_key)
    if cached then
      local cached_order, cached_at = string.match(cached, '^(.*)|(%d+)$')
      admitted = cached_order ~= nil and cached_order ~= '' and
        tonumber(cached_at) >= tonumber(arg(7))
      order_id = cached_order or ''
    end
  else
    admitted = redis.call('EXISTS', known_key) == 1
  end
  if not admitted then
    return cjson.encode({need = 1, req = requires_entitlement and 1 or 0, gen = generation})
  end
end

local reply = {filled = false}
local cohort = cohort_with_room(prog)
if not cohort and num(prog.policy) ~= POLICY_WAITLIST then
  cohort = open_cohort(ctx, prog, '')
  reply.opened = cohort
end

record = record or {en = ctx.now, h = {}}
record.o, record.src = order_id, source
if cohort then
  local seat, filled = take_seat(ctx, cohort, member)
  reply.filled = filled
  reply.opened = open_next_if_latest_full(ctx, prog, cohort) or reply.opened
  record.st, record.c, record.s, record.seated, record.joined = ACTIVE, cohort.number, seat,
    ctx.now, nil
  add_history(record, {k = H_ENROLLED, at = ctx.now, c = cohort.number})
  reply.r = R_ENROLLED
  reply.seat = {c = cohort.number, name = cohort.name, s = seat}
  redis.call('HINCRBY', key('daily', program_id), ctx.date, 1)
  emit(ctx, 'enrollment.created', program_id, 'member_id', member, 'cohort_number', cohort.number)
else
  local sequence = redis.call('INCR', key('waitseq', program_id))
  redis.call('ZADD', key('wait', program_id), sequence, member)
  record.st, record.c, record.s, record.seated, record.joined = WAITING, 0, 0, nil, ctx.now
  add_history(record, {k = H_WAITLISTED, at = ctx.now})
  emit(ctx, 'waitlist.joined', program_id, 'member_id', member)
  reply.r = R_WAITLISTED
  reply.pos = waitlist_position(program_id, member)
end
save_enrollment(program_id, member, record)
redis.call('ZADD', key('menr', member), 'NX', ctx.now, program_id)
return answer(ctx, reply)
