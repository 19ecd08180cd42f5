#!/usr/bin/env bash
# Checks deploy/k8s and deploy/monitoring offline (no cluster): exits non-zero, saying why, if
#  1. `kubectl kustomize` cannot render the base, overlays/dev, overlays/prod or
#     overlays/prod-managed-redis (prod + components/managed-redis);
#  2. any rendered object fails the Kubernetes schema (npm kubernetes-models, validate-schemas.mjs);
#  3. any render breaks the policy (k8s-policy.mjs: probes, resources, non-root/read-only/no
#     capabilities, Service + PDB + NetworkPolicy per Deployment, image tags, probe ports,
#     grace period vs drain deadline, ...) or misses what it promises (k8s-expectations.mjs);
#  4. the policy test accepts any fixture in fixtures/k8s/ that breaks a rule, or rejects it for
#     another reason than the one the fixture names (so the policy test is shown to fail);
#  5. the Prometheus alert rules do not parse or their unit tests (alerts.test.yaml) fail.
#
#   tests/deploy/check-k8s.sh
set -euo pipefail
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "$0")/lib.sh"

require_command kubectl "the kubectl client (kustomize is built in)"
ensure_node_modules
cd "$DEPLOY_TESTS_DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

K8S="$REPO_ROOT/deploy/k8s"
declare -A RENDERS=(
  [base]="$K8S/base"
  [dev]="$K8S/overlays/dev"
  [prod]="$K8S/overlays/prod"
  [prod-managed-redis]="$K8S/overlays/prod-managed-redis"
)

echo "== 1. render"
for name in base dev prod prod-managed-redis; do
  kubectl kustomize "${RENDERS[$name]}" >"$WORK/$name.yaml" 2>"$WORK/$name.err" ||
    fail "kubectl kustomize ${RENDERS[$name]#"$REPO_ROOT"/}: $(head -5 "$WORK/$name.err")"
  echo "rendered $name: $(grep -c '^kind:' "$WORK/$name.yaml") objects"
done

echo "== 2. schemas (kubernetes-models)"
node validate-schemas.mjs "$WORK"/{base,dev,prod,prod-managed-redis}.yaml ||
  fail "rendered objects do not match the Kubernetes schemas (lines above)"

echo "== 3. policy and expectations"
for name in base dev prod prod-managed-redis; do
  echo "-- $name"
  node k8s-policy.mjs "$WORK/$name.yaml" || fail "$name breaks the deployment policy (lines above)"
  node k8s-expectations.mjs "$name" "$WORK/$name.yaml" || fail "$name misses an expectation"
done

echo "== 4. the policy test rejects bad fixtures"
kubectl kustomize fixtures/k8s/good >"$WORK/good.yaml"
node k8s-policy.mjs "$WORK/good.yaml" >/dev/null || fail "fixtures/k8s/good must pass the policy"
node validate-schemas.mjs "$WORK/good.yaml" >/dev/null || fail "fixtures/k8s/good must be valid"
rejected=0
for dir in fixtures/k8s/*/; do
  fixture="$(basename "$dir")"
  [ "$fixture" = good ] && continue
  expect="$(fixture_expectation "$dir/kustomization.yaml")"
  kubectl kustomize "$dir" >"$WORK/fixture.yaml" 2>"$WORK/fixture.err" ||
    fail "fixtures/k8s/$fixture does not render: $(head -3 "$WORK/fixture.err")"
  if node k8s-policy.mjs "$WORK/fixture.yaml" >"$WORK/fixture.out"; then
    fail "the policy test accepted fixtures/k8s/$fixture (expected: $expect)"
  fi
  require_rejected_only_for "fixtures/k8s/$fixture" "$expect" "$WORK/fixture.out"
  rejected=$((rejected + 1))
done
echo "policy test rejected all $rejected bad fixtures, each for its own reason"

echo "== 5. alert rules (promtool)"
PROMTOOL="$(command -v promtool || true)"
if [ -z "$PROMTOOL" ]; then
  # Only the promtool binary from Debian's prometheus package: installing the package would also
  # install (and on some machines start) a Prometheus server.
  PROMTOOL="$DEPLOY_TESTS_DIR/.tools/promtool"
  if [ ! -x "$PROMTOOL" ]; then
    echo "fetching promtool from Debian's prometheus package"
    (cd "$WORK" && apt-get download prometheus >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get download prometheus >/dev/null 2>&1; }) ||
      fail "apt-get download prometheus failed (promtool is needed for the alert rules)"
    dpkg-deb -x "$WORK"/prometheus_*.deb "$WORK/prometheus"
    mkdir -p "$(dirname "$PROMTOOL")"
    cp "$WORK/prometheus/usr/bin/promtool" "$PROMTOOL"
  fi
fi
"$PROMTOOL" check rules "$REPO_ROOT/deploy/monitoring/alerts.yaml" || fail "alerts.yaml does not parse"
"$PROMTOOL" test rules alerts.test.yaml || fail "alert rule unit tests failed"

echo "check-k8s: all checks passed"
