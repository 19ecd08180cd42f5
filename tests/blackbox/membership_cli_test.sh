#!/usr/bin/env bash
# Black-box test: the real `membership` binary and the real `dunbarctl`, exactly as an operator runs
# them, against a redis-server of its own. Checks the CLI round trip (Chinese names included),
# import merging and re-run idempotency, auth failures, JSON log lines, and a graceful SIGTERM.
#
#   membership_cli_test.sh MEMBERSHIP_BIN DUNBARCTL_BIN CONTACTS_CSV
set -euo pipefail

membership_bin=$1
dunbarctl_bin=$2
contacts_csv=$3

work=$(mktemp -d /tmp/dunbar-blackbox-XXXXXX)
redis_pid=""
membership_pid=""
cleanup() {
  for pid in $membership_pid $redis_pid; do
    { kill -KILL "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- membership log (last 20 lines)" >&2
  tail -n 20 "$work/membership.log" >&2 || true
  exit 1
}

json_get() {  # json_get FILE PYTHON_EXPR  (the parsed document is `d`)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- Redis of our own: unix socket, AOF on.
redis-server --port 0 --unixsocket "$work/redis.sock" --unixsocketperm 700 --dir "$work" \
  --save "" --appendonly yes --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 100); do
  redis-cli -s "$work/redis.sock" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -s "$work/redis.sock" ping | grep -q PONG || fail "redis-server did not start"

# --- Tokens and the service.
token=$("$dunbarctl_bin" tokens mint --tenant acme --role operator --tokens-file "$work/tokens" \
  2>/dev/null)
[[ "$token" == dbr_* ]] || fail "tokens mint printed '$token'"
port=$(free_port)
"$membership_bin" --listen "127.0.0.1:$port" --redis-url "unix://$work/redis.sock" \
  --tokens-file "$work/tokens" --drain-timeout-seconds 5 >"$work/membership.log" 2>&1 &
membership_pid=$!

export DUNBAR_ADDR="127.0.0.1:$port" DUNBAR_TOKEN="$token"
ctl() { "$dunbarctl_bin" "$@"; }
for _ in $(seq 100); do
  ctl health >/dev/null 2>&1 && break
  sleep 0.1
done
ctl health >/dev/null || fail "membership never became SERVING"

# --- Create and read back a member with a Chinese name; the retry returns the same member.
ctl -o json members create --name "王小明" --phone "+86 138 0013 8000" --tags "vip;深度工作" \
  --request-id bbx-create-1 >"$work/created.json"
id=$(json_get "$work/created.json" 'd["id"]')
[ -n "$id" ] || fail "create returned no id"
[ "$(json_get "$work/created.json" 'd["name"]')" = "王小明" ] || fail "name did not round-trip"
[ "$(json_get "$work/created.json" 'd["phone"]')" = "+8613800138000" ] || fail "phone not E.164"
ctl -o json members create --name "王小明" --phone "+86 138 0013 8000" --tags "vip;深度工作" \
  --request-id bbx-create-1 >"$work/retry.json"
[ "$(json_get "$work/retry.json" 'd["id"]')" = "$id" ] || fail "retry created another member"
ctl -o json members find --phone 13800138000 >"$work/found.json"
[ "$(json_get "$work/found.json" 'd["id"]')" = "$id" ] || fail "find by national number"

# --- Import the demo file, then again: the second run creates nobody.
ctl -o json import contacts "$contacts_csv" >"$work/import1.json"
rows=$(json_get "$work/import1.json" 'int(d.get("rowsReceived", 0))')
created=$(json_get "$work/import1.json" 'int(d.get("created", 0))')
merged=$(json_get "$work/import1.json" 'int(d.get("merged", 0))')
rejected=$(json_get "$work/import1.json" 'int(d.get("rejected", 0))')
[ "$rows" -gt 0 ] || fail "import received no rows"
[ $((created + merged + rejected)) -eq "$rows" ] || fail "import counts do not add up"
[ "$created" -gt 0 ] || fail "import created nobody"
ctl -o json import contacts "$contacts_csv" >"$work/import2.json"
[ "$(json_get "$work/import2.json" 'int(d.get("created", 0))')" -eq 0 ] ||
  fail "re-running the import created members"

ctl -o json members list --all >"$work/list.json"
listed=$(json_get "$work/list.json" 'len(d["members"]) if isinstance(d, dict) else len(d)')
[ "$listed" -eq $((created + 1)) ] || fail "listed $listed members, expected $((created + 1))"

# --- Auth: no token and a wrong token are UNAUTHENTICATED with the RPC exit code (3).
set +e
DUNBAR_TOKEN="" "$dunbarctl_bin" members get "$id" 2>"$work/noauth.err" >/dev/null
code_missing=$?
DUNBAR_TOKEN="dbr_wrong" "$dunbarctl_bin" members get "$id" 2>"$work/badauth.err" >/dev/null
code_wrong=$?
set -e
[ "$code_missing" -eq 3 ] && grep -q UNAUTHENTICATED "$work/noauth.err" || fail "missing token"
[ "$code_wrong" -eq 3 ] && grep -q UNAUTHENTICATED "$work/badauth.err" || fail "wrong token"

# --- JSON log lines: one per RPC, with method and code, and no personal data.
python3 - "$work/membership.log" <<'PY' || fail "log lines"
import json, sys
rpc = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line.startswith("{"):
        entry = json.loads(line)
        if entry.get("event") == "rpc":
            rpc.append(entry)
assert any(e["method"].endswith("/CreateMember") and e["code"] == "OK" for e in rpc), rpc[:3]
assert any(e.get("code") == "UNAUTHENTICATED" for e in rpc)
text = open(sys.argv[1], encoding="utf-8").read()
assert "王小明" not in text and "13800138000" not in text, "personal data in logs"
PY

# --- SIGTERM: drains and exits 0.
kill -TERM "$membership_pid"
set +e
wait "$membership_pid"
exit_code=$?
set -e
membership_pid=""
[ "$exit_code" -eq 0 ] || fail "membership exited $exit_code after SIGTERM"
echo "blackbox: 1 passed, 0 failed"
