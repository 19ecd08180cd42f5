-- Helpers prepended to every cohort script but the probe (see cohort_store.cc); not a script alone.
--
-- ARGV[1] is the tenant's key prefix "dunbar:cohort:{<tenant>}:" and KEYS[1] the tenant's `progs`
-- index (so a cluster client can route the call); every key starts with the prefix, so one script
-- only touches one hash slot. Mutation scripts then take ARGV[2..7] = now ms, request id,
-- fingerprint, request-id TTL ms, event stream max length, today's date "YYYY-MM-DD" (UTC, for the
-- per-day counters: Redis Lua has no clock or calendar); their own arguments follow (arg(i)).
--
-- "Enrolments" in events and per-day counts are seats taken (Enroll, promotion from the waitlist);
-- joining the waitlist is not one.
--
-- Replies are JSON (cjson) that cohort_codec.h decodes; a mutation's reply is also its idempotency
-- record, so a retry decodes exactly the bytes the first call returned. Errors are
-- redis.error_reply("<CANONICAL_CODE> <message>"). Every check happens before the first write: a
-- Lua error does not roll back what a script already wrote.
local P = ARGV[1]

-- Enum numbers of dunbar.cohort.v1 (cohort.proto).
local S_OPEN, S_FULL, S_RUNNING, S_CLOSED = 1, 2, 3, 4
local ACTIVE, WAITING, WITHDRAWN = 1, 2, 3
local H_ENROLLED, H_WAITLISTED, H_PROMOTED, H_TRANSFERRED, H_WITHDRAWN = 1, 2, 3, 4, 5
local R_ENROLLED, R_ALREADY_ENROLLED, R_WAITLISTED = 1, 2, 3
local POLICY_WAITLIST = 2
-- An enrolment record keeps its newest history entries only.
local HISTORY_KEPT = 50

local function fail(code, message)
  return redis.error_reply(code .. ' ' .. message)
end

local function key(...)
  return P .. table.concat({...}, ':')
end

local function num(value)
  return tonumber(value) or 0
end

local function mutation_context()
  return {now = tonumber(ARGV[2]), request_id = ARGV[3], fingerprint = ARGV[4],
          request_ttl = ARGV[5], max_len = ARGV[6], date = ARGV[7]}
end

-- The i-th argument of a mutation script (after the shared context).
local function arg(i)
  return ARGV[7 + i]
end

local function read_hash(hash_key)
  local flat = redis.call('HGETALL', hash_key)
  if #flat == 0 then
    return nil
  end
  local fields = {}
  for i = 1, #flat, 2 do
    fields[flat[i]] = flat[i + 1]
  end
  return fields
end

-- A retried request: its recorded JSON answer, or an error reply when the id was used by a
-- different request. nil for a request id never seen (or none given).
local function replayed(ctx)
  if ctx.request_id == '' then
    return nil
  end
  local record = redis.call('GET', key('req', ctx.request_id))
  if not record then
    return nil
  end
  local fingerprint, recorded = string.match(record, '^([^\n]*)\n(.*)$')
  if fingerprint ~= ctx.fingerprint then
    return fail('ALREADY_EXISTS', 'request_id: already used for a different request')
  end
  return recorded
end

-- Encodes the answer, records it under the request id and returns it.
local function answer(ctx, value)
  local encoded = cjson.encode(value)
  if ctx.request_id ~= '' then
    redis.call('SET', key('req', ctx.request_id), ctx.fingerprint .. '\n' .. encoded, 'PX',
      ctx.request_ttl)
  end
  return encoded
end

-- The outbox: kinds and ids only, never personal data.
local function emit(ctx, event_type, program_id, ...)
  redis.call('XADD', key('events'), 'MAXLEN', '~', ctx.max_len, '*', 'type', event_type,
    'program_id', program_id, ...)
end

-- Programmes ---------------------------------------------------------------------------------

local function load_program(program_id)
  return read_hash(key('prog', program_id))
end

-- The programme as replies carry it: the hash plus the live waitlist length.
local function program_view(prog)
  prog.wl = redis.call('ZCARD', key('wait', prog.id))
  return prog
end

-- Cohorts ------------------------------------------------------------------------------------

local function load_cohort(program_id, number)
  local cohort = read_hash(key('coh', program_id, number))
  if cohort then
    cohort.pid = program_id
    cohort.number = tonumber(cohort.number)
  end
  return cohort
end

local function cohort_label(program_id, number)
  return 'cohort ' .. program_id .. '.' .. number
end

-- Takes new seats: OPEN, or RUNNING with late enrolment, and not at capacity.
local function has_room(cohort)
  local state = num(cohort.state)
  return (state == S_OPEN or (state == S_RUNNING and cohort.late == '1'))
    and num(cohort.taken) < num(cohort.cap)
end

-- `template` with "{programme}" / "{program}" -> the programme name and "{n}" -> the number, in one
-- plain left-to-right pass (no patterns built from user text, no re-substitution of inserted text).
local function render_cohort_name(template, programme, number)
  if template == nil or template == '' then
    template = '{programme} {n}'
  end
  local tokens = {{'{programme}', programme}, {'{program}', programme}, {'{n}', tostring(number)}}
  local out, from = {}, 1
  while true do
    local brace = string.find(template, '{', from, true)
    if not brace then
      break
    end
    local replaced = false
    for _, token in ipairs(tokens) do
      if string.sub(template, brace, brace + #token[1] - 1) == token[1] then
        out[#out + 1] = string.sub(template, from, brace - 1)
        out[#out + 1] = token[2]
        from = brace + #token[1]
        replaced = true
        break
      end
    end
    if not replaced then
      out[#out + 1] = string.sub(template, from, brace)
      from = brace + 1
    end
  end
  out[#out + 1] = string.sub(template, from)
  return table.concat(out)
end

-- The programme hash field `hint` is a lower bound on the numbers of cohorts with room, so placing
-- a member does not rescan cohorts that filled long ago. Anything that gives a cohort room lowers it.
local function lower_hint(prog, number)
  if number < num(prog.hint) then
    prog.hint = number
    redis.call('HSET', key('prog', prog.id), 'hint', number)
  end
end

-- The lowest-numbered cohort with room, or nil. Only called once every check passed (it may write
-- the hint).
local function cohort_with_room(prog)
  local latest = num(prog.latest)
  local first = math.max(num(prog.hint), 1)
  for number = first, latest do
    local cohort = load_cohort(prog.id, number)
    if cohort and has_room(cohort) then
      if number ~= num(prog.hint) then
        prog.hint = number
        redis.call('HSET', key('prog', prog.id), 'hint', number)
      end
      return cohort
    end
  end
  -- None has room: only cohorts opened from now on can take seats.
  if latest + 1 ~= num(prog.hint) then
    prog.hint = latest + 1
    redis.call('HSET', key('prog', prog.id), 'hint', prog.hint)
  end
  return nil
end

-- Opens cohort latest+1 with the programme's current capacity.
local function open_cohort(ctx, prog, start_date)
  local number = num(prog.latest) + 1
  local cohort = {pid = prog.id, number = number, cap = num(prog.cap), taken = 0, state = S_OPEN,
                  late = '0', start = start_date or '', opened = ctx.now, next = 1,
                  name = render_cohort_name(prog.tmpl, prog.name, number)}
  redis.call('HSET', key('coh', prog.id, number), 'number', number, 'name', cohort.name,
    'cap', cohort.cap, 'taken', 0, 'state', S_OPEN, 'late', '0', 'start', cohort.start,
    'opened', ctx.now, 'next', 1)
  prog.latest = number
  redis.call('HSET', key('prog', prog.id), 'latest', number)
  emit(ctx, 'cohort.opened', prog.id, 'cohort_number', number)
  return cohort
end

-- Seats `member` in `cohort` (which has room): the lowest freed seat, else the next never used.
-- Returns the seat and whether the cohort became FULL.
local function take_seat(ctx, cohort, member)
  local cohort_key = key('coh', cohort.pid, cohort.number)
  local free_key = key('free', cohort.pid, cohort.number)
  local seat
  local freed = redis.call('ZRANGE', free_key, 0, 0)
  if #freed > 0 then
    seat = tonumber(freed[1])
    redis.call('ZREM', free_key, freed[1])
  else
    seat = num(cohort.next)
    cohort.next = seat + 1
    redis.call('HSET', cohort_key, 'next', cohort.next)
  end
  redis.call('ZADD', key('roster', cohort.pid, cohort.number), seat, member)
  cohort.taken = redis.call('HINCRBY', cohort_key, 'taken', 1)
  if cohort.taken >= num(cohort.cap) and num(cohort.state) == S_OPEN then
    cohort.state = S_FULL
    cohort.full = ctx.now
    redis.call('HSET', cohort_key, 'state', S_FULL, 'full', ctx.now)
    emit(ctx, 'cohort.full', cohort.pid, 'cohort_number', cohort.number)
    return seat, true
  end
  return seat, false
end

-- AUTO_OPEN_NEXT: once the latest cohort takes no more seats, the next one opens in the same step.
-- Returns the opened cohort or nil.
local function open_next_if_latest_full(ctx, prog, cohort)
  if num(prog.policy) ~= POLICY_WAITLIST and cohort.number == num(prog.latest)
      and not has_room(cohort) then
    return open_cohort(ctx, prog, '')
  end
  return nil
end

-- Enrolment records ----------------------------------------------------------------------------
-- enr:<pid> field <member> = JSON {st status, c cohort number, s seat, o order id, src source,
-- en first entry ms, seated ms, joined ms (waitlist), h history [{k kind, at, c, f, r}]}.

local function load_enrollment(program_id, member)
  local encoded = redis.call('HGET', key('enr', program_id), member)
  if not encoded then
    return nil
  end
  return cjson.decode(encoded)
end

local function save_enrollment(program_id, member, record)
  redis.call('HSET', key('enr', program_id), member, cjson.encode(record))
end

local function add_history(record, entry)
  local history = record.h or {}
  history[#history + 1] = entry
  while #history > HISTORY_KEPT do
    table.remove(history, 1)
  end
  record.h = history
end

local function waitlist_position(program_id, member)
  local rank = redis.call('ZRANK', key('wait', program_id), member)
  if not rank then
    return 0
  end
  return rank + 1
end

-- The record as replies carry it: plus ids, the seat's cohort name and the live waitlist position.
local function enrollment_view(program_id, member, record)
  local view = {pid = program_id, m = member, st = record.st, c = record.c, s = record.s,
                o = record.o, src = record.src, en = record.en, h = record.h}
  if record.st == ACTIVE then
    view.cname = redis.call('HGET', key('coh', program_id, record.c), 'name') or ''
  elseif record.st == WAITING then
    view.pos = waitlist_position(program_id, member)
  end
  return view
end

local function pop_waitlist_head(program_id)
  local head = redis.call('ZRANGE', key('wait', program_id), 0, 0)[1]
  if head then
    redis.call('ZREM', key('wait', program_id), head)
  end
  return head
end

-- The waitlisted `member` now holds `seat` in `cohort` (the roster entry is the caller's).
local function mark_promoted(ctx, cohort, seat, member)
  local record = load_enrollment(cohort.pid, member) or {en = ctx.now, src = '', o = ''}
  record.st, record.c, record.s, record.seated, record.joined = ACTIVE, cohort.number, seat,
    ctx.now, nil
  add_history(record, {k = H_PROMOTED, at = ctx.now, c = cohort.number})
  save_enrollment(cohort.pid, member, record)
  redis.call('HINCRBY', key('daily', cohort.pid), ctx.date, 1)
  emit(ctx, 'waitlist.promoted', cohort.pid, 'member_id', member, 'cohort_number', cohort.number)
end

-- Frees `member`'s `seat` in `cohort`. Before the cohort starts, the waitlist's head takes exactly
-- that seat (FULL stays FULL); otherwise the seat is freed and FULL returns to OPEN. Returns the
-- promoted member id or nil.
local function release_seat(ctx, prog, cohort, member, seat)
  redis.call('ZREM', key('roster', cohort.pid, cohort.number), member)
  local state = num(cohort.state)
  if state == S_OPEN or state == S_FULL then
    local head = pop_waitlist_head(cohort.pid)
    if head then
      redis.call('ZADD', key('roster', cohort.pid, cohort.number), seat, head)
      mark_promoted(ctx, cohort, seat, head)
      return head
    end
  end
  local cohort_key = key('coh', cohort.pid, cohort.number)
  cohort.taken = redis.call('HINCRBY', cohort_key, 'taken', -1)
  redis.call('ZADD', key('free', cohort.pid, cohort.number), seat, seat)
  if state == S_FULL then
    cohort.state = S_OPEN
    redis.call('HSET', cohort_key, 'state', S_OPEN)
  end
  if has_room(cohort) then
    lower_hint(prog, cohort.number)
  end
  return nil
end
