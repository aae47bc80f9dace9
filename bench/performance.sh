#!/usr/bin/env bash
# Regenerates the results of docs/PERFORMANCE.md from one run of bench/compare.sh at the
# current commit (libzmq and ferrozmq in the same run; commit, date and machine in the table's
# header), and the README's one-line summary of it, so that neither says more than the
# latest table. Everything between the markers
#   <!-- results: bench/performance.sh -->  and  <!-- end of results -->
# in docs/PERFORMANCE.md, and between
#   <!-- summary: bench/performance.sh -->  and  <!-- end of summary -->
# in README.md, is replaced; the rest of both files is left alone.
#
#   bench/performance.sh            # REPEAT=3 (medians of 3 runs per cell), ~15 minutes
#
# Environment: REPEAT [3]; everything else is passed on to bench/compare.sh. Commit first:
# a table measured with uncommitted changes says so in its header.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPEAT="${REPEAT:-3}"
TABLE="$(mktemp)"
trap 'rm -f "$TABLE"' EXIT
"$ROOT/bench/compare.sh" >"$TABLE"

# replace <file> <begin marker> <end marker> <content file>
replace() {
    local file=$1 begin=$2 end=$3 content=$4
    grep -qF "$begin" "$file" && grep -qF "$end" "$file" ||
        { echo "performance.sh: markers missing in $file" >&2; exit 1; }
    awk -v b="$begin" -v e="$end" -v c="$content" '
        index($0, b) { print; while ((getline line < c) > 0) print line; skip = 1; next }
        index($0, e) { skip = 0 }
        !skip { print }' "$file" >"$file.new"
    mv "$file.new" "$file"
}

replace "$ROOT/docs/PERFORMANCE.md" "<!-- results: bench/performance.sh -->" "<!-- end of results -->" "$TABLE"

SUMMARY="$(mktemp)"
trap 'rm -f "$TABLE" "$SUMMARY"' EXIT
rows="$(sed -n 's/^\*\*Summary: ferrozmq → ferrozmq beats libzmq → libzmq on \([0-9]* of [0-9]*\) rows\*\*.*/\1/p' "$TABLE")"
commit="$(sed -n 's/^ferrozmq \([0-9a-f]*\).* vs libzmq.*/\1/p' "$TABLE")"
[[ -n "$rows" && -n "$commit" ]] || { echo "performance.sh: no summary in the table" >&2; exit 1; }
cat >"$SUMMARY" <<MD
Against libzmq 4.3.4 on the same machine, ferrozmq was faster on $rows rows of the latest
[docs/PERFORMANCE.md](docs/PERFORMANCE.md) table (measured at $commit), slower on the others;
what a hostile peer can make it hold, against libzmq, is in [docs/RELIABILITY.md](docs/RELIABILITY.md).
MD
replace "$ROOT/README.md" "<!-- summary: bench/performance.sh -->" "<!-- end of summary -->" "$SUMMARY"
echo "performance.sh: docs/PERFORMANCE.md and README.md updated ($rows rows faster, at $commit)" >&2
