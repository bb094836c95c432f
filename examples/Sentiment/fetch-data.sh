#!/usr/bin/env bash
# Fetches the labelled sentences (Amazon, IMDB, Yelp; 3 × 1,000) from the npm package sentiment@5.0.2
# (test/fixtures/*.json, MIT) into FOLDER/raw; FOLDER defaults to examples/Sentiment/data (raw/ is ignored by git).
# Usage: bash examples/Sentiment/fetch-data.sh [FOLDER]   Needs npm (Node.js) and network access to registry.npmjs.org.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$(mkdir -p "${1:-$here/data}" && cd "${1:-$here/data}" && pwd)/raw
if [ -f "$dest/yelp.json" ]; then echo "already present: $dest"; exit 0; fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack sentiment@5.0.2 >/dev/null 2>&1
tar xzf sentiment-5.0.2.tgz
cp package/test/fixtures/amazon.json package/test/fixtures/imdb.json package/test/fixtures/yelp.json "$dest/"
ls -l "$dest"
