#!/usr/bin/env bash
# Builds dunbar and runs the whole test suite on a fresh Debian 12 machine.
#
#   tools/run-tests.sh                 # default, asan and tsan presets (what CI runs)
#   tools/run-tests.sh default         # one preset
#   tools/run-tests.sh default tsan    # any list of: default asan tsan
#
# Installs what it needs (tools/install-deps.sh), configures each preset, builds, and runs CTest.
# Tests start their own redis-server processes (temp dirs, unix sockets), so nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then presets=(default asan tsan); fi

tools/install-deps.sh

jobs=$(nproc)
status=0
for preset in "${presets[@]}"; do
  echo "==> [$preset] configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "==> [$preset] test"
  if ! ctest --preset "$preset" -j"$jobs" --timeout 600; then
    status=1
  fi
done
exit $status
