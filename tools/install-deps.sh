#!/usr/bin/env bash
# Installs every Debian 12 package dunbar needs to build, test and run. Idempotent: packages that are
# already installed are skipped, so a warm machine pays only a dpkg query.
#
#   tools/install-deps.sh               # the packages to build, test and run dunbar
#   tools/install-deps.sh PKG...        # just these (the browser and image tests' extras)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache clang-format
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libhiredis-dev libssl-dev libphonenumber-dev
  libcli11-dev nlohmann-json3-dev libcpp-httplib-dev prometheus-cpp-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools grpc-proto
  python3  # tools/demo/seed.py (the demo's idempotent seeding)
  tzdata  # IANA zones for outreach policies (absl::LoadTimeZone reads /usr/share/zoneinfo)
)

if [ $# -gt 0 ]; then PACKAGES=("$@"); fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The redis-server package starts a system instance; dunbar runs its own, so stop that one.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
echo "install-deps: done"
