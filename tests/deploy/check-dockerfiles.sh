#!/usr/bin/env bash
# Lints the Dockerfiles in deploy/docker: exits non-zero, saying why, if
#  1. dockerfilelint (npm, offline) reports an issue (settings in dockerfilelint/.dockerfilelintrc);
#  2. dockerfile-policy.mjs finds a base image that is not a build ARG or has no tag / `latest`,
#     a final stage without a numeric non-root USER, a shell-form CMD/ENTRYPOINT, or an apt-get
#     install without -y / --no-install-recommends / pinned packages / removed lists;
#  3. the policy accepts a bad fixture in fixtures/docker/, or rejects it for another reason than
#     the one it names (so the check is shown to fail when it should).
#
#   tests/deploy/check-dockerfiles.sh
set -euo pipefail
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "$0")/lib.sh"

ensure_node_modules
cd "$DEPLOY_TESTS_DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mapfile -t DOCKERFILES < <(find "$REPO_ROOT/deploy/docker" -name 'Dockerfile*' -type f | sort)
[ "${#DOCKERFILES[@]}" -gt 0 ] || fail "no Dockerfile in deploy/docker"

echo "== 1. dockerfilelint"
for dockerfile in "${DOCKERFILES[@]}"; do
  npx --no-install dockerfilelint -c dockerfilelint "$dockerfile" >"$WORK/lint.out" 2>&1 ||
    fail "dockerfilelint ${dockerfile#"$REPO_ROOT"/}: $(cat "$WORK/lint.out")"
  echo "dockerfilelint: ${dockerfile#"$REPO_ROOT"/}: no issues"
done

echo "== 2. dockerfile policy"
node dockerfile-policy.mjs "${DOCKERFILES[@]}" || fail "a Dockerfile breaks the policy (lines above)"

echo "== 3. the policy rejects bad fixtures"
node dockerfile-policy.mjs fixtures/docker/good.Dockerfile >/dev/null ||
  fail "fixtures/docker/good.Dockerfile must pass the policy"
npx --no-install dockerfilelint -c dockerfilelint fixtures/docker/good.Dockerfile >/dev/null ||
  fail "fixtures/docker/good.Dockerfile must pass dockerfilelint"
rejected=0
for fixture in fixtures/docker/*.Dockerfile; do
  [ "$(basename "$fixture")" = good.Dockerfile ] && continue
  expect="$(fixture_expectation "$fixture")"
  if node dockerfile-policy.mjs "$fixture" >"$WORK/fixture.out"; then
    fail "the Dockerfile policy accepted $fixture (expected: $expect)"
  fi
  require_rejected_only_for "$fixture" "$expect" "$WORK/fixture.out"
  rejected=$((rejected + 1))
done
echo "Dockerfile policy rejected all $rejected bad fixtures, each for its own reason"
echo "check-dockerfiles: all checks passed"
