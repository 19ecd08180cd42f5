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
# shellcheck disable=SC1010  # `outreach done ...` below is a dunbarctl command, not `done`.
set -euo pipefail

membership_bin=$1
cohort_bin=$2
outreach_bin=$3
dunbarctl_bin=$4

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
blackbox_init outreach

# --- Redis of our own: unix socket, AOF on (the services share it, each in its own keyspace).
start_redis

# --- Tokens: an operator for tenant acme, and the service token cohort and outreach present.
mint_tokens
mint_service_token

start_membership_and_cohort

outreach_port=$(free_port)
start_service outreach "$outreach_port" "$outreach_bin" \
  --membership-addr "127.0.0.1:$membership_port" --cohort-addr "127.0.0.1:$cohort_port" \
  --service-token-file "$work/service-token" --mode both --drain-timeout-seconds 5

export DUNBAR_ADDR="127.0.0.1:$membership_port" DUNBAR_COHORT_ADDR="127.0.0.1:$cohort_port"
export DUNBAR_OUTREACH_ADDR="127.0.0.1:$outreach_port" DUNBAR_TOKEN="$token"

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
stop_gracefully outreach
stop_gracefully cohort
stop_gracefully membership
echo "blackbox: outreach CLI passed"
