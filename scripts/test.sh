#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite: makes sure packages, datasets and the build are in place (scripts/setup.sh,
# quick when done already), then runs every test with CTest.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${HAWX_BUILD_DIR:-$repo/build}
"$repo/scripts/setup.sh"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
