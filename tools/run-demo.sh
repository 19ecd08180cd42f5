#!/usr/bin/env bash
# The local demo (README command (a)): installs the Debian packages, builds the membership, cohort
# and outreach services and the dunbarctl CLI, starts a private redis-server (AOF on, data in
# ./.run/redis), membership, cohort and outreach on 127.0.0.1, then walks through a short session
# with the CLI: create members, import tools/demo-contacts.csv, record interactions, show the warm
# list, grant an entitlement, then sell a programme in batches of 2 (enrolments roll into batch 2),
# queue buyers on a waitlist programme, show rosters and stats, and finally dig the contact book:
# an outreach policy targeting the programme, today's plan, two outcomes and the funnel.
# Everything it starts is stopped when it exits (or on Ctrl-C).
#
#   tools/run-demo.sh                    # demo, then stop everything
#   tools/run-demo.sh --keep-running     # leave Redis + the services up until Ctrl-C
#   tools/run-demo.sh --port 50061       # membership port (default 50051, env DUNBAR_DEMO_PORT)
#   tools/run-demo.sh --cohort-port 50062  # cohort port (default 50052, env DUNBAR_DEMO_COHORT_PORT)
#   tools/run-demo.sh --outreach-port 50063  # outreach port (default 50053, env DUNBAR_DEMO_OUTREACH_PORT)
#   tools/run-demo.sh --skip-build       # reuse the binaries already built
#
# Running it again is safe: data persists in ./.run, the demo tokens are reused, creations carry
# request ids (or are found by handle or name), the import merges by phone/WeChat id/email, each
# demo interaction is recorded only if the member does not have it yet, and enrolling again
# answers ALREADY_ENROLLED. The outreach plan of a date is made once and then stable, and its first
# two tasks get an outcome only while still open, so a re-run the same day shows the same plan.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${DUNBAR_DEMO_PORT:-50051}"
COHORT_PORT="${DUNBAR_DEMO_COHORT_PORT:-50052}"
OUTREACH_PORT="${DUNBAR_DEMO_OUTREACH_PORT:-50053}"
KEEP_RUNNING=0
SKIP_BUILD=0
BUILD_DIR="${DUNBAR_DEMO_BUILD_DIR:-$ROOT/build/default}"
TENANT="demo"

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) KEEP_RUNNING=1 ;;
    --skip-build) SKIP_BUILD=1 ;;
    --port) PORT="${2:?--port needs a value}"; shift ;;
    --port=*) PORT="${1#--port=}" ;;
    --cohort-port) COHORT_PORT="${2:?--cohort-port needs a value}"; shift ;;
    --cohort-port=*) COHORT_PORT="${1#--cohort-port=}" ;;
    --outreach-port) OUTREACH_PORT="${2:?--outreach-port needs a value}"; shift ;;
    --outreach-port=*) OUTREACH_PORT="${1#--outreach-port=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-demo: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$PORT" in
  ''|*[!0-9]*) echo "run-demo: --port must be a number, got '$PORT'" >&2; exit 2 ;;
esac
case "$COHORT_PORT" in
  ''|*[!0-9]*) echo "run-demo: --cohort-port must be a number, got '$COHORT_PORT'" >&2; exit 2 ;;
esac
case "$OUTREACH_PORT" in
  ''|*[!0-9]*) echo "run-demo: --outreach-port must be a number, got '$OUTREACH_PORT'" >&2; exit 2 ;;
esac
if [ "$PORT" = "$COHORT_PORT" ] || [ "$PORT" = "$OUTREACH_PORT" ] || [ "$COHORT_PORT" = "$OUTREACH_PORT" ]; then
  echo "run-demo: --port, --cohort-port and --outreach-port must differ" >&2
  exit 2
fi

RUN_DIR="$ROOT/.run"
REDIS_DIR="$RUN_DIR/redis"
TOKENS_FILE="$RUN_DIR/tokens"
TOKEN_SAVE="$RUN_DIR/demo-operator.token"
MEMBERSHIP_LOG="$RUN_DIR/membership.log"
MEMBERSHIP_BIN="$BUILD_DIR/services/membership/membership"
SERVICE_TOKEN_FILE="$RUN_DIR/cohort-service.token"
COHORT_LOG="$RUN_DIR/cohort.log"
COHORT_BIN="$BUILD_DIR/services/cohort/cohort"
OUTREACH_SERVICE_TOKEN_FILE="$RUN_DIR/outreach-service.token"
OUTREACH_LOG="$RUN_DIR/outreach.log"
OUTREACH_BIN="$BUILD_DIR/services/outreach/outreach"
DUNBARCTL_BIN="$BUILD_DIR/tools/dunbarctl/dunbarctl"

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
step() { echo; bold "== $*"; }
die() { echo "run-demo: $*" >&2; exit 1; }

# ---- cleanup: stop what we started, in reverse order --------------------------------------------
MEMBERSHIP_PID=""
COHORT_PID=""
OUTREACH_PID=""
REDIS_PID=""
stop_process() {  # stop_process NAME PID: SIGTERM, wait up to 15 s, then SIGKILL
  local name="$1" pid="$2"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; echo "stopped $name"; return 0; }
    sleep 0.1
  done
  echo "run-demo: $name (pid $pid) did not stop in 15 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$OUTREACH_PID$COHORT_PID$MEMBERSHIP_PID$REDIS_PID" ]; then echo; bold "== stopping"; fi
  stop_process outreach "$OUTREACH_PID"
  rm -f "$RUN_DIR/outreach.pid"
  stop_process cohort "$COHORT_PID"
  rm -f "$RUN_DIR/cohort.pid"
  stop_process membership "$MEMBERSHIP_PID"
  rm -f "$RUN_DIR/membership.pid"
  stop_process redis-server "$REDIS_PID"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. dependencies and build ------------------------------------------------------------------
if [ "$SKIP_BUILD" -eq 0 ]; then
  step "installing dependencies (tools/install-deps.sh)"
  "$ROOT/tools/install-deps.sh"
  step "building membership, cohort, outreach and dunbarctl (preset default)"
  cmake --preset default >/dev/null
  cmake --build --preset default -j2 --target membership cohort outreach dunbarctl
fi
[ -x "$MEMBERSHIP_BIN" ] || die "$MEMBERSHIP_BIN is missing (build it, or drop --skip-build)"
[ -x "$COHORT_BIN" ] || die "$COHORT_BIN is missing (build it, or drop --skip-build)"
[ -x "$OUTREACH_BIN" ] || die "$OUTREACH_BIN is missing (build it, or drop --skip-build)"
[ -x "$DUNBARCTL_BIN" ] || die "$DUNBARCTL_BIN is missing (build it, or drop --skip-build)"
command -v redis-server >/dev/null || die "redis-server not found (run tools/install-deps.sh)"

# ---- 2. Redis -----------------------------------------------------------------------------------
step "starting redis-server (AOF on, data in .run/redis)"
mkdir -p "$REDIS_DIR"
chmod 700 "$RUN_DIR"
# A previous run killed without its trap (kill -9) may have left its processes behind: stop them,
# or the new ones could not take over the port and the data directory.
stop_leftover() {  # stop_leftover NAME PIDFILE
  local name="$1" pidfile="$2" old_pid
  [ -f "$pidfile" ] || return 0
  old_pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$old_pid/cmdline" 2>/dev/null | grep -q "$name"; then
    echo "stopping a $name left over from an earlier run (pid $old_pid)"
    stop_process "$name" "$old_pid"
  fi
  rm -f "$pidfile"
}
stop_leftover outreach "$RUN_DIR/outreach.pid"
stop_leftover cohort "$RUN_DIR/cohort.pid"
stop_leftover membership "$RUN_DIR/membership.pid"
stop_leftover redis-server "$REDIS_DIR/redis.pid"
# A unix socket keeps Redis off the network; its path must fit in sun_path (108 bytes), so a very
# deep checkout falls back to a loopback port.
SOCKET="$REDIS_DIR/redis.sock"
if [ "${#SOCKET}" -lt 100 ]; then
  REDIS_LISTEN=(--port 0 --unixsocket "$SOCKET" --unixsocketperm 700)
  REDIS_URL="unix://$SOCKET"
  REDIS_PING=(redis-cli -s "$SOCKET" ping)
else
  REDIS_TCP_PORT="${DUNBAR_DEMO_REDIS_PORT:-6399}"
  REDIS_LISTEN=(--port "$REDIS_TCP_PORT" --bind 127.0.0.1)
  REDIS_URL="redis://127.0.0.1:$REDIS_TCP_PORT/0"
  REDIS_PING=(redis-cli -h 127.0.0.1 -p "$REDIS_TCP_PORT" ping)
fi
rm -f "$SOCKET"
# Services run in their own session (setsid), so a Ctrl-C reaches only this script, whose trap then
# stops them in order: cohort and membership drain first, then Redis flushes its AOF.
setsid redis-server "${REDIS_LISTEN[@]}" --dir "$REDIS_DIR" --appendonly yes --appendfsync everysec \
  --save "" --daemonize no --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" &
REDIS_PID=$!
for _ in $(seq 1 100); do
  if [ "$("${REDIS_PING[@]}" 2>/dev/null)" = "PONG" ]; then break; fi
  kill -0 "$REDIS_PID" 2>/dev/null || { tail -n 20 "$REDIS_DIR/redis.log" >&2; die "redis-server exited"; }
  sleep 0.1
done
[ "$("${REDIS_PING[@]}" 2>/dev/null)" = "PONG" ] || die "redis-server did not answer PING in 10 s"
echo "redis-server pid $REDIS_PID at $REDIS_URL"

# ---- 3. a demo operator token -------------------------------------------------------------------
step "operator token for tenant '$TENANT'"
ctl() {
  "$DUNBARCTL_BIN" --addr "127.0.0.1:$PORT" --cohort-addr "127.0.0.1:$COHORT_PORT" \
    --outreach-addr "127.0.0.1:$OUTREACH_PORT" "$@"
}
# saved_token FILE: the token saved in FILE if its hash is still in the token file, else "".
saved_token() {
  local token hash
  [ -s "$1" ] && [ -f "$TOKENS_FILE" ] || return 0
  token="$(cat "$1")"
  hash="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
  if grep -q "^$hash " "$TOKENS_FILE"; then printf '%s' "$token"; fi
}
TOKEN="$(saved_token "$TOKEN_SAVE")"
if [ -z "$TOKEN" ]; then
  TOKEN="$(ctl tokens mint --tenant "$TENANT" --role operator --tokens-file "$TOKENS_FILE")"
  (umask 077 && printf '%s\n' "$TOKEN" >"$TOKEN_SAVE")
  echo "minted a new operator token (saved in .run/demo-operator.token, hash in .run/tokens)"
else
  echo "reusing the token in .run/demo-operator.token"
fi
export DUNBAR_TOKEN="$TOKEN"
# The service token cohort presents to membership (entitlement checks); its file is the flag.
if [ -z "$(saved_token "$SERVICE_TOKEN_FILE")" ]; then
  service_token="$(ctl tokens mint --role service --tokens-file "$TOKENS_FILE" 2>/dev/null)"
  (umask 077 && printf '%s\n' "$service_token" >"$SERVICE_TOKEN_FILE")
  echo "minted the cohort service token (.run/cohort-service.token)"
fi
# The service token outreach presents to membership and cohort (a token of its own).
if [ -z "$(saved_token "$OUTREACH_SERVICE_TOKEN_FILE")" ]; then
  service_token="$(ctl tokens mint --role service --tokens-file "$TOKENS_FILE" 2>/dev/null)"
  (umask 077 && printf '%s\n' "$service_token" >"$OUTREACH_SERVICE_TOKEN_FILE")
  echo "minted the outreach service token (.run/outreach-service.token)"
fi

# ---- 4. membership ------------------------------------------------------------------------------
step "starting membership on 127.0.0.1:$PORT"
setsid "$MEMBERSHIP_BIN" --listen "127.0.0.1:$PORT" --redis-url "$REDIS_URL" \
  --tokens-file "$TOKENS_FILE" --default-country CN >"$MEMBERSHIP_LOG" 2>&1 &
MEMBERSHIP_PID=$!
echo "$MEMBERSHIP_PID" >"$RUN_DIR/membership.pid"
# Poll the gRPC health check, and give up at once if the process has exited (e.g. port in use).
serving=0
for _ in $(seq 1 150); do
  if ! kill -0 "$MEMBERSHIP_PID" 2>/dev/null; then
    tail -n 20 "$MEMBERSHIP_LOG" >&2
    die "membership exited (is port $PORT in use? try --port)"
  fi
  if ctl --timeout 1 health >/dev/null 2>&1; then serving=1 && break; fi
  sleep 0.2
done
if [ "$serving" -ne 1 ]; then
  tail -n 20 "$MEMBERSHIP_LOG" >&2
  die "membership is not SERVING after 30 s"
fi
echo "membership pid $MEMBERSHIP_PID is SERVING (logs: .run/membership.log)"

# ---- 4b. cohort ---------------------------------------------------------------------------------
step "starting cohort on 127.0.0.1:$COHORT_PORT"
setsid "$COHORT_BIN" --listen "127.0.0.1:$COHORT_PORT" --redis-url "$REDIS_URL" \
  --tokens-file "$TOKENS_FILE" --membership-addr "127.0.0.1:$PORT" \
  --membership-token-file "$SERVICE_TOKEN_FILE" >"$COHORT_LOG" 2>&1 &
COHORT_PID=$!
echo "$COHORT_PID" >"$RUN_DIR/cohort.pid"
serving=0
for _ in $(seq 1 150); do
  if ! kill -0 "$COHORT_PID" 2>/dev/null; then
    tail -n 20 "$COHORT_LOG" >&2
    die "cohort exited (is port $COHORT_PORT in use? try --cohort-port)"
  fi
  # The health check goes to --addr: point it at cohort.
  if "$DUNBARCTL_BIN" --addr "127.0.0.1:$COHORT_PORT" --timeout 1 health >/dev/null 2>&1; then
    serving=1 && break
  fi
  sleep 0.2
done
if [ "$serving" -ne 1 ]; then
  tail -n 20 "$COHORT_LOG" >&2
  die "cohort is not SERVING after 30 s"
fi
echo "cohort pid $COHORT_PID is SERVING (logs: .run/cohort.log)"

# ---- 4c. outreach (API and queue worker in one process) ----------------------------------------
step "starting outreach on 127.0.0.1:$OUTREACH_PORT"
setsid "$OUTREACH_BIN" --listen "127.0.0.1:$OUTREACH_PORT" --redis-url "$REDIS_URL" \
  --tokens-file "$TOKENS_FILE" --membership-addr "127.0.0.1:$PORT" \
  --cohort-addr "127.0.0.1:$COHORT_PORT" --service-token-file "$OUTREACH_SERVICE_TOKEN_FILE" \
  --mode both >"$OUTREACH_LOG" 2>&1 &
OUTREACH_PID=$!
echo "$OUTREACH_PID" >"$RUN_DIR/outreach.pid"
serving=0
for _ in $(seq 1 150); do
  if ! kill -0 "$OUTREACH_PID" 2>/dev/null; then
    tail -n 20 "$OUTREACH_LOG" >&2
    die "outreach exited (is port $OUTREACH_PORT in use? try --outreach-port)"
  fi
  if "$DUNBARCTL_BIN" --addr "127.0.0.1:$OUTREACH_PORT" --timeout 1 health >/dev/null 2>&1; then
    serving=1 && break
  fi
  sleep 0.2
done
if [ "$serving" -ne 1 ]; then
  tail -n 20 "$OUTREACH_LOG" >&2
  die "outreach is not SERVING after 30 s"
fi
echo "outreach pid $OUTREACH_PID is SERVING (logs: .run/outreach.log)"

# ---- 5. the demo --------------------------------------------------------------------------------
quote_args() {  # the arguments as one could paste them into a shell
  local arg out=""
  for arg in "$@"; do
    case "$arg" in
      *[[:space:]\'\"\$\`\\\;\&\|\<\>\(\)\*\?\[\]\#\~]*|'')
        arg="'${arg//\'/\'\\\'\'}'" ;;
    esac
    out+="${out:+ }$arg"
  done
  printf '%s' "$out"
}
show() {  # show ARGS...: print the command, then run it
  echo
  bold "\$ dunbarctl $(quote_args "$@")"
  ctl "$@"
}
json_field() {  # json_field NAME < json: the first top-level string field NAME
  sed -n "s/^ \"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" | head -n 1
}

# Creates a member (idempotent: a fixed request id replays the first answer; once that has expired,
# the handle is already taken and the member is found by it). Prints the member id.
create_member() {  # create_member REQUEST_ID FIND_FLAG FIND_VALUE CREATE_ARGS...
  local request_id="$1" find_flag="$2" find_value="$3"
  shift 3
  local out status=0
  out="$(ctl -o json members create --request-id "$request_id" "$@" 2>&1)" || status=$?
  if [ "$status" -eq 3 ] && printf '%s' "$out" | grep -q "ALREADY_EXISTS"; then
    out="$(ctl -o json members find "$find_flag" "$find_value")"
  elif [ "$status" -ne 0 ]; then
    printf '%s\n' "$out" >&2
    return "$status"
  fi
  printf '%s\n' "$out" | json_field id | grep . || { echo "run-demo: no member id in: $out" >&2; return 1; }
}

step "creating two members (one with a Chinese name)"
echo
bold "\$ dunbarctl members create --name 张伟 --phone '138 0013 8000' --tags 'vip;读书会' ..."
ZHANG_WEI="$(create_member demo-create-zhangwei --phone 13800138000 --name 张伟 \
  --phone "138 0013 8000" --tags "vip;读书会" --source workshop-2024 --stage lead \
  --connection-point "读书会 春季" --connection-at 2024-03-02)"
ctl members get "$ZHANG_WEI"
echo
bold "\$ dunbarctl members create --name 'Emma Clarke' --email emma@example.co.uk ..."
EMMA="$(create_member demo-create-emma --email emma@example.co.uk --name "Emma Clarke" \
  --email emma@example.co.uk --tags deep-work --source newsletter \
  --connection-point "Deep Work 2" --connection-at 2024-05-20)"
ctl members get "$EMMA"

step "importing tools/demo-contacts.csv (49 rows: duplicates in other formats, 2 bad rows)"
show import contacts tools/demo-contacts.csv

step "recording interactions"
WANG_FANG="$(ctl -o json members find --phone "+86 139 1234 5678" | json_field id)"
XIAO_YUAN="$(ctl -o json members find --wechat xiaoyuan_88 | json_field id)"
# record_once MEMBER KIND NOTE: the note marks a demo interaction, so a re-run does not add it again.
record_once() {
  local member="$1" kind="$2" note="$3"
  if ctl -o json interactions list "$member" --page-size 500 | grep -qF "\"note\": \"$note\""; then
    echo
    echo "(already recorded for $member: $kind \"$note\")"
    return 0
  fi
  show interactions record "$member" --kind "$kind" --note "$note"
}
record_once "$ZHANG_WEI" replied "demo: replied to the 读书会 post"
record_once "$ZHANG_WEI" attended "demo: attended the 读书会 meetup"
record_once "$WANG_FANG" purchased "demo: bought 深度工作 3 期"
record_once "$XIAO_YUAN" liked "demo: liked the launch post"
record_once "$EMMA" commented "demo: commented on Deep Work notes"
show interactions list "$ZHANG_WEI"

step "members"
show members list --all

step "the warm list"
QIAN_DUODUO="$(ctl -o json members find --phone 13099990000 | json_field id)"
show prefs set "$QIAN_DUODUO" --do-not-contact --reason "asked not to be contacted" \
  --request-id demo-prefs-qianduoduo
show rank -n 10

step "entitlements"
show entitlements grant --member "$ZHANG_WEI" --program deep-work-3 --order demo-order-1001 \
  --amount-minor 19900 --currency CNY --paid-at 2024-09-01T10:00:00+08:00
show entitlements check --member "$ZHANG_WEI" --program deep-work-3

# ---- 6. programmes and batches (cohort) ---------------------------------------------------------
# find_or_create_program NAME CREATE_ARGS...: the id of the (non-archived) programme called NAME,
# created on the first run. Prints the id.
find_or_create_program() {
  local name="$1" id
  shift
  # Proto JSON lists each programme's "id" before its "name".
  id="$(ctl -o json programs list --all-pages | awk -v want="$name" '
    /^   "id": "/ { id = $0; sub(/^   "id": "/, "", id); sub(/",?$/, "", id) }
    /^   "name": "/ { n = $0; sub(/^   "name": "/, "", n); sub(/",?$/, "", n); if (n == want) { print id; exit } }')"
  if [ -z "$id" ]; then
    id="$(ctl -o json programs create --name "$name" "$@" | json_field id)"
  fi
  [ -n "$id" ] || die "could not create programme $name"
  printf '%s\n' "$id"
}

step "a programme sold in batches of 2: the third enrolment opens batch 2"
echo
bold "\$ dunbarctl programs create --name 小源说说 --capacity 2 --name-template '{programme} 第{n}期' --price 199.00 --currency CNY"
XIAOYUAN_PROGRAM="$(find_or_create_program 小源说说 --capacity 2 \
  --name-template "{programme} 第{n}期" --price 199.00 --currency CNY \
  --description "小源的读书会, 每期两人")"
ctl programs get "$XIAOYUAN_PROGRAM"
show enroll "$XIAOYUAN_PROGRAM" "$ZHANG_WEI" --source demo
show enroll "$XIAOYUAN_PROGRAM" "$EMMA" --source demo
show enroll "$XIAOYUAN_PROGRAM" "$WANG_FANG" --source demo
show enroll "$XIAOYUAN_PROGRAM" "$ZHANG_WEI" --source demo
show cohorts list "$XIAOYUAN_PROGRAM"
show roster "$XIAOYUAN_PROGRAM.1"

step "a waitlist programme: buyers queue until the next batch opens"
echo
bold "\$ dunbarctl programs create --name 'Deep Work' --capacity 1 --rollover waitlist"
DEEP_WORK_PROGRAM="$(find_or_create_program "Deep Work" --capacity 1 --rollover waitlist)"
ctl programs get "$DEEP_WORK_PROGRAM"
show enroll "$DEEP_WORK_PROGRAM" "$EMMA" --source demo
show enroll "$DEEP_WORK_PROGRAM" "$XIAO_YUAN" --source demo
show waitlist "$DEEP_WORK_PROGRAM"
# Open the next batch only while someone waits, so re-runs do not keep opening batches.
if ctl -o json waitlist "$DEEP_WORK_PROGRAM" | grep -q '"memberId"'; then
  show cohorts open-next "$DEEP_WORK_PROGRAM"
fi
show cohorts list "$DEEP_WORK_PROGRAM"

step "stats"
show stats "$XIAOYUAN_PROGRAM" --days 7
show stats "$DEEP_WORK_PROGRAM" --days 7

# ---- 7. outreach: a few warm contacts a day -----------------------------------------------------
step "outreach: today's warm contacts for 小源说说, two outcomes, the funnel"
# Every weekday, so the demo shows people whatever day it runs (setting the same policy again is
# naturally idempotent).
show outreach policy set --target-program "$XIAOYUAN_PROGRAM" --weekdays all --quota 5 \
  --timezone Asia/Shanghai --cooldown-days 14
show outreach plan
# plan_task N: the id of the Nth task of today's plan if it is still open, else "": the demo
# completes the first two, so a re-run the same day shows them done instead of completing more.
plan_task() {
  ctl -o json outreach plan | python3 -c '
import json, sys
tasks = json.load(sys.stdin).get("tasks", [])
n = int(sys.argv[1])
print(tasks[n]["id"] if n < len(tasks) and tasks[n].get("status") == "OPEN" else "")' "$1"
}
TASK="$(plan_task 0)"
if [ -n "$TASK" ]; then
  show outreach done "$TASK" interested --note "demo: wants the next batch's dates"
fi
TASK="$(plan_task 1)"
if [ -n "$TASK" ]; then
  show outreach done "$TASK" enrolled --note "demo: paid by WeChat"
else
  echo
  echo "(today's first two tasks already have their outcomes from an earlier run)"
fi
show outreach tasks --date "$(ctl -o json outreach plan | json_field date)"
show outreach funnel
show outreach status

echo
bold "demo done."
if [ "$KEEP_RUNNING" -eq 1 ]; then
  echo
  echo "Redis, membership, cohort and outreach keep running; try for yourself in another shell:"
  echo "  export DUNBAR_ADDR=127.0.0.1:$PORT DUNBAR_COHORT_ADDR=127.0.0.1:$COHORT_PORT DUNBAR_OUTREACH_ADDR=127.0.0.1:$OUTREACH_PORT DUNBAR_TOKEN=\$(cat $TOKEN_SAVE)"
  echo "  $DUNBARCTL_BIN members list"
  echo "  $DUNBARCTL_BIN cohorts list $XIAOYUAN_PROGRAM"
  echo "  $DUNBARCTL_BIN outreach plan"
  echo "Press Ctrl-C to stop them."
  # Wait for either process to end (or Ctrl-C).
  while kill -0 "$MEMBERSHIP_PID" 2>/dev/null && kill -0 "$COHORT_PID" 2>/dev/null &&
    kill -0 "$OUTREACH_PID" 2>/dev/null && kill -0 "$REDIS_PID" 2>/dev/null; do
    sleep 1
  done
  die "a service stopped unexpectedly (see .run/membership.log, .run/cohort.log, .run/outreach.log, .run/redis/redis.log)"
fi
