#!/usr/bin/env bash
# Fetches Fashion-MNIST (60k training + 10k test images, IDX format) from Debian's dataset-fashion-mnist package
# into FOLDER/idx; FOLDER defaults to examples/FashionMnist/data (idx/ is ignored by git). The example program writes
# them out as PNG folders in FOLDER/png.
# Usage: bash examples/FashionMnist/fetch-data.sh [FOLDER]
# Needs apt-get and dpkg on a Debian-based system whose package lists carry dataset-fashion-mnist (Debian 12 does), and network access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$(mkdir -p "${1:-$here/data}" && cd "${1:-$here/data}" && pwd)/idx
if [ -f "$dest/t10k-labels-idx1-ubyte.gz" ]; then echo "already present: $dest"; exit 0; fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq && apt-get download dataset-fashion-mnist >/dev/null; }
dpkg -x dataset-fashion-mnist_*.deb extracted
cp extracted/usr/share/datasets/fashion-mnist/*.gz "$dest/"
ls -l "$dest"
