# shellcheck shell=bash
# Shared by check-k8s.sh and check-dockerfiles.sh: the node dependencies (npm ci from the lock
# file, skipped while node_modules matches it) and small helpers.
DEPLOY_TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034
REPO_ROOT="$(cd "$DEPLOY_TESTS_DIR/../.." && pwd)"  # used by the scripts that source this

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed ($2)"
}

# npm ci only when package-lock.json changed since the last install (it takes ~5 s and needs the
# npm registry; a warm tree needs neither).
ensure_node_modules() {
  require_command node "apt-get install nodejs, or the machine's Node 20"
  require_command npm "apt-get install npm"
  local stamp="$DEPLOY_TESTS_DIR/node_modules/.dunbar-lock.sha256"
  local want
  want="$(sha256sum "$DEPLOY_TESTS_DIR/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "npm ci in tests/deploy"
  (cd "$DEPLOY_TESTS_DIR" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
  echo "$want" >"$stamp"
}

# The reason a bad fixture must be rejected for: its "# expect: ..." line.
fixture_expectation() {
  local expect
  expect="$(sed -n 's/^# expect: //p' "$1")"
  [ -n "$expect" ] || fail "$1 has no '# expect:' line"
  echo "$expect"
}

# Fails unless the policy's output (file OUT) names EXPECT and nothing else: a bad fixture must be
# rejected for its own reason only, so each fixture proves exactly one rule can fail.
require_rejected_only_for() {  # NAME EXPECT OUT
  grep -qF -- "$2" "$3" || fail "$1 rejected, but not with '$2': $(cat "$3")"
  if grep -vF -- "$2" "$3" | grep -q .; then
    fail "$1 rejected for more than '$2': $(grep -vF -- "$2" "$3")"
  fi
}
