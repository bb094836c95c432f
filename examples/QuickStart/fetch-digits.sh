#!/usr/bin/env bash
# Re-extracts data/digits.csv.gz from Debian's python3-sklearn package (the committed copy came from there).
# Usage: bash examples/QuickStart/fetch-digits.sh [FOLDER]   (FOLDER defaults to examples/QuickStart/data)
# Needs apt-get and dpkg (Debian/Ubuntu) with the package lists present (apt-get update) and network access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$(mkdir -p "${1:-$here/data}" && cd "${1:-$here/data}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download python3-sklearn >/dev/null
dpkg -x python3-sklearn_*.deb extracted
cp extracted/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz "$dest/digits.csv.gz"
echo "wrote $dest/digits.csv.gz"
