#!/usr/bin/env bash
# The local demo (README command (a)): installs the Debian packages, builds the services, the
# gateway and dunbarctl (preset default), starts on 127.0.0.1 a private redis-server (AOF on, data
# in RUN_DIR/redis), membership, cohort, outreach (API) and a separate outreach worker process,
# and the HTTP gateway serving the dashboard; seeds a demo tenant (200 contacts with their
# interactions, the programme 私房课 with batch 1 at 46/50, an outreach policy active every day,
# a campaign, a webhook secret); prints the dashboard URL and the demo operator token; then waits
# until Ctrl-C or SIGTERM, stops everything in order and exits 0.
#
#   tools/run-demo.sh                        # build, start, seed, wait for Ctrl-C
#   tools/run-demo.sh --skip-build           # reuse the binaries already built
#   tools/run-demo.sh --no-wait              # seed, print, then stop (a quick check)
#   tools/run-demo.sh --cli-tour             # also show a few dunbarctl commands on the demo data
#   tools/run-demo.sh --run-dir DIR          # data, logs, tokens (default ./.run, env DUNBAR_DEMO_RUN_DIR)
#   tools/run-demo.sh --build-dir DIR        # binaries (default build/default, env DUNBAR_DEMO_BUILD_DIR)
#   tools/run-demo.sh --gateway-port 8080    # dashboard + HTTP API (env DUNBAR_DEMO_GATEWAY_PORT)
#   tools/run-demo.sh --port 50051           # membership (env DUNBAR_DEMO_PORT)
#   tools/run-demo.sh --cohort-port 50052    # cohort (env DUNBAR_DEMO_COHORT_PORT)
#   tools/run-demo.sh --outreach-port 50053  # outreach API (env DUNBAR_DEMO_OUTREACH_PORT)
#
# The URL and the token are also written to RUN_DIR/dashboard.url and RUN_DIR/demo-operator.token.
# Running it again duplicates nothing: data persists in RUN_DIR, tokens and the webhook secret are
# reused, the import merges by handle, interactions are recorded only for contacts without any,
# the programme and campaign are found by name, enrolments are seeded only while fewer than 46
# seats are taken, and the policy is simply set again (tools/demo/seed.py).
set -euo pipefail

CALLER_DIR="$PWD"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${DUNBAR_DEMO_PORT:-50051}"
COHORT_PORT="${DUNBAR_DEMO_COHORT_PORT:-50052}"
OUTREACH_PORT="${DUNBAR_DEMO_OUTREACH_PORT:-50053}"
GATEWAY_PORT="${DUNBAR_DEMO_GATEWAY_PORT:-8080}"
RUN_DIR="${DUNBAR_DEMO_RUN_DIR:-$ROOT/.run}"
BUILD_DIR="${DUNBAR_DEMO_BUILD_DIR:-$ROOT/build/default}"
SKIP_BUILD=0
WAIT=1
CLI_TOUR=0
TENANT="demo"

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }
needs_value() { [ -n "${2:-}" ] || { echo "run-demo: $1 needs a value" >&2; exit 2; }; }

while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1 ;;
    --no-wait) WAIT=0 ;;
    --keep-running) WAIT=1 ;;  # the old flag: waiting is now the default
    --cli-tour) CLI_TOUR=1 ;;
    --port | --cohort-port | --outreach-port | --gateway-port | --run-dir | --build-dir)
      needs_value "$1" "${2:-}"
      case "$1" in
        --port) PORT="$2" ;;
        --cohort-port) COHORT_PORT="$2" ;;
        --outreach-port) OUTREACH_PORT="$2" ;;
        --gateway-port) GATEWAY_PORT="$2" ;;
        --run-dir) RUN_DIR="$2" ;;
        --build-dir) BUILD_DIR="$2" ;;
      esac
      shift ;;
    --port=*) PORT="${1#*=}" ;;
    --cohort-port=*) COHORT_PORT="${1#*=}" ;;
    --outreach-port=*) OUTREACH_PORT="${1#*=}" ;;
    --gateway-port=*) GATEWAY_PORT="${1#*=}" ;;
    --run-dir=*) RUN_DIR="${1#*=}" ;;
    --build-dir=*) BUILD_DIR="${1#*=}" ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run-demo: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for flag_and_value in "--port:$PORT" "--cohort-port:$COHORT_PORT" "--outreach-port:$OUTREACH_PORT" \
  "--gateway-port:$GATEWAY_PORT"; do
  case "${flag_and_value#*:}" in
    '' | *[!0-9]*) echo "run-demo: ${flag_and_value%%:*} must be a number, got '${flag_and_value#*:}'" >&2; exit 2 ;;
  esac
done
if [ "$(printf '%s\n' "$PORT" "$COHORT_PORT" "$OUTREACH_PORT" "$GATEWAY_PORT" | sort -u | wc -l)" -ne 4 ]; then
  echo "run-demo: --port, --cohort-port, --outreach-port and --gateway-port must differ" >&2
  exit 2
fi
# Relative --run-dir and --build-dir are relative to where the command was typed.
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$CALLER_DIR/$RUN_DIR" ;; esac
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$CALLER_DIR/$BUILD_DIR" ;; esac
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"

REDIS_DIR="$RUN_DIR/redis"
TOKENS_FILE="$RUN_DIR/tokens"
TOKEN_SAVE="$RUN_DIR/demo-operator.token"
URL_SAVE="$RUN_DIR/dashboard.url"
COHORT_SERVICE_TOKEN_FILE="$RUN_DIR/cohort-service.token"
OUTREACH_SERVICE_TOKEN_FILE="$RUN_DIR/outreach-service.token"
GATEWAY_SERVICE_TOKEN_FILE="$RUN_DIR/gateway-service.token"
WEBHOOK_SECRETS_FILE="$RUN_DIR/webhook-secrets"
MEMBERSHIP_BIN="$BUILD_DIR/services/membership/membership"
COHORT_BIN="$BUILD_DIR/services/cohort/cohort"
OUTREACH_BIN="$BUILD_DIR/services/outreach/outreach"
GATEWAY_BIN="$BUILD_DIR/services/gateway/gateway"
DUNBARCTL_BIN="$BUILD_DIR/tools/dunbarctl/dunbarctl"
# The worker serves only gRPC health; a unix socket in the run dir keeps it off the port space.
WORKER_SOCKET="$RUN_DIR/outreach-worker.sock"

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
step() { echo; bold "== $*"; }
die() { echo "run-demo: $*" >&2; exit 1; }

# ---- cleanup: stop what we started, in reverse order --------------------------------------------
# name:pid pairs in start order; cleanup stops them last-first (gateway, worker, outreach, cohort,
# membership drain before Redis flushes its AOF).
STARTED=()
stop_process() {  # stop_process NAME PID: SIGTERM, wait up to 25 s (the drain timeout), then SIGKILL
  local name="$1" pid="$2"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 250); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; echo "stopped $name"; return 0; }
    sleep 0.1
  done
  echo "run-demo: $name (pid $pid) did not stop in 25 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$? i entry
  trap - EXIT INT TERM
  if [ ${#STARTED[@]} -gt 0 ]; then echo; bold "== stopping"; fi
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    entry="${STARTED[$i]}"
    stop_process "${entry%%:*}" "${entry#*:}"
    rm -f "$RUN_DIR/${entry%%:*}.pid"
  done
  rm -f "$URL_SAVE"
  exit "$status"
}
trap cleanup EXIT
# While setting up, an interruption is a failure (130/143); once the demo is up and waiting, Ctrl-C
# and SIGTERM are the normal way to stop it (exit 0), see the end of this script.
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. dependencies and build ------------------------------------------------------------------
if [ "$SKIP_BUILD" -eq 0 ]; then
  step "installing dependencies (tools/install-deps.sh)"
  "$ROOT/tools/install-deps.sh"
  if [ "$BUILD_DIR" = "$ROOT/build/default" ]; then
    step "building the services, the gateway and dunbarctl (preset default)"
    cmake --preset default >/dev/null
    cmake --build --preset default -j2 --target membership cohort outreach gateway dunbarctl
  else
    step "building the services, the gateway and dunbarctl in $BUILD_DIR"
    cmake --build "$BUILD_DIR" -j2 --target membership cohort outreach gateway dunbarctl
  fi
fi
for binary in "$MEMBERSHIP_BIN" "$COHORT_BIN" "$OUTREACH_BIN" "$GATEWAY_BIN" "$DUNBARCTL_BIN"; do
  [ -x "$binary" ] || die "$binary is missing (build it, or drop --skip-build)"
done
command -v redis-server >/dev/null || die "redis-server not found (run tools/install-deps.sh)"
command -v python3 >/dev/null || die "python3 not found (apt-get install python3)"

# ---- 2. Redis -----------------------------------------------------------------------------------
step "starting redis-server (AOF on, data in $REDIS_DIR)"
mkdir -p "$REDIS_DIR"
chmod 700 "$RUN_DIR"
# A previous run killed without its trap (kill -9) may have left its processes behind: stop them,
# or the new ones could not take over the ports and the data directory.
stop_leftover() {  # stop_leftover NAME PROCESS_NAME
  local pidfile="$RUN_DIR/$1.pid" old_pid
  [ -f "$pidfile" ] || return 0
  old_pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$old_pid/cmdline" 2>/dev/null | grep -q "$2"; then
    echo "stopping a $1 left over from an earlier run (pid $old_pid)"
    stop_process "$1" "$old_pid"
  fi
  rm -f "$pidfile"
}
stop_leftover gateway gateway
stop_leftover outreach-worker outreach
stop_leftover outreach outreach
stop_leftover cohort cohort
stop_leftover membership membership
stop_leftover redis redis-server
# A unix socket keeps Redis off the network; its path must fit in sun_path (108 bytes), so a very
# deep run dir falls back to a loopback port.
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
if [ "${#WORKER_SOCKET}" -ge 100 ]; then WORKER_SOCKET=""; fi
rm -f "$SOCKET" "${WORKER_SOCKET:-/nonexistent}"
# Every process runs in its own session (setsid), so a Ctrl-C reaches only this script, whose
# trap then stops them in order.
setsid redis-server "${REDIS_LISTEN[@]}" --dir "$REDIS_DIR" --appendonly yes --appendfsync everysec \
  --save "" --daemonize no --logfile "$REDIS_DIR/redis.log" &
REDIS_PID=$!
STARTED+=("redis:$REDIS_PID")
echo "$REDIS_PID" >"$RUN_DIR/redis.pid"
for _ in $(seq 1 100); do
  if [ "$("${REDIS_PING[@]}" 2>/dev/null)" = "PONG" ]; then break; fi
  kill -0 "$REDIS_PID" 2>/dev/null || { tail -n 20 "$REDIS_DIR/redis.log" >&2; die "redis-server exited"; }
  sleep 0.1
done
[ "$("${REDIS_PING[@]}" 2>/dev/null)" = "PONG" ] || die "redis-server did not answer PING in 10 s"
echo "redis-server pid $REDIS_PID at $REDIS_URL"

# ---- 3. tokens and the webhook secret -----------------------------------------------------------
step "tokens for tenant '$TENANT' and the services"
ctl() {
  "$DUNBARCTL_BIN" --addr "127.0.0.1:$PORT" --cohort-addr "127.0.0.1:$COHORT_PORT" \
    --outreach-addr "127.0.0.1:$OUTREACH_PORT" "$@"
}
# saved_token FILE: the token saved in FILE if its hash is still in the token file, else "".
saved_token() {
  local token hash
  [ -s "$1" ] && [ -f "$TOKENS_FILE" ] || return 0
  token="$(head -n 1 "$1")"
  hash="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
  if grep -q "^$hash " "$TOKENS_FILE"; then printf '%s' "$token"; fi
}
# ensure_token FILE MINT_ARGS...: keeps the token in FILE, minting one the first time.
ensure_token() {
  local file="$1"
  shift
  if [ -z "$(saved_token "$file")" ]; then
    local token
    token="$(ctl tokens mint "$@" --tokens-file "$TOKENS_FILE")"
    (umask 077 && printf '%s\n' "$token" >"$file")
    echo "minted $(basename "$file")"
  else
    echo "reusing $(basename "$file")"
  fi
}
ensure_token "$TOKEN_SAVE" --tenant "$TENANT" --role operator
ensure_token "$COHORT_SERVICE_TOKEN_FILE" --role service  # cohort -> membership (admission)
ensure_token "$OUTREACH_SERVICE_TOKEN_FILE" --role service  # outreach -> membership, cohort
ensure_token "$GATEWAY_SERVICE_TOKEN_FILE" --role service  # gateway: payment webhooks
TOKEN="$(saved_token "$TOKEN_SAVE")"
export DUNBAR_TOKEN="$TOKEN"
# The payment provider's signing secret for the demo tenant ("tenant secret" lines), made once.
if ! grep -q "^$TENANT " "$WEBHOOK_SECRETS_FILE" 2>/dev/null; then
  (umask 077 && printf '# tenant secret (HMAC-SHA256 key of the payment webhook)\n%s %s\n' \
    "$TENANT" "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" >>"$WEBHOOK_SECRETS_FILE")
  echo "made a webhook secret for '$TENANT' ($WEBHOOK_SECRETS_FILE)"
fi

# ---- 4. the services ----------------------------------------------------------------------------
# start NAME HEALTH_CHECK_CMD -- COMMAND...: starts COMMAND in its own session with its log in
# RUN_DIR/NAME.log, then polls HEALTH_CHECK_CMD (a shell command) until it succeeds; gives up at
# once if the process exits (a port in use, a bad flag) and shows the log's tail.
start() {
  local name="$1" check="$2" pid
  shift 3
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 &
  pid=$!
  STARTED+=("$name:$pid")
  echo "$pid" >"$RUN_DIR/$name.pid"
  for _ in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$RUN_DIR/$name.log" >&2
      die "$name exited (is its port in use? see the options in --help)"
    fi
    if eval "$check" >/dev/null 2>&1; then
      echo "$name pid $pid is up (log: $RUN_DIR/$name.log)"
      return 0
    fi
    sleep 0.2
  done
  tail -n 20 "$RUN_DIR/$name.log" >&2
  die "$name is not healthy after 30 s"
}
grpc_health() { "$DUNBARCTL_BIN" --addr "$1" --timeout 1 health; }
# http_ok PORT PATH: a 200 answer to GET PATH (bash's /dev/tcp: no curl needed). A subshell, so a
# refused connection fails the check instead of the script.
http_ok() (
  local status
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  IFS= read -r -t 2 status <&3 || status=""
  [[ "$status" == *" 200 "* ]]
)

step "starting membership, cohort, outreach (API and worker) and the gateway on 127.0.0.1"
start membership "grpc_health 127.0.0.1:$PORT" -- \
  "$MEMBERSHIP_BIN" --listen "127.0.0.1:$PORT" --redis-url "$REDIS_URL" \
  --tokens-file "$TOKENS_FILE" --default-country CN
start cohort "grpc_health 127.0.0.1:$COHORT_PORT" -- \
  "$COHORT_BIN" --listen "127.0.0.1:$COHORT_PORT" --redis-url "$REDIS_URL" \
  --tokens-file "$TOKENS_FILE" --membership-addr "127.0.0.1:$PORT" \
  --membership-token-file "$COHORT_SERVICE_TOKEN_FILE"
OUTREACH_FLAGS=(--redis-url "$REDIS_URL" --tokens-file "$TOKENS_FILE"
  --membership-addr "127.0.0.1:$PORT" --cohort-addr "127.0.0.1:$COHORT_PORT"
  --service-token-file "$OUTREACH_SERVICE_TOKEN_FILE")
start outreach "grpc_health 127.0.0.1:$OUTREACH_PORT" -- \
  "$OUTREACH_BIN" --mode server --listen "127.0.0.1:$OUTREACH_PORT" "${OUTREACH_FLAGS[@]}"
if [ -n "$WORKER_SOCKET" ]; then
  start outreach-worker "grpc_health unix:$WORKER_SOCKET" -- \
    "$OUTREACH_BIN" --mode worker --listen "unix:$WORKER_SOCKET" "${OUTREACH_FLAGS[@]}"
else  # run dir too deep for a socket path: any free port, checked only for being alive
  start outreach-worker "true" -- \
    "$OUTREACH_BIN" --mode worker --listen "127.0.0.1:0" "${OUTREACH_FLAGS[@]}"
fi
start gateway "http_ok $GATEWAY_PORT /readyz" -- \
  "$GATEWAY_BIN" --listen "127.0.0.1:$GATEWAY_PORT" --membership-addr "127.0.0.1:$PORT" \
  --cohort-addr "127.0.0.1:$COHORT_PORT" --outreach-addr "127.0.0.1:$OUTREACH_PORT" \
  --service-token-file "$GATEWAY_SERVICE_TOKEN_FILE" --webhook-secrets-file "$WEBHOOK_SECRETS_FILE"

# ---- 5. the demo tenant -------------------------------------------------------------------------
step "seeding the demo tenant '$TENANT' (tools/demo/seed.py)"
DUNBAR_ADDR="127.0.0.1:$PORT" DUNBAR_COHORT_ADDR="127.0.0.1:$COHORT_PORT" \
  DUNBAR_OUTREACH_ADDR="127.0.0.1:$OUTREACH_PORT" \
  python3 "$ROOT/tools/demo/seed.py" --dunbarctl "$DUNBARCTL_BIN" --run-dir "$RUN_DIR" ||
  die "seeding failed (logs in $RUN_DIR)"
PROGRAM_ID="$(cat "$RUN_DIR/demo-program.id")"

if [ "$CLI_TOUR" -eq 1 ]; then
  step "a short dunbarctl tour of the demo data"
  for args in "cohorts list $PROGRAM_ID" "rank -n 5" "outreach plan" "outreach funnel" "outreach status"; do
    echo
    bold "\$ dunbarctl $args"
    # shellcheck disable=SC2086 # the words of $args are the command's arguments
    ctl $args
  done
fi

DASHBOARD_URL="http://127.0.0.1:$GATEWAY_PORT/"
printf '%s\n' "$DASHBOARD_URL" >"$URL_SAVE"
step "ready"
echo "dashboard: $DASHBOARD_URL"
echo "operator token: $TOKEN"
echo "(also in $URL_SAVE and $TOKEN_SAVE; logs in $RUN_DIR/*.log)"
echo "CLI: export DUNBAR_ADDR=127.0.0.1:$PORT DUNBAR_COHORT_ADDR=127.0.0.1:$COHORT_PORT" \
  "DUNBAR_OUTREACH_ADDR=127.0.0.1:$OUTREACH_PORT DUNBAR_TOKEN=\$(cat $TOKEN_SAVE)"

if [ "$WAIT" -eq 0 ]; then
  exit 0
fi
echo "Press Ctrl-C to stop everything."
trap 'exit 0' INT TERM
# Wait for a stop signal, or for any process to end on its own (that is a failure). `wait` on a
# background sleep returns at once when a signal arrives, so Ctrl-C is handled without delay.
while true; do
  for entry in "${STARTED[@]}"; do
    kill -0 "${entry#*:}" 2>/dev/null || die "${entry%%:*} stopped unexpectedly (see $RUN_DIR/${entry%%:*}.log)"
  done
  sleep 1 &
  wait $! || true
done
