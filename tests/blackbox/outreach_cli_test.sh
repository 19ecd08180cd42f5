#!/usr/bin/env bash
# Black-box test: the real `membership`, `cohort` and `outreach` binaries (outreach in --mode both:
# API and queue worker in one process) and the real `dunbarctl`, exactly as an operator runs them,
# against a redis-server of their own. Four warm contacts and a programme; the policy targets the
# programme on every weekday (so the test does not depend on the day); `outreach plan` lists the
# people and stays stable; `outreach done` outcomes reach the other services (ENROLLED seats the
# member: `dunbarctl roster`; OPTED_OUT sets do-not-contact: `members get`); retries do not
# double-apply; the funnel counts the outcomes; exit codes; SIGTERM -> exit 0 for all three.
#
#   outreach_cli_test.sh MEMBERSHIP_BIN COHORT_BIN OUTREACH_BIN DUNBARCTL_BIN
set -euo pipefail

membership_bin=$1
cohort_bin=$2
outreach_bin=$3
dunbarctl_bin=$4

work=$(mktemp -d /tmp/dunbar-blackbox-outreach-XXXXXX)
redis_pid=""
membership_pid=""
cohort_pid=""
outreach_pid=""
cleanup() {
  for pid in $outreach_pid $cohort_pid $membership_pid $redis_pid; do
    { kill -KILL "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in outreach cohort membership; do
    echo "--- $log log (last 20 lines)" >&2
    tail -n 20 "$work/$log.log" >&2 || true
  done
  exit 1
}

json_get() {  # json_get FILE PYTHON_EXPR  (the parsed document is `d`)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

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

wait_serving() {  # wait_serving NAME PID ADDR
  for _ in $(seq 150); do
    kill -0 "$2" 2>/dev/null || fail "$1 exited at start"
    "$dunbarctl_bin" --addr "$3" --timeout 1 health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "$1 never became SERVING"
}

stop_gracefully() {  # stop_gracefully NAME PID: SIGTERM, then the exit code must be 0
  kill -TERM "$2"
  local code=0
  wait "$2" || code=$?
  [ "$code" -eq 0 ] || fail "$1 exited $code after SIGTERM"
}

# --- Redis of our own: unix socket, AOF on (the services share it, each in its own keyspace).
redis-server --port 0 --unixsocket "$work/redis.sock" --unixsocketperm 700 --dir "$work" \
  --save "" --appendonly yes --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 100); do
  redis-cli -s "$work/redis.sock" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -s "$work/redis.sock" ping | grep -q PONG || fail "redis-server did not start"

# --- Tokens: an operator for tenant acme, and the service token cohort and outreach present.
token=$("$dunbarctl_bin" tokens mint --tenant acme --role operator --tokens-file "$work/tokens" \
  2>/dev/null)
[[ "$token" == dbr_* ]] || fail "tokens mint printed '$token'"
"$dunbarctl_bin" tokens mint --role service --tokens-file "$work/tokens" \
  >"$work/service-token" 2>/dev/null || fail "could not mint a service token"

membership_port=$(free_port)
"$membership_bin" --listen "127.0.0.1:$membership_port" --redis-url "unix://$work/redis.sock" \
  --tokens-file "$work/tokens" >"$work/membership.log" 2>&1 &
membership_pid=$!
wait_serving membership "$membership_pid" "127.0.0.1:$membership_port"

cohort_port=$(free_port)
"$cohort_bin" --listen "127.0.0.1:$cohort_port" --redis-url "unix://$work/redis.sock" \
  --tokens-file "$work/tokens" --membership-addr "127.0.0.1:$membership_port" \
  --membership-token-file "$work/service-token" --drain-timeout-seconds 5 \
  >"$work/cohort.log" 2>&1 &
cohort_pid=$!
wait_serving cohort "$cohort_pid" "127.0.0.1:$cohort_port"

outreach_port=$(free_port)
"$outreach_bin" --listen "127.0.0.1:$outreach_port" --redis-url "unix://$work/redis.sock" \
  --tokens-file "$work/tokens" --membership-addr "127.0.0.1:$membership_port" \
  --cohort-addr "127.0.0.1:$cohort_port" --service-token-file "$work/service-token" \
  --mode both --drain-timeout-seconds 5 >"$work/outreach.log" 2>&1 &
outreach_pid=$!
wait_serving outreach "$outreach_pid" "127.0.0.1:$outreach_port"

export DUNBAR_ADDR="127.0.0.1:$membership_port" DUNBAR_COHORT_ADDR="127.0.0.1:$cohort_port"
export DUNBAR_OUTREACH_ADDR="127.0.0.1:$outreach_port" DUNBAR_TOKEN="$token"
ctl() { "$dunbarctl_bin" "$@"; }

# --- Four warm contacts: each with a connection point and interactions.
names=(王小明 李娜 "Emma Clarke" 张伟)
members=()
i=0
for name in "${names[@]}"; do
  i=$((i + 1))
  ctl -o json members create --name "$name" --wechat "bbx_wechat_$i" \
    --connection-point "读书会 $i" --request-id "bbx-member-$i" >"$work/member.json" ||
    fail "members create $name"
  member=$(json_get "$work/member.json" 'd["id"]')
  members+=("$member")
  ctl interactions record "$member" --kind commented --request-id "bbx-int-$i-a" >/dev/null ||
    fail "interactions record $name"
  ctl interactions record "$member" --kind attended --request-id "bbx-int-$i-b" >/dev/null ||
    fail "interactions record $name (2)"
done

# --- A programme to enrol into (open entry), and the policy targeting it on every weekday.
ctl -o json programs create --name 小源说说 --capacity 10 --request-id bbx-program-1 \
  >"$work/program.json" || fail "programs create"
program=$(json_get "$work/program.json" 'd["id"]')

expect_out policy-default 0 "never (these are the defaults)" outreach policy
expect_out policy-set 0 "target         $program" outreach policy set --weekdays all --quota 4 \
  --timezone UTC --target-program "$program" --cooldown-days 14
grep -qF "weekdays       every day" "$work/policy-set.out" ||
  fail "policy set: $(cat "$work/policy-set.out")"
expect_out policy-get 0 "quota          4 a day" outreach policy get
expect_out policy-bad 2 "error: INVALID_ARGUMENT: --weekdays" outreach policy set --weekdays funday
expect_out policy-unknown-program 3 "error: NOT_FOUND" outreach policy set --target-program p_nope

# --- The morning screen: everyone is warm and eligible, so the quota of 4 is filled.
expect_out plan 0 "4 people to contact" outreach plan
for name in "${names[@]}"; do
  grep -qF ". $name · WeChat bbx_wechat_" "$work/plan.out" || fail "plan lacks $name: $(cat "$work/plan.out")"
done
grep -qF "    met via 读书会 " "$work/plan.out" || fail "plan shows no connection point"
grep -qE "^    task [^ ]+ · open$" "$work/plan.out" || fail "plan shows no open task line"
ctl -o json outreach plan >"$work/plan.json" || fail "plan -o json"
ctl -o json outreach plan >"$work/plan-again.json" || fail "plan -o json (again)"
task_ids=$(json_get "$work/plan.json" '" ".join(t["id"] for t in d["tasks"])')
[ "$(json_get "$work/plan-again.json" '" ".join(t["id"] for t in d["tasks"])')" = "$task_ids" ] ||
  fail "the plan changed between two calls"
task_of() {  # task_of INDEX: "TASK_ID MEMBER_ID" of the plan's INDEXth task
  json_get "$work/plan.json" "d['tasks'][$1]['id'] + ' ' + d['tasks'][$1]['memberId']"
}
read -r enrol_task enrol_member <<<"$(task_of 0)"
read -r optout_task optout_member <<<"$(task_of 1)"
read -r interested_task _ <<<"$(task_of 2)"
expect_out tasks 0 "(4 tasks)" outreach tasks --date "$(json_get "$work/plan.json" 'd["date"]')" \
  --status open

# --- Outcomes and their effects in the other services.
expect_out done-enrolled 0 "enrolled in batch $program.1 seat 1" \
  outreach done "$enrol_task" ENROLLED --note "paid" --request-id bbx-done-1
grep -qF "contact recorded in membership" "$work/done-enrolled.out" ||
  fail "done enrolled: $(cat "$work/done-enrolled.out")"
expect_out roster 0 "(1 member)" roster "$program.1"
grep -qE "^1 +$enrol_member " "$work/roster.out" || fail "roster: $(cat "$work/roster.out")"
# A retry with the same request id answers the same; a new completion of a done task is refused.
expect_out done-retry 0 "enrolled in batch $program.1 seat 1" \
  outreach done "$enrol_task" enrolled --note "paid" --request-id bbx-done-1
expect_out done-twice 3 "error: FAILED_PRECONDITION" outreach done "$enrol_task" declined
expect_out roster-after-retry 0 "(1 member)" roster "$program.1"

expect_out done-opted-out 0 "do-not-contact set in membership" \
  outreach done "$optout_task" opted-out
expect_out members-get 0 "do_not_contact" members get "$optout_member"

expect_out done-interested 0 "interested: " outreach done "$interested_task" interested
expect_out done-bad-outcome 2 "error: INVALID_ARGUMENT: OUTCOME: 'maybe'" \
  outreach done "$interested_task" maybe

# --- The funnel counts exactly those three outcomes.
ctl -o json outreach funnel >"$work/funnel.json" || fail "funnel -o json"
counts=$(json_get "$work/funnel.json" \
  '",".join(str(d["totals"][k]) for k in ("contacted","enrolled","optedOut","interested","declined"))')
[ "$counts" = "3,1,1,1,0" ] || fail "funnel totals $counts: $(cat "$work/funnel.json")"
expect_out funnel 0 "contacted    3" outreach funnel
expect_out status 0 "dead letters:" outreach status
expect_out dead-letters 0 "" outreach dead-letters

# --- Exit codes: unknown task 3, usage 2, an unreachable outreach 4.
expect_out unknown-task 3 "error: NOT_FOUND" outreach done t_does_not_exist replied
expect_out usage 2 "error: INVALID_ARGUMENT: --date" outreach plan --date 2024-13-01
expect_out unreachable 4 "error: UNAVAILABLE" --outreach-addr "127.0.0.1:$(free_port)" \
  --timeout 2 outreach plan
expect_out no-token 3 "error: UNAUTHENTICATED" --token "" outreach plan

# --- SIGTERM: each service drains and exits 0 (outreach first: it calls the other two).
stop_gracefully outreach "$outreach_pid"
outreach_pid=""
stop_gracefully cohort "$cohort_pid"
cohort_pid=""
stop_gracefully membership "$membership_pid"
membership_pid=""
echo "blackbox: outreach CLI passed"
