#!/usr/bin/env bash
# Re-extracts data/digits.csv.gz from Debian's python3-sklearn package (the committed copy came from there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download python3-sklearn >/dev/null
dpkg -x python3-sklearn_*.deb extracted
cp extracted/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz "$here/data/digits.csv.gz"
echo "wrote $here/data/digits.csv.gz"
