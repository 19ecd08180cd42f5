#!/usr/bin/env bash
# The dashboard's browser test: starts the suite exactly as the README's run command does
# (tools/run-demo.sh --skip-build, here with its own run dir in a temp dir and free ports), waits
# for the dashboard URL it prints, drives the dashboard in headless Chromium (e2e.mjs), then stops
# the suite with SIGINT and checks that it exited 0.
#
#   tests/browser/run.sh BUILD_DIR      # e.g. build/default (membership, cohort, outreach,
#                                       # gateway and dunbarctl built there)
#
# Installs what it needs first: Debian's chromium and a CJK font (so the screenshots show the
# Chinese names), and playwright-core from package-lock.json (npm ci; never a browser download).
# Screenshots go to $DUNBAR_ARTIFACTS (default tests/browser/artifacts/), with the suite's logs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
[ $# -eq 1 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
BUILD_DIR="$(cd "$1" && pwd)"
ARTIFACTS="${DUNBAR_ARTIFACTS:-$HERE/artifacts}"
mkdir -p "$ARTIFACTS"
ARTIFACTS="$(cd "$ARTIFACTS" && pwd)"
log() { echo "browser-test: $*"; }

# ---- what the test needs --------------------------------------------------------------------------
"$ROOT/tools/install-deps.sh" chromium fonts-wqy-microhei
command -v node >/dev/null || { log "node is missing (apt-get install nodejs npm)"; exit 1; }
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)

# ---- start the suite as the README does -----------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dunbar-browser.XXXXXX")"
RUN_DIR="$WORK/run"
DEMO_OUT="$WORK/run-demo.out"
# Four ports free right now (the kernel picks them; a tiny race with other programs is accepted).
read -r MEMBERSHIP_PORT COHORT_PORT OUTREACH_PORT GATEWAY_PORT < <(node -e '
const net = require("net");
const servers = [0, 1, 2, 3].map(() => net.createServer().listen(0, "127.0.0.1"));
Promise.all(servers.map((s) => new Promise((ok) => s.on("listening", ok)))).then(() => {
  console.log(servers.map((s) => s.address().port).join(" "));
  servers.forEach((s) => s.close());
});')

DEMO_PID=""
save_logs() {
  mkdir -p "$ARTIFACTS/logs"
  cp "$DEMO_OUT" "$ARTIFACTS/logs/" 2>/dev/null || true
  cp "$RUN_DIR"/*.log "$ARTIFACTS/logs/" 2>/dev/null || true
}
show_log_tails() {
  echo "---- tools/run-demo.sh output (last 30 lines)" >&2
  tail -n 30 "$DEMO_OUT" >&2 || true
  for file in "$RUN_DIR"/*.log "$RUN_DIR"/redis/redis.log; do
    [ -f "$file" ] || continue
    echo "---- $file (last 15 lines)" >&2
    tail -n 15 "$file" >&2
  done
}
finish() {
  local status=$?
  trap - EXIT
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -INT "$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
  fi
  save_logs
  if [ "$status" -ne 0 ]; then show_log_tails; fi
  rm -rf "$WORK"
  exit "$status"
}
trap finish EXIT
fail() { log "FAIL: $*" >&2; exit 1; }

# Job control on: the suite runs as its own process group, so it receives the SIGINT sent below
# (a non-interactive shell's background jobs would otherwise ignore SIGINT).
set -m
"$ROOT/tools/run-demo.sh" --skip-build --build-dir "$BUILD_DIR" --run-dir "$RUN_DIR" \
  --port "$MEMBERSHIP_PORT" --cohort-port "$COHORT_PORT" --outreach-port "$OUTREACH_PORT" \
  --gateway-port "$GATEWAY_PORT" >"$DEMO_OUT" 2>&1 &
DEMO_PID=$!
set +m
log "tools/run-demo.sh pid $DEMO_PID (ports $MEMBERSHIP_PORT $COHORT_PORT $OUTREACH_PORT, gateway $GATEWAY_PORT)"

URL=""
for _ in $(seq 1 600); do  # 120 s: the seeding takes ~10 s on a busy machine
  URL="$(sed -n 's/^dashboard: \(http[^ ]*\)$/\1/p' "$DEMO_OUT" | head -n 1)"
  [ -n "$URL" ] && break
  kill -0 "$DEMO_PID" 2>/dev/null || fail "tools/run-demo.sh exited before printing the dashboard URL"
  sleep 0.2
done
[ -n "$URL" ] || fail "no dashboard URL printed within 120 s"
[ "$(cat "$RUN_DIR/dashboard.url")" = "$URL" ] || fail "RUN_DIR/dashboard.url differs from the printed URL"
TOKEN="$(sed -n 's/^operator token: \(.*\)$/\1/p' "$DEMO_OUT" | head -n 1)"
[ -n "$TOKEN" ] || fail "no operator token printed"
[ "$(head -n 1 "$RUN_DIR/demo-operator.token")" = "$TOKEN" ] || fail "RUN_DIR/demo-operator.token differs from the printed token"
log "dashboard at $URL"

# ---- the browser part --------------------------------------------------------------------------
DUNBAR_URL="$URL" DUNBAR_TOKEN="$TOKEN" DUNBAR_ARTIFACTS="$ARTIFACTS" node "$HERE/e2e.mjs" ||
  fail "e2e.mjs failed (screenshots in $ARTIFACTS)"

# ---- a clean stop ------------------------------------------------------------------------------
kill -INT "$DEMO_PID"
demo_status=0
wait "$DEMO_PID" || demo_status=$?
DEMO_PID=""
[ "$demo_status" -eq 0 ] || fail "tools/run-demo.sh exited $demo_status after SIGINT, not 0"
grep -q "^stopped gateway$" "$DEMO_OUT" || fail "the gateway was not stopped cleanly"
grep -q "^stopped redis$" "$DEMO_OUT" || fail "redis was not stopped cleanly"
log "PASS (screenshots in $ARTIFACTS)"
