#!/usr/bin/env bash
# Builds dunbar and runs the whole test suite on a fresh Debian 12 machine.
#
#   tools/run-tests.sh                 # everything CI runs: default, browser, deploy, asan, tsan
#   tools/run-tests.sh default         # one step
#   tools/run-tests.sh default browser # any list of the steps below
#
# Steps:
#   default | asan | tsan   configure + build that CMake preset, then run CTest
#   browser                 the dashboard end-to-end in headless Chromium against the suite started
#                           by tools/run-demo.sh (tests/browser/run.sh; builds the default preset)
#   deploy                  offline checks of deploy/k8s, deploy/monitoring (tests/deploy/check-k8s.sh)
#                           and the Dockerfile (tests/deploy/check-dockerfiles.sh)
# Not here, because it builds container images (~6 min warm, ~10 min cold): deploy/docker/test-images.sh
# (CI runs it after this command: .ci/run).
#
# Installs what it needs (tools/install-deps.sh; the browser and deploy steps install their own
# Chromium and npm packages). Tests start their own redis-server processes (temp dirs, unix
# sockets), so nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then presets=(default browser deploy asan tsan); fi

tools/install-deps.sh

jobs=$(nproc)
status=0
build_preset() {
  echo "==> [$1] configure + build"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j"$jobs"
}

for step in "${presets[@]}"; do
  case "$step" in
    default | asan | tsan)
      build_preset "$step"
      echo "==> [$step] test"
      ctest --preset "$step" -j"$jobs" --timeout 600 || status=1
      ;;
    browser)
      build_preset default
      echo "==> [browser] dashboard end-to-end"
      tests/browser/run.sh build/default || status=1
      ;;
    deploy)
      echo "==> [deploy] manifests, alerts and Dockerfile"
      tests/deploy/check-k8s.sh || status=1
      tests/deploy/check-dockerfiles.sh || status=1
      ;;
    *)
      echo "run-tests: unknown step '$step' (default asan tsan browser deploy)" >&2
      exit 2
      ;;
  esac
done
exit $status
