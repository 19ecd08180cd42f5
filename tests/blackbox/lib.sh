# shellcheck shell=bash
# Shared helpers for the black-box tests: a private work directory cleaned up on exit, a
# redis-server of the test's own on a unix socket, services started as an operator starts them,
# and assertions that print the services' log tails when they fail.
#
# The sourcing script sets `dunbarctl_bin` (the dunbarctl binary) before calling these helpers:
#
#   set -euo pipefail
#   dunbarctl_bin=$2
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   blackbox_init cohort                       # $work, cleanup trap
#   start_redis                                # $work/redis.sock
#   mint_tokens                                # $token (operator), $work/tokens
#   mint_service_token                         # $work/service-token
#   membership_port=$(free_port)
#   start_service membership "$membership_port" "$membership_bin"
#   stop_gracefully membership
#
# Every process a helper starts is registered: cleanup kills what is still running (newest
# first), and `fail` prints the last lines of each started service's log (newest first).

blackbox_pids=()              # processes cleanup kills, in start order
blackbox_services=()          # services start_service started, in start order (log NAME.log)
declare -gA blackbox_service_pid  # NAME -> pid

# blackbox_init NAME: creates the work directory $work (/tmp/dunbar-blackbox-NAME-XXXXXX) and
# installs the EXIT trap that kills the registered processes and removes it.
blackbox_init() {
  : "${dunbarctl_bin:?set dunbarctl_bin before blackbox_init}"
  work=$(mktemp -d "/tmp/dunbar-blackbox-$1-XXXXXX")
  trap blackbox_cleanup EXIT
}

blackbox_cleanup() {
  local i
  for ((i = ${#blackbox_pids[@]} - 1; i >= 0; i--)); do
    { kill -KILL "${blackbox_pids[i]}" && wait "${blackbox_pids[i]}"; } 2>/dev/null || true
  done
  rm -rf "$work"
}

# forget_pid PID: the process has been reaped; cleanup must not signal a recycled pid.
forget_pid() {
  local kept=() pid
  for pid in "${blackbox_pids[@]}"; do
    [ "$pid" = "$1" ] || kept+=("$pid")
  done
  blackbox_pids=("${kept[@]}")
}

fail() {
  echo "FAIL: $*" >&2
  local i
  for ((i = ${#blackbox_services[@]} - 1; i >= 0; i--)); do
    echo "--- ${blackbox_services[i]} log (last 20 lines)" >&2
    tail -n 20 "$work/${blackbox_services[i]}.log" >&2 || true
  done
  exit 1
}

json_get() {  # json_get FILE PYTHON_EXPR  (the parsed document is `d`)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ctl() { "$dunbarctl_bin" "$@"; }

# expect_out NAME EXPECTED_EXIT PATTERN ARGS...: runs dunbarctl ARGS, checks the exit code and that
# stdout+stderr contain PATTERN (a fixed string). The output stays in $work/NAME.out.
expect_out() {
  local name=$1 want_code=$2 pattern=$3
  shift 3
  local code=0
  "$dunbarctl_bin" "$@" >"$work/$name.out" 2>&1 || code=$?
  [ "$code" -eq "$want_code" ] ||
    fail "$name: exit $code, expected $want_code; output: $(cat "$work/$name.out")"
  grep -qF -- "$pattern" "$work/$name.out" ||
    fail "$name: no '$pattern' in: $(cat "$work/$name.out")"
}

# start_redis: a redis-server of our own on $work/redis.sock (no TCP port), AOF on.
start_redis() {
  redis-server --port 0 --unixsocket "$work/redis.sock" --unixsocketperm 700 --dir "$work" \
    --save "" --appendonly yes --logfile "$work/redis.log" &
  blackbox_pids+=($!)
  for _ in $(seq 100); do
    redis-cli -s "$work/redis.sock" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -s "$work/redis.sock" ping | grep -q PONG || fail "redis-server did not start"
}

# mint_tokens: mints an operator token for tenant acme into $work/tokens and sets $token to it.
mint_tokens() {
  token=$("$dunbarctl_bin" tokens mint --tenant acme --role operator --tokens-file "$work/tokens" \
    2>/dev/null)
  [[ "$token" == dbr_* ]] || fail "tokens mint printed '$token'"
}

# mint_service_token: the token the services present to each other, in $work/service-token.
mint_service_token() {
  "$dunbarctl_bin" tokens mint --role service --tokens-file "$work/tokens" \
    >"$work/service-token" 2>/dev/null || fail "could not mint a service token"
}

# start_service NAME PORT BIN [FLAGS...]: runs BIN on 127.0.0.1:PORT against our redis and tokens
# (plus FLAGS), logging to $work/NAME.log, and waits until it is SERVING.
start_service() {
  local name=$1 port=$2 bin=$3
  shift 3
  "$bin" --listen "127.0.0.1:$port" --redis-url "unix://$work/redis.sock" \
    --tokens-file "$work/tokens" "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  blackbox_pids+=("$pid")
  blackbox_services+=("$name")
  blackbox_service_pid[$name]=$pid
  wait_serving "$name" "$pid" "127.0.0.1:$port"
}

# start_membership_and_cohort: membership, then cohort calling it with the service token
# (mint_service_token first), from $membership_bin and $cohort_bin; sets $membership_port and
# $cohort_port.
start_membership_and_cohort() {
  membership_port=$(free_port)
  start_service membership "$membership_port" "${membership_bin:?}"
  cohort_port=$(free_port)
  start_service cohort "$cohort_port" "${cohort_bin:?}" \
    --membership-addr "127.0.0.1:$membership_port" \
    --membership-token-file "$work/service-token" --drain-timeout-seconds 5
}

wait_serving() {  # wait_serving NAME PID ADDR
  for _ in $(seq 150); do
    kill -0 "$2" 2>/dev/null || fail "$1 exited at start"
    "$dunbarctl_bin" --addr "$3" --timeout 1 health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "$1 never became SERVING"
}

stop_gracefully() {  # stop_gracefully NAME: SIGTERM, then the exit code must be 0
  local pid=${blackbox_service_pid[$1]:-}
  [ -n "$pid" ] || fail "stop_gracefully: no service $1 was started"
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  forget_pid "$pid"
  [ "$code" -eq 0 ] || fail "$1 exited $code after SIGTERM"
}
