#!/usr/bin/env bash
# Proves the dunbar image end to end, with no registry and no Docker engine:
#   1. makes a Debian 12 base image with debootstrap (--variant=minbase) and `podman import`
#      (once; reused while it exists);
#   2. builds deploy/docker/Dockerfile with podman (vfs storage, runc), both base-image ARGs
#      pointing at that base, at `nice -n 19` (it compiles the project: slow on 2 cores);
#   3. checks the runtime image: every binary's libraries resolve, it runs as 10001, and each
#      binary starts (--help);
#   4. starts Redis (Debian's redis-server from the build stage, with deploy/k8s/base/redis.conf)
#      and membership, cohort, outreach (API), outreach (--mode worker) and the gateway as
#      containers the way Kubernetes runs them: read-only root, all capabilities dropped, no new
#      privileges, uid 10001, settings from DUNBAR_* variables, tokens from mounted files;
#   5. enrols through them with dunbarctl from the image: a programme of capacity 1, two members
#      -> the first gets batch 1 seat 1, the second rolls over into batch 2 (cohort asks membership
#      over gRPC); checks the worker's health, outreach's status, the gateway's /readyz and the
#      services' /metrics;
#   6. stops every container with SIGTERM and requires exit code 0 (graceful drain), then removes
#      them. Images stay for the next (faster) run; --clean removes them too.
#
#   deploy/docker/test-images.sh [--clean]     (as root; installs podman buildah runc debootstrap)
#
# Times of each phase are printed at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# podman with vfs storage and debootstrap need root: re-run through sudo when there is one.
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then exec sudo -E "$0" "$@"; fi
CLEAN=0
[ "${1:-}" = "--clean" ] && CLEAN=1

PODMAN=(podman --storage-driver=vfs)
RUN_FLAGS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host)
BASE_IMAGE=localhost/dunbar-test-base:bookworm
IMAGE=localhost/dunbar:test
BUILD_IMAGE=localhost/dunbar-build:test
SUFFIX="it$$"
WORK="$(mktemp -d)"
CONTAINERS=()
declare -A SECONDS_TAKEN=()

say() { echo "test-images: $*"; }
fail() {
  echo "test-images: FAIL: $*" >&2
  for name in "${CONTAINERS[@]}"; do
    echo "---- last log lines of $name" >&2
    "${PODMAN[@]}" logs --tail 15 "$name" >&2 2>/dev/null || true
  done
  exit 1
}

cleanup() {
  for name in "${CONTAINERS[@]}"; do "${PODMAN[@]}" rm -f -t 2 "$name" >/dev/null 2>&1 || true; done
  if [ "$CLEAN" = 1 ]; then
    "${PODMAN[@]}" rmi -f "$IMAGE" "$BUILD_IMAGE" "$BASE_IMAGE" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

timed() { # name command...: runs the command, records how long it took, returns its status
  local name=$1 start status=0
  shift
  start=$(date +%s)
  "$@" || status=$?
  SECONDS_TAKEN[$name]=$(($(date +%s) - start))
  return "$status"
}

# ---- 0. tools ----------------------------------------------------------------------------------
"$ROOT/tools/install-deps.sh" podman buildah runc debootstrap curl python3
[ "$(id -u)" = 0 ] || fail "run as root (podman with vfs storage and debootstrap need it)"

# ---- 1. base image -------------------------------------------------------------------------------
make_base() {
  # The machine's own Debian mirror (the only registry reachable here).
  local mirror
  mirror=$(sed -n 's/^URIs: *\(\S*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  say "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    fail "debootstrap: $(tail -5 "$WORK/debootstrap.log")"
  tar -C "$WORK/rootfs" -c . | "${PODMAN[@]}" import - "$BASE_IMAGE" >/dev/null
  rm -rf "$WORK/rootfs"
}
if "${PODMAN[@]}" image exists "$BASE_IMAGE"; then
  say "base image $BASE_IMAGE exists"
  SECONDS_TAKEN[base]=0
else
  timed base make_base
fi

# ---- 2. build ------------------------------------------------------------------------------------
TARGETS="membership cohort outreach dunbarctl"
# The gateway ships in the same image once its sources are in the tree.
[ -f "$ROOT/services/gateway/main.cc" ] && TARGETS="$TARGETS gateway"
build() {
  nice -n 19 "${PODMAN[@]}" build --runtime runc --network host \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
    --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg RUNTIME_BASE_IMAGE="$BASE_IMAGE" \
    --build-arg TARGETS="$TARGETS" "$@" -f "$ROOT/deploy/docker/Dockerfile" "$ROOT"
}
say "building $IMAGE (targets: $TARGETS)"
timed build build -t "$IMAGE" >"$WORK/build.log" 2>&1 || fail "image build: $(tail -30 "$WORK/build.log")"
# The build stage (cached layers, no compile) doubles as the Redis image: it has Debian's
# redis-server from tools/install-deps.sh.
build --target build -t "$BUILD_IMAGE" >"$WORK/build-stage.log" 2>&1 ||
  fail "build stage: $(tail -20 "$WORK/build-stage.log")"
say "runtime packages (from ldd): $("${PODMAN[@]}" run --rm "${RUN_FLAGS[@]}" "$BUILD_IMAGE" \
  cat /out/runtime-packages.txt | tr '\n' ' ')"

# ---- 3. the runtime image on its own -------------------------------------------------------------
run_tool() { "${PODMAN[@]}" run --rm "${RUN_FLAGS[@]}" --read-only --cap-drop ALL "$@"; }
user=$("${PODMAN[@]}" image inspect -f '{{.Config.User}}' "$IMAGE")
[ "$user" = "10001:10001" ] || fail "image user is '$user', want 10001:10001"
for binary in $TARGETS; do
  if run_tool --entrypoint ldd "$IMAGE" "/usr/local/bin/$binary" | grep 'not found'; then
    fail "$binary misses shared libraries in the runtime image"
  fi
  run_tool "$IMAGE" "$binary" --help >/dev/null || fail "$binary --help failed in the runtime image"
done
say "runtime image: user 10001, every library resolves, every binary starts"
size=$("${PODMAN[@]}" image inspect -f '{{.Size}}' "$IMAGE")
say "image size: $((size / 1024 / 1024)) MiB"

# ---- 4. Redis and the services as containers -----------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
MEMBERSHIP_PORT=$(free_port)
COHORT_PORT=$(free_port)
OUTREACH_PORT=$(free_port)
WORKER_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
METRICS_PORT=$(free_port)

mint() { echo "dbr_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; }
hash_of() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
SECRETS="$WORK/secrets"
mkdir -p "$SECRETS" "$WORK/redis"
OPERATOR_TOKEN=$(mint)
COHORT_TOKEN=$(mint)
OUTREACH_TOKEN=$(mint)
GATEWAY_TOKEN=$(mint)
REDIS_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
{
  echo "$(hash_of "$OPERATOR_TOKEN") operator acme"
  echo "$(hash_of "$COHORT_TOKEN") service *"
  echo "$(hash_of "$OUTREACH_TOKEN") service *"
  echo "$(hash_of "$GATEWAY_TOKEN") service *"
} >"$SECRETS/tokens"
echo "$COHORT_TOKEN" >"$SECRETS/cohort-service-token"
echo "$OUTREACH_TOKEN" >"$SECRETS/outreach-service-token"
echo "$GATEWAY_TOKEN" >"$SECRETS/gateway-service-token"
echo "acme whsec_image_test_$(mint)" >"$SECRETS/webhook-secrets"
chmod 0755 "$SECRETS" && chmod 0444 "$SECRETS"/*
chown 10001:10001 "$WORK/redis"
# A copy: the checkout may sit on a filesystem that uid 10001 cannot read through a bind mount.
mkdir -p "$WORK/redis-conf"
cp "$ROOT/deploy/k8s/base/redis.conf" "$WORK/redis-conf/redis.conf"
chmod 0755 "$WORK/redis-conf" && chmod 0444 "$WORK/redis-conf/redis.conf"

# As in deploy/k8s: read-only root, no capabilities, no privilege gain, uid 10001, host loopback.
start() { # name [podman run options...] -- image command...
  local name="dunbar-$1-$SUFFIX"
  shift
  local options=()
  while [ "$1" != "--" ]; do
    options+=("$1")
    shift
  done
  shift
  CONTAINERS+=("$name")
  "${PODMAN[@]}" run -d --name "$name" "${RUN_FLAGS[@]}" --read-only --cap-drop ALL \
    --security-opt no-new-privileges --user 10001:10001 "${options[@]}" "$@" >/dev/null ||
    fail "cannot start $name"
}
SETTINGS=(-e DUNBAR_REDIS_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0"
  -e DUNBAR_TOKENS_FILE=/etc/dunbar/tokens -e DUNBAR_DRAIN_TIMEOUT=5 -e DUNBAR_LOG_LEVEL=info
  -e DUNBAR_MEMBERSHIP_ADDR="dns:///127.0.0.1:$MEMBERSHIP_PORT"
  -e DUNBAR_COHORT_ADDR="dns:///127.0.0.1:$COHORT_PORT" -v "$SECRETS:/etc/dunbar:ro")
METRICS_FLAG=()
if run_tool "$IMAGE" membership --help | grep -q -- '--metrics-listen'; then
  METRICS_FLAG=(--metrics-listen "127.0.0.1:$METRICS_PORT")
fi

run_services() {
  start redis -v "$WORK/redis-conf:/etc/redis:ro" \
    -v "$WORK/redis:/data" -- "$BUILD_IMAGE" redis-server /etc/redis/redis.conf --bind 127.0.0.1 \
    --port "$REDIS_PORT" --requirepass "$REDIS_PASSWORD"
  start membership "${SETTINGS[@]}" -- "$IMAGE" membership --listen "127.0.0.1:$MEMBERSHIP_PORT" \
    "${METRICS_FLAG[@]}"
  start cohort "${SETTINGS[@]}" -e DUNBAR_MEMBERSHIP_TOKEN_FILE=/etc/dunbar/cohort-service-token \
    -- "$IMAGE" cohort --listen "127.0.0.1:$COHORT_PORT"
  start outreach "${SETTINGS[@]}" -e DUNBAR_SERVICE_TOKEN_FILE=/etc/dunbar/outreach-service-token \
    -- "$IMAGE" outreach --listen "127.0.0.1:$OUTREACH_PORT" --mode server
  start outreach-worker "${SETTINGS[@]}" \
    -e DUNBAR_SERVICE_TOKEN_FILE=/etc/dunbar/outreach-service-token -- "$IMAGE" outreach --listen "127.0.0.1:$WORKER_PORT" --mode worker
  if [[ " $TARGETS " == *" gateway "* ]]; then
    start gateway "${SETTINGS[@]}" -- "$IMAGE" gateway --listen "127.0.0.1:$GATEWAY_PORT" \
      --membership-addr "dns:///127.0.0.1:$MEMBERSHIP_PORT" --cohort-addr "dns:///127.0.0.1:$COHORT_PORT" \
      --outreach-addr "dns:///127.0.0.1:$OUTREACH_PORT" \
      --service-token-file /etc/dunbar/gateway-service-token \
      --webhook-secrets-file /etc/dunbar/webhook-secrets
  fi
}

ctl() {
  run_tool -e DUNBAR_TOKEN="$OPERATOR_TOKEN" "$IMAGE" dunbarctl --addr "127.0.0.1:$MEMBERSHIP_PORT" \
    --cohort-addr "127.0.0.1:$COHORT_PORT" --outreach-addr "127.0.0.1:$OUTREACH_PORT" "$@"
}
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

end_to_end() {
  for port in "$MEMBERSHIP_PORT" "$COHORT_PORT" "$OUTREACH_PORT" "$WORKER_PORT"; do
    run_tool "$IMAGE" dunbarctl --addr "127.0.0.1:$port" health --wait 60 >/dev/null ||
      fail "127.0.0.1:$port never SERVING"
  done
  say "membership, cohort, outreach and the worker report SERVING"

  local program m1 m2 out
  program=$(ctl -o json programs create --name "Image test" --capacity 1 --price 99.00 \
    --currency CNY --rollover auto | json_field id) || fail "programs create"
  m1=$(ctl -o json members create --name "Ada Lovelace" | json_field id) || fail "members create 1"
  m2=$(ctl -o json members create --name "Grace Hopper" | json_field id) || fail "members create 2"
  out=$(ctl enroll "$program" "$m1") || fail "enroll 1: $out"
  [[ "$out" == *"ENROLLED $m1 in "*"(cohort 1), seat 1"* ]] || fail "enroll 1 said: $out"
  out=$(ctl enroll "$program" "$m2") || fail "enroll 2: $out"
  [[ "$out" == *"ENROLLED $m2 in "*"(cohort 2), seat 1"* ]] || fail "enroll 2 said: $out"
  say "enrolment through the containers: member 1 -> batch 1 seat 1, member 2 -> batch 2 seat 1"

  ctl outreach status >"$WORK/status.out" 2>&1 || fail "outreach status: $(cat "$WORK/status.out")"
  say "outreach status answers (worker streams: $(wc -l <"$WORK/status.out") lines)"

  if [[ " $TARGETS " == *" gateway "* ]]; then
    local ready=""
    for _ in $(seq 1 50); do
      ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT/readyz" || true)
      [ "$ready" = 200 ] && break
      sleep 0.2
    done
    [ "$ready" = 200 ] || fail "gateway /readyz answered $ready"
    curl -sf "http://127.0.0.1:$GATEWAY_PORT/metrics" | grep -q '^# TYPE' ||
      fail "gateway /metrics has no metrics"
    say "gateway /readyz 200, /metrics served"
  fi
  if [ "${#METRICS_FLAG[@]}" -gt 0 ]; then
    curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | grep -q '^dunbar_grpc_server_handled_total' ||
      fail "membership /metrics has no dunbar_grpc_server_handled_total"
    say "membership /metrics counts RPCs"
  fi
}

stop_all() {
  # Services first (SIGTERM, as the kubelet sends it), Redis last.
  local name code
  for name in "${CONTAINERS[@]}"; do
    [[ "$name" == dunbar-redis-* ]] && continue
    "${PODMAN[@]}" stop -t 20 "$name" >/dev/null
    code=$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$name")
    [ "$code" = 0 ] || fail "$name exited $code on SIGTERM (want 0: graceful drain)"
  done
  "${PODMAN[@]}" stop -t 20 "dunbar-redis-$SUFFIX" >/dev/null
  say "every service drained and exited 0 on SIGTERM"
}

timed start run_services
timed e2e end_to_end
timed stop stop_all

say "PASS (base ${SECONDS_TAKEN[base]} s, build ${SECONDS_TAKEN[build]} s, start ${SECONDS_TAKEN[start]} s, end to end ${SECONDS_TAKEN[e2e]} s, stop ${SECONDS_TAKEN[stop]} s)"
