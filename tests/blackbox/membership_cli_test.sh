#!/usr/bin/env bash
# Black-box test: the real `membership` binary and the real `dunbarctl`, exactly as an operator runs
# them, against a redis-server of its own. Checks the CLI round trip (Chinese names included),
# import merging and re-run idempotency, auth failures, JSON log lines, and a graceful SIGTERM.
#
#   membership_cli_test.sh MEMBERSHIP_BIN DUNBARCTL_BIN CONTACTS_CSV
# shellcheck disable=SC2015  # `A && B || fail`: fails when either check fails, as intended.
set -euo pipefail

membership_bin=$1
dunbarctl_bin=$2
contacts_csv=$3

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
blackbox_init membership

# --- Redis of our own: unix socket, AOF on.
start_redis

# --- Tokens and the service.
mint_tokens
port=$(free_port)
start_service membership "$port" "$membership_bin" --drain-timeout-seconds 5
export DUNBAR_ADDR="127.0.0.1:$port" DUNBAR_TOKEN="$token"

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
stop_gracefully membership
echo "blackbox: 1 passed, 0 failed"
