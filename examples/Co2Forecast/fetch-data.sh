#!/usr/bin/env bash
# Fetches the monthly Mauna Loa CO2 series (co2-concentration.csv) from the npm package vega-datasets@3.2.1
# into FOLDER/raw; FOLDER defaults to examples/Co2Forecast/data (raw/ is ignored by git).
# Usage: bash examples/Co2Forecast/fetch-data.sh [FOLDER]   Needs npm (Node.js) and network access to registry.npmjs.org.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$(mkdir -p "${1:-$here/data}" && cd "${1:-$here/data}" && pwd)/raw
if [ -f "$dest/co2-concentration.csv" ]; then echo "already present: $dest/co2-concentration.csv"; exit 0; fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack vega-datasets@3.2.1 --silent >/dev/null
tar xzf vega-datasets-3.2.1.tgz package/data/co2-concentration.csv
cp package/data/co2-concentration.csv "$dest/"
echo "wrote $dest/co2-concentration.csv"
