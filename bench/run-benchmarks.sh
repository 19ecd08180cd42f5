#!/usr/bin/env bash
# Runs every figure of BENCHMARKS.md on this machine: its own redis-server(s) and services on
# loopback, the load tool against them, each command printed before it runs.
#
#   bench/run-benchmarks.sh                          # build into build/bench, run all (~8 min)
#   DURATION_S=2 BIG_CONTACTS=100000 bench/run-benchmarks.sh   # quick smoke run
#   SKIP_BUILD=1 BUILD_DIR=build/default bench/run-benchmarks.sh
#   ONLY=model bench/run-benchmarks.sh  # one section: model | crud | rank | import | fsync | enroll
#                                       # | outreach
#
# Output goes to $OUT_DIR (default: a new /tmp/dunbar-bench-results.XXXX): results.md (the
# markdown rows with the command above each table), results.jsonl (one JSON object per figure),
# machine.txt, and the full log. Every server this script starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/bench}
DURATION_S=${DURATION_S:-5}     # measured seconds per figure
WARMUP_S=${WARMUP_S:-1}         # unrecorded warm-up per figure
CHANNELS=${CHANNELS:-4}         # HTTP/2 connections shared by the clients
SMALL_CONTACTS=${SMALL_CONTACTS:-10000}
BIG_CONTACTS=${BIG_CONTACTS:-1000000}
IMPORT_ROWS=${IMPORT_ROWS:-100000}
IMPORT_STREAMS=${IMPORT_STREAMS:-4}
WARM_MEMBERS=${WARM_MEMBERS:-2000}
ENROLL_MEMBERS=${ENROLL_MEMBERS:-120000}  # members each enroll figure may enrol (one each)
ENROLL_COLD_MEMBERS=${ENROLL_COLD_MEMBERS:-40000}
PLAN_SAMPLES=${PLAN_SAMPLES:-200}   # generated plans per contact-book size
WORKER_EVENTS=${WORKER_EVENTS:-20000}
MODEL_ROUNDS=${MODEL_ROUNDS:-2}  # sync/callback comparison rounds, interleaved
ONLY=${ONLY:-all}
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/dunbar-bench-results.XXXXXX)}
WORK=$(mktemp -d /tmp/dunbar-bench-work.XXXXXX)

mkdir -p "$OUT_DIR"
RESULTS_MD=$OUT_DIR/results.md
RESULTS_JSON=$OUT_DIR/results.jsonl
LOG=$OUT_DIR/run.log
: >"$RESULTS_MD"
: >"$RESULTS_JSON"
: >"$LOG"

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -CONT "$pid" 2>/dev/null || true  # a stopped Redis (stall experiment) cannot exit
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" | tee -a "$LOG"; }
md() { printf '%s\n' "$*" >>"$RESULTS_MD"; }

# Prints the command (as run from the repo root) and runs it; output to the terminal and the log.
run() {
  local shown="${*//$ROOT\//}"
  shown="${shown//$WORK/\$WORK}"
  say "\$ $shown"
  "$@" 2>&1 | tee -a "$LOG"
  return "${PIPESTATUS[0]}"
}

section() {
  say ""
  say "=== $1 (load average: $(cut -d' ' -f1-3 /proc/loadavg), cc1plus: $(pgrep -c cc1plus || true)) ==="
  md ""
  md "### $1"
  md ""
  md "load average before: $(cut -d' ' -f1-3 /proc/loadavg); compilers running elsewhere: $(pgrep -c cc1plus || true)"
  md ""
}

want() { [[ $ONLY == all || $ONLY == "$1" ]]; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_redis NAME [redis-server args...]: a fresh server on a unix socket in $WORK/NAME, AOF on
# (the production durability setting). Sets REDIS_URL and REDIS_PID.
start_redis() {
  local name=$1
  shift
  local dir=$WORK/$name
  mkdir -p "$dir"
  redis-server --port 0 --unixsocket "$dir/redis.sock" --dir "$dir" --save "" \
    --appendonly yes "$@" --logfile "$dir/redis.log" &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  REDIS_URL="unix://$dir/redis.sock"
  for _ in $(seq 100); do
    redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "redis-server $name did not start; see $dir/redis.log"
  exit 1
}

# start_server NAME COMMAND...: a gRPC server on a free port; waits until it is SERVING. Sets
# ADDR and SERVER_PID. Its JSON log lines go to a file, as in production.
start_server() {
  local name=$1
  shift
  local port
  port=$(free_port)
  ADDR=127.0.0.1:$port
  "$@" --listen "$ADDR" >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  if ! "$RPC_LOAD" --addr "$ADDR" wait --timeout-s 30; then
    say "$name did not become SERVING; log:"
    tail -20 "$WORK/$name.log" | tee -a "$LOG"
    exit 1
  fi
}

stop() {
  local pid
  for pid in "$@"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# Failed calls are reported in the figure's errors column (rpc_load exits 3); the run goes on.
load() {
  local rc=0
  run "$RPC_LOAD" --addr "$ADDR" --channels "$CHANNELS" --md-out "$RESULTS_MD" \
    --json-out "$RESULTS_JSON" "$@" || rc=$?
  if ((rc == 3)); then
    say "(some calls failed: see the errors column)"
  elif ((rc != 0)); then
    say "rpc_load failed with exit code $rc"
    exit "$rc"
  fi
}

# Prints the command into results.md above the rows it will append.
load_md() {
  local shown="${*//$ROOT\//}"
  md "\`\$ ${shown//$WORK/\$WORK}\`"
  md ""
}

figure_header() {
  md "| figure | note | clients | RPC/s | p50 ms | p99 ms | p999 ms | x base RPC/s | x base p99 | errors |"
  md "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
}

import_header() {
  md "| figure | note | shape | rows | seconds | rows/s | created/merged/rejected | Redis MiB per 100k contacts |"
  md "|---|---|---|---:|---:|---:|---|---:|"
}

run_figures() {  # run_figures ARGS...: figures with their baseline, rows into results.md
  load_md rpc_load --addr "$ADDR" --channels "$CHANNELS" "$@"
  figure_header
  load "$@"
  md ""
}

run_import() {
  load_md rpc_load --addr "$ADDR" --channels "$CHANNELS" "$@"
  import_header
  load "$@"
  md ""
}

# ---------------------------------------------------------------------------------------------
if [[ -z ${SKIP_BUILD:-} ]]; then
  say "building rpc_load, echo_server and membership into $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  cmake --build "$BUILD_DIR" -j2 --target rpc_load echo_server membership cohort outreach \
    outreach_bench >/dev/null
fi
RPC_LOAD=$BUILD_DIR/bench/rpc_load
ECHO_SERVER=$BUILD_DIR/bench/echo_server
MEMBERSHIP=$BUILD_DIR/services/membership/membership
COHORT=$BUILD_DIR/services/cohort/cohort
OUTREACH=$BUILD_DIR/services/outreach/outreach
OUTREACH_BENCH=$BUILD_DIR/bench/outreach_bench

# A service token (acts for any tenant named in the request), stored hashed as the server expects.
TOKEN="dbr_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
printf '%s service *\n' "$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)" >"$WORK/tokens"
export DUNBAR_TOKEN=$TOKEN
printf '%s\n' "$TOKEN" >"$WORK/service-token"  # what cohort presents to membership

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "ram: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -r)"
  echo "redis: $(redis-server --version | cut -d' ' -f3)"
  echo "grpc: $(dpkg-query -W -f='${Version}' libgrpc++1.51 2>/dev/null || echo unknown)"
  echo "build: RelWithDebInfo (-O2 -g)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "settings: DURATION_S=$DURATION_S WARMUP_S=$WARMUP_S CHANNELS=$CHANNELS"
} | tee "$OUT_DIR/machine.txt" | tee -a "$LOG"
md "## Run of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
md ""
md '```'
cat "$OUT_DIR/machine.txt" >>"$RESULTS_MD"
md '```'

common_run_args=(--warmup-s "$WARMUP_S" --duration-s "$DURATION_S")

# --- 1. Server model: sync vs callback, same handlers -------------------------------------------
if want model; then
  section "Server model: sync vs callback (Echo, EchoRedis)"
  start_redis model-redis
  # Rounds interleave the models so a burst of load from elsewhere does not favour one of them.
  for round in $(seq "$MODEL_ROUNDS"); do
    for model in sync callback; do
      start_server "echo-$model-$round" "$ECHO_SERVER" --model "$model" --redis-url "$REDIS_URL"
      run_figures --note "model=$model round=$round" run --figure echo --figure echo-redis \
        --clients 1,16,64 "${common_run_args[@]}"
      stop "$SERVER_PID"
    done
  done
  stop "$REDIS_PID"

  # A Redis stall (SIGSTOP) while 64 clients call EchoRedis: are RPCs that need no Redis (Echo,
  # Health) still served? A blocking handler holds a gRPC thread in either model; this shows
  # which model copes.
  section "Server model under a Redis stall"
  start_redis stall-redis
  for model in sync callback; do
    start_server "echo-stall-$model" "$ECHO_SERVER" --model "$model" --redis-url "$REDIS_URL"
    kill -STOP "$REDIS_PID"
    "$RPC_LOAD" --addr "$ADDR" --timeout-ms 3000 run --figure echo-redis --clients 64 \
      --warmup-s 0 --duration-s $((DURATION_S + 1)) >"$WORK/stall-$model.out" 2>&1 &
    stuck_pid=$!
    PIDS+=("$stuck_pid")
    sleep 0.5
    md "64 clients blocked in EchoRedis (Redis stopped, deadline 3 s) while this runs:"
    md ""
    run_figures --timeout-ms 1000 --allow-not-serving --note "model=$model, Redis stopped" run --figure echo \
      --clients 1 --warmup-s 0 --duration-s "$DURATION_S"
    kill -CONT "$REDIS_PID"
    wait "$stuck_pid" || true  # its calls fail by design
    stop "$SERVER_PID"
  done
  stop "$REDIS_PID"
fi

# --- 2. Membership: GetMember, CreateMember (AOF everysec, Redis's default) ------------------------
if want crud; then
  section "Membership: GetMember and CreateMember"
  start_redis crud-redis
  start_server membership-crud "$MEMBERSHIP" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens"
  run_figures --tenant bench-crud --note "appendfsync=everysec" run --figure get-member \
    --figure create-member --clients 1,16 "${common_run_args[@]}"
  stop "$SERVER_PID" "$REDIS_PID"
fi

# --- 3. ImportContacts throughput and Redis memory per 100k contacts ------------------------------
if want import; then
  section "ImportContacts throughput and Redis memory"
  start_redis import-redis
  start_server membership-import "$MEMBERSHIP" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens"
  run_import --tenant bench-import --note "fresh tenant" import --rows "$IMPORT_ROWS" \
    --streams "$IMPORT_STREAMS" --redis-url "$REDIS_URL"
  run_import --tenant bench-import --note "same rows again (all merge)" import \
    --rows "$IMPORT_ROWS" --streams "$IMPORT_STREAMS"
  stop "$SERVER_PID" "$REDIS_PID"
fi

# --- 4. RankContacts with 10^4 and 10^6 contacts --------------------------------------------------
if want rank; then
  section "RankContacts (page 20): $SMALL_CONTACTS vs $BIG_CONTACTS contacts"
  start_redis rank-redis
  start_server membership-rank "$MEMBERSHIP" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens"
  for contacts in "$SMALL_CONTACTS" "$BIG_CONTACTS"; do
    md "Seeding $contacts contacts (time and memory of the seed itself):"
    md ""
    run_import --tenant "bench-rank-$contacts" --note "seed $contacts" import --rows "$contacts" \
      --streams "$IMPORT_STREAMS" --redis-url "$REDIS_URL"
    load_md rpc_load --addr "$ADDR" --tenant "bench-rank-$contacts" warm --members "$WARM_MEMBERS"
    run "$RPC_LOAD" --addr "$ADDR" --tenant "bench-rank-$contacts" warm --members "$WARM_MEMBERS" \
      | tail -1 | sed 's/^/    /' >>"$RESULTS_MD"
    md ""
  done
  for contacts in "$SMALL_CONTACTS" "$BIG_CONTACTS"; do
    run_figures --tenant "bench-rank-$contacts" --note "contacts=$contacts" run \
      --figure rank-contacts --page-size 20 --clients 1,16 "${common_run_args[@]}"
  done
  stop "$SERVER_PID" "$REDIS_PID"
fi

# --- 5. Durability profile: CreateMember with appendfsync always vs everysec ----------------------
if want fsync; then
  section "Durability: CreateMember with appendfsync everysec vs always"
  for fsync in everysec always; do
    start_redis "fsync-$fsync" --appendfsync "$fsync"
    start_server "membership-fsync-$fsync" "$MEMBERSHIP" --redis-url "$REDIS_URL" \
      --tokens-file "$WORK/tokens"
    run_figures --tenant "bench-fsync" --note "appendfsync=$fsync" run --figure create-member \
      --clients 1,16 "${common_run_args[@]}"
    stop "$SERVER_PID" "$REDIS_PID"
  done
fi

# --- 6. Cohort: Enroll with 1, 16, 64 clients; appendfsync everysec vs always -------------------
# Membership and cohort each on their own Redis (each service owns its keyspace). Members are
# imported first; the enroll figure warms the admission cache, then every measured call is a
# member's first enrolment in a capacity-150 AUTO_OPEN_NEXT programme (batches roll over).
if want enroll; then
  section "Cohort: Enroll (cached admission) vs the health baseline"
  start_redis enroll-membership-redis
  MEMBERSHIP_REDIS_PID=$REDIS_PID
  start_server membership-enroll "$MEMBERSHIP" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens"
  MEMBERSHIP_ADDR=$ADDR
  MEMBERSHIP_PID=$SERVER_PID
  run_import --tenant bench-enroll --note "seed members" import \
    --rows "$ENROLL_MEMBERS" --streams "$IMPORT_STREAMS"
  # The cold figure needs members the cohort service has never seen: a tenant of their own.
  run_import --tenant bench-enroll-cold --note "seed members" import \
    --rows "$ENROLL_COLD_MEMBERS" --streams "$IMPORT_STREAMS"
  for fsync in everysec always; do
    start_redis "enroll-cohort-$fsync" --appendfsync "$fsync"
    start_server "cohort-$fsync" "$COHORT" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens" \
      --membership-addr "$MEMBERSHIP_ADDR" --membership-token-file "$WORK/service-token"
    clients=1,16,64
    [[ $fsync == always ]] && clients=1,16
    run_figures --tenant bench-enroll --note "appendfsync=$fsync" run --figure enroll \
      --membership-addr "$MEMBERSHIP_ADDR" --enroll-members "$ENROLL_MEMBERS" --clients "$clients" \
      "${common_run_args[@]}"
    if [[ $fsync == everysec ]]; then
      run_figures --tenant bench-enroll-cold --note "cold: every call asks membership" run \
        --figure enroll --no-enroll-warm --membership-addr "$MEMBERSHIP_ADDR" \
        --enroll-members "$ENROLL_COLD_MEMBERS" --clients 16 "${common_run_args[@]}"
    fi
    stop "$SERVER_PID" "$REDIS_PID"
  done
  stop "$MEMBERSHIP_PID" "$MEMBERSHIP_REDIS_PID"
fi

# --- 7. Outreach: GetDailyPlan generation with 10^4 and 10^6 contacts; worker events/s -----------
# Each service on its own Redis. Every plan sample really generates (outreach_bench deletes the
# tenant's plans between samples, untimed): RankContacts pages from membership, one
# BatchGetEnrollments to cohort, the CreatePlan script. The worker figure drains member.updated
# events from membership's stream with 1 and 4 in-process consumers running the real handlers
# (GetMember to membership, then the card refresh script).
if want outreach; then
  section "Outreach: GetDailyPlan generation ($SMALL_CONTACTS vs $BIG_CONTACTS contacts), worker events/s"
  start_redis outreach-membership-redis
  MEMBERSHIP_REDIS_PID=$REDIS_PID
  MEMBERSHIP_REDIS_URL=$REDIS_URL
  start_server membership-outreach "$MEMBERSHIP" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens"
  MEMBERSHIP_ADDR=$ADDR
  MEMBERSHIP_PID=$SERVER_PID
  for contacts in "$SMALL_CONTACTS" "$BIG_CONTACTS"; do
    md "Seeding $contacts contacts, $WARM_MEMBERS of them with interactions:"
    md ""
    run_import --tenant "bench-plan-$contacts" --note "seed $contacts" import --rows "$contacts" \
      --streams "$IMPORT_STREAMS"
    run "$RPC_LOAD" --addr "$ADDR" --tenant "bench-plan-$contacts" warm --members "$WARM_MEMBERS" \
      | tail -1 | sed 's/^/    /' >>"$RESULTS_MD"
    md ""
  done
  start_redis outreach-cohort-redis
  COHORT_REDIS_PID=$REDIS_PID
  start_server cohort-outreach "$COHORT" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens" \
    --membership-addr "$MEMBERSHIP_ADDR" --membership-token-file "$WORK/service-token"
  COHORT_ADDR=$ADDR
  COHORT_PID=$SERVER_PID
  start_redis outreach-redis
  OUTREACH_REDIS_URL=$REDIS_URL
  start_server outreach "$OUTREACH" --redis-url "$REDIS_URL" --tokens-file "$WORK/tokens" \
    --membership-addr "$MEMBERSHIP_ADDR" --cohort-addr "$COHORT_ADDR" \
    --service-token-file "$WORK/service-token" --mode server
  md "\`\$ outreach_bench --outreach-redis-url \$OUTREACH_REDIS --tenant bench-plan-N plan --samples $PLAN_SAMPLES\`"
  md ""
  md "| figure | note | samples | mean ms | p50 ms | p99 ms | max ms | picks per plan | errors |"
  md "|---|---|---:|---:|---:|---:|---:|---:|---|"
  for contacts in "$SMALL_CONTACTS" "$BIG_CONTACTS"; do
    run "$OUTREACH_BENCH" --note "contacts=$contacts" --md-out "$RESULTS_MD" \
      --json-out "$RESULTS_JSON" --tenant "bench-plan-$contacts" \
      --outreach-redis-url "$OUTREACH_REDIS_URL" plan --outreach-addr "$ADDR" \
      --samples "$PLAN_SAMPLES" || say "(some plans failed: see the errors column)"
  done
  md ""
  md "\`\$ outreach_bench --outreach-redis-url \$OUTREACH_REDIS --tenant bench-plan-$SMALL_CONTACTS worker --membership-redis-url \$MEMBERSHIP_REDIS --events $WORKER_EVENTS --consumers C\`"
  md ""
  md "| figure | note | consumers | events | handled | seconds | events/s | handler failures |"
  md "|---|---|---:|---:|---:|---:|---:|---|"
  for consumers in 1 4; do
    run "$OUTREACH_BENCH" --note "member.updated" --md-out "$RESULTS_MD" \
      --json-out "$RESULTS_JSON" --tenant "bench-plan-$SMALL_CONTACTS" \
      --outreach-redis-url "$OUTREACH_REDIS_URL" worker --membership-addr "$MEMBERSHIP_ADDR" \
      --cohort-addr "$COHORT_ADDR" --membership-redis-url "$MEMBERSHIP_REDIS_URL" \
      --events "$WORKER_EVENTS" --consumers "$consumers" || say "(worker figure incomplete)"
  done
  md ""
  stop "$SERVER_PID" "$REDIS_PID" "$COHORT_PID" "$COHORT_REDIS_PID" "$MEMBERSHIP_PID" \
    "$MEMBERSHIP_REDIS_PID"
fi

md ""
md "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
say ""
say "results: $RESULTS_MD"
say "json:    $RESULTS_JSON"
say "log:     $LOG"
