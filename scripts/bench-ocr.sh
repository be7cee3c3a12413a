#!/usr/bin/env bash
# OCR throughput benchmark (issue 3): `inkan ingest --workers 2` on 12 dense
# Japanese A4 pages at 300 dpi, next to the raw tesseract CLI on the same pages
# (OMP_THREAD_LIMIT=1, two processes at a time), in the same run. Release build.
# Prints a markdown table; `--write` also replaces the table in docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${PAGES:-12}
work=$(mktemp -d /tmp/inkan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 scripts/make_bench_pages.py --out "$work/pages" --pages "$pages" >/dev/null
cargo build --quiet --release -p inkan
now() { date +%s.%N; }

t0=$(now)
mkdir -p "$work/tess"
ls "$work"/pages/*.png | OMP_THREAD_LIMIT=1 xargs -P 2 -I{} sh -c \
  'tesseract "$1" "$2/$(basename "$1")" -l jpn+eng -c preserve_interword_spaces=1 txt >/dev/null 2>&1' _ {} "$work/tess"
t1=$(now)
tess=$(awk "BEGIN{print $t1 - $t0}")
n=$(ls "$work"/tess/*.txt | wc -l)
[ "$n" -eq "$pages" ] || { echo "tesseract wrote $n of $pages pages" >&2; exit 1; }

t0=$(now)
target/release/inkan --data "$work/data" ingest --workers 2 --json "$work/pages" > "$work/ingest.jsonl"
t1=$(now)
ink=$(awk "BEGIN{print $t1 - $t0}")
ok=$(grep -c '"status":"indexed"' "$work/ingest.jsonl" || true)
[ "$ok" -eq "$pages" ] || { echo "inkan indexed $ok of $pages pages" >&2; exit 1; }

rate() { awk "BEGIN{printf \"%.1f\", $pages * 60 / $1}"; }
pct=$(awk "BEGIN{printf \"%.0f\", 100 * $tess / $ink}")
table=$(cat <<T
| run ($pages dense Japanese pages, 2480×3508, jpn+eng) | seconds | pages/minute |
|---|---:|---:|
| tesseract CLI, OMP_THREAD_LIMIT=1, 2 at a time (txt only) | $(printf %.1f "$tess") | $(rate "$tess") |
| inkan ingest --workers 2 (seals, OCR, searchable PDF, index) | $(printf %.1f "$ink") | $(rate "$ink") |

inkan runs at **${pct} %** of the raw tesseract rate ($(date -u +%Y-%m-%d), $(nproc) cores, \`bash scripts/bench-ocr.sh\`).
T
)
echo "$table"
if [ "${1:-}" = "--write" ]; then
  /usr/bin/python3 - "$table" <<'PY'
import re, sys
p = "docs/BENCHMARKS.md"
s = open(p, encoding="utf-8").read()
new = "<!-- bench-ocr -->\n" + sys.argv[1] + "\n<!-- /bench-ocr -->"
s = re.sub(r"<!-- bench-ocr -->.*?<!-- /bench-ocr -->", lambda m: new, s, flags=re.S)
open(p, "w", encoding="utf-8").write(s)
PY
fi
