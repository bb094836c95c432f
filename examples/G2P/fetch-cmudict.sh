#!/usr/bin/env bash
# Fetches the CMU Pronouncing Dictionary for the grapheme-to-phoneme example into data/cmudict.tsv
# ("word<TAB>PH ON EMES", one line per pronunciation, stress removed; see DATA.md). The data comes from the npm
# package cmu-pronouncing-dictionary at a pinned version and is never committed (data/ is git-ignored).
# Needs node and npm. Does nothing when the file is already there: it is only ever created by a rename of a
# finished file, so an existing file is complete.
set -euo pipefail

PACKAGE="cmu-pronouncing-dictionary@3.0.0"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="$HERE/data"
OUTPUT="$DATA/cmudict.tsv"

count() {
  local words pronunciations
  pronunciations=$(wc -l < "$OUTPUT")
  words=$(cut -f1 "$OUTPUT" | uniq | wc -l)
  echo "$OUTPUT: $((words)) words, $((pronunciations)) pronunciations"
}

if [[ -s "$OUTPUT" ]]; then
  echo "Already fetched (delete the file to fetch again)."
  count
  exit 0
fi

for tool in node npm tar; do
  command -v "$tool" > /dev/null || { echo "fetch-cmudict.sh: $tool not found; it needs Node.js and npm" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Downloading $PACKAGE ..."
# npm pack checks the tarball against the registry's integrity hash; --ignore-scripts: nothing of the package runs.
TARBALL=$(cd "$WORK" && npm pack "$PACKAGE" --ignore-scripts --silent)
tar -xzf "$WORK/$TARBALL" -C "$WORK"

mkdir -p "$DATA"
PARTIAL="$OUTPUT.partial.$$"
trap 'rm -rf "$WORK" "$PARTIAL"' EXIT
node "$HERE/cmudict-to-tsv.mjs" "$WORK/package" "$PARTIAL" > /dev/null
mv "$PARTIAL" "$OUTPUT"
count
