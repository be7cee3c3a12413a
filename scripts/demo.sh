#!/usr/bin/env bash
# Fresh-machine demo: installs what is missing, builds inkan, ingests samples/,
# then shows a search and the list of sealed documents. Safe to run again
# (a second run reports the samples as duplicates).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --quiet -p inkan
inkan=target/debug/inkan
data=inkan-data
echo "== inkan ingest samples/"
"$inkan" --data "$data" ingest samples/*.tif samples/*.jpg samples/*.png samples/*.pdf
echo "== inkan search 契約"
"$inkan" --data "$data" search 契約
echo "== inkan sealed --status all"
"$inkan" --data "$data" sealed --status all
echo "== inkan status"
"$inkan" --data "$data" status
