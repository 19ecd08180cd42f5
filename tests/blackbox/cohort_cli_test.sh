#!/usr/bin/env bash
# Black-box test: the real `membership` and `cohort` binaries and the real `dunbarctl`, exactly as an
# operator runs them, against a redis-server of their own. Checks rollover into batch 2 with a
# Chinese batch-name template, idempotent retries, the roster, stats and waitlist output, a paid
# programme gated by a membership entitlement, exit codes, and a graceful SIGTERM.
#
#   cohort_cli_test.sh MEMBERSHIP_BIN COHORT_BIN DUNBARCTL_BIN
# shellcheck disable=SC2015  # `A && B || fail`: fails when either check fails, as intended.
set -euo pipefail

membership_bin=$1
cohort_bin=$2
dunbarctl_bin=$3

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
blackbox_init cohort

# --- Redis of our own: unix socket, AOF on (both services share it, each in its own keyspace).
start_redis

# --- Tokens: an operator for tenant acme, and the service token cohort presents to membership.
mint_tokens
mint_service_token

start_membership_and_cohort

export DUNBAR_ADDR="127.0.0.1:$membership_port" DUNBAR_COHORT_ADDR="127.0.0.1:$cohort_port"
export DUNBAR_TOKEN="$token"

# --- Three members.
members=()
for name in 王小明 李娜 "Emma Clarke"; do
  ctl -o json members create --name "$name" >"$work/member.json" || fail "members create $name"
  members+=("$(json_get "$work/member.json" 'd["id"]')")
done
m1=${members[0]} m2=${members[1]} m3=${members[2]}

# --- A programme of capacity 2 with a Chinese batch name: the third member rolls into batch 2.
ctl -o json programs create --name 小源说说 --capacity 2 --name-template "{programme} 第{n}期" \
  --price 199.00 --currency CNY --request-id bbx-program-1 >"$work/program.json" ||
  fail "programs create"
program=$(json_get "$work/program.json" 'd["id"]')
[ "$(json_get "$work/program.json" 'd["price"]["amountMinor"]')" = "19900" ] ||
  fail "price was not sent in minor units"
ctl -o json programs create --name 小源说说 --capacity 2 --name-template "{programme} 第{n}期" \
  --price 199.00 --currency CNY --request-id bbx-program-1 >"$work/program-retry.json"
[ "$(json_get "$work/program-retry.json" 'd["id"]')" = "$program" ] ||
  fail "retrying programs create made another programme"

expect_out enroll1 0 "ENROLLED $m1 in 小源说说 第1期 (cohort 1), seat 1" \
  enroll "$program" "$m1" --request-id bbx-enroll-1
expect_out enroll2 0 "ENROLLED $m2 in 小源说说 第1期 (cohort 1), seat 2" \
  enroll "$program" "$m2" --request-id bbx-enroll-2
grep -qF "cohort 1 is now full; cohort 2 opened: 小源说说 第2期" "$work/enroll2.out" ||
  fail "enroll2 did not report the rollover: $(cat "$work/enroll2.out")"
expect_out enroll3 0 "ENROLLED $m3 in 小源说说 第2期 (cohort 2), seat 1" \
  enroll "$program" "$m3" --request-id bbx-enroll-3
# The same request id replays the same answer; a new one finds the existing seat.
expect_out enroll3-retry 0 "ENROLLED $m3 in 小源说说 第2期 (cohort 2), seat 1" \
  enroll "$program" "$m3" --request-id bbx-enroll-3
expect_out enroll1-again 0 "ALREADY_ENROLLED $m1 in 小源说说 第1期 (cohort 1), seat 1" \
  enroll "$program" "$m1"

expect_out cohorts 0 "[██████████] 2/2" cohorts list "$program"
grep -qE "^1 +小源说说 第1期 +\[██████████\] 2/2 +full" "$work/cohorts.out" ||
  fail "batch 1 row: $(cat "$work/cohorts.out")"
grep -qE "^2 +小源说说 第2期 +\[█████░░░░░\] 1/2 +open" "$work/cohorts.out" ||
  fail "batch 2 row: $(cat "$work/cohorts.out")"

expect_out roster 0 "(2 members)" roster "$program.1"
grep -qE "^1 +$m1 " "$work/roster.out" && grep -qE "^2 +$m2 " "$work/roster.out" ||
  fail "roster of batch 1: $(cat "$work/roster.out")"
ctl -o json roster "$program.2" --all >"$work/roster2.json"
[ "$(json_get "$work/roster2.json" '[e["memberId"] for e in d["entries"]]')" = "['$m3']" ] ||
  fail "roster of batch 2: $(cat "$work/roster2.json")"

expect_out stats 0 "小源说说 ($program): 3 enrolled in 2 batches, 0 waiting" stats "$program"
grep -qE "^1 +小源说说 第1期 +\[██████████\] 2/2 +full .*[0-9]+s$" "$work/stats.out" ||
  fail "stats shows no time to fill for batch 1: $(cat "$work/stats.out")"
grep -qF ": 3 in total" "$work/stats.out" || fail "stats daily total: $(cat "$work/stats.out")"

# --- Transfer and withdraw: m3 moves into batch 1 after m2 leaves it.
expect_out transfer-full 3 "error: RESOURCE_EXHAUSTED" transfer "$m3" "$program.2" "$program.1"
expect_out withdraw 0 "WITHDRAWN $m2 from $program" withdraw "$program" "$m2" --reason refund
expect_out transfer 0 "TRANSFERRED $m3 from $program.2 to 小源说说 第1期 (cohort 1), seat" \
  transfer "$m3" "$program.2" "$program.1"

# --- A WAITLIST programme of capacity 1: the second member queues until the next batch opens.
ctl -o json programs create --name "Deep Work" --capacity 1 --rollover waitlist \
  >"$work/waitlist-program.json" || fail "programs create (waitlist)"
queued=$(json_get "$work/waitlist-program.json" 'd["id"]')
expect_out wl-enroll1 0 "ENROLLED $m1 in Deep Work 1 (cohort 1), seat 1" enroll "$queued" "$m1"
expect_out wl-enroll2 0 "WAITLISTED $m2 at position 1 for $queued" enroll "$queued" "$m2"
expect_out wl-enroll3 0 "WAITLISTED $m3 at position 2 for $queued" enroll "$queued" "$m3"
expect_out waitlist 0 "2 waiting for $queued" waitlist "$queued"
grep -qE "^1 +$m2 " "$work/waitlist.out" && grep -qE "^2 +$m3 " "$work/waitlist.out" ||
  fail "waitlist order: $(cat "$work/waitlist.out")"
expect_out open-next 0 "opened cohort 2: Deep Work 2" cohorts open-next "$queued"
grep -qF "moved 1 from the waitlist: $m2" "$work/open-next.out" ||
  fail "open-next did not promote the head: $(cat "$work/open-next.out")"
expect_out waitlist-after 0 "1 waiting for $queued" waitlist "$queued"

# --- A paid programme: entry needs membership's entitlement.
ctl -o json programs create --name "付费营" --capacity 5 --requires-entitlement \
  --price 99 --currency CNY >"$work/paid.json" || fail "programs create (paid)"
paid=$(json_get "$work/paid.json" 'd["id"]')
expect_out paid-refused 3 "error: FAILED_PRECONDITION" enroll "$paid" "$m1"
ctl entitlements grant --member "$m1" --program "$paid" --order bbx-order-1 --amount-minor 9900 \
  --currency CNY >/dev/null || fail "entitlements grant"
expect_out paid-enrolled 0 "ENROLLED $m1 in 付费营 1 (cohort 1), seat 1" enroll "$paid" "$m1"

# --- Exit codes: server errors 3, usage errors 2, an unreachable service 4.
expect_out unknown-program 3 "error: NOT_FOUND" enroll p_does_not_exist "$m1"
expect_out unknown-member 3 "error: NOT_FOUND" enroll "$program" m_does_not_exist
expect_out missing-cohort 3 "error: NOT_FOUND" roster "$program.9"
expect_out usage 2 "error: INVALID_ARGUMENT: --price" programs create --name x --price 1.999 \
  --currency CNY
expect_out unreachable 4 "error: UNAVAILABLE" --cohort-addr "127.0.0.1:$(free_port)" \
  --timeout 2 stats "$program"
expect_out no-token 3 "error: UNAUTHENTICATED" --token "" programs list

# --- SIGTERM: cohort drains and exits 0.
stop_gracefully cohort
echo "blackbox: cohort CLI passed"
