#!/usr/bin/env bash
# Runs the whole test suite N times (default 10) and reports every test that failed in any
# run, with how often: for finding tests that fail only sometimes. Too slow for CI (one run
# is several minutes); run it before resolving an issue that touches concurrency.
#
#   scripts/repeat.sh [N]
#
# Each run's full output is kept in $REPEAT_LOGS (default: a fresh temporary directory).
# Exit status 0 if every run passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10}"
LOGS="${REPEAT_LOGS:-$(mktemp -d)}"
mkdir -p "$LOGS"
cargo test --workspace --locked --no-run >/dev/null
failed_runs=0
for i in $(seq 1 "$N"); do
    if cargo test --workspace --locked --no-fail-fast >"$LOGS/run-$i.log" 2>&1; then
        echo "run $i/$N: passed"
    else
        failed_runs=$((failed_runs + 1))
        echo "run $i/$N: FAILED ($LOGS/run-$i.log)"
    fi
done
echo
echo "$failed_runs of $N runs failed; logs in $LOGS"
# "test name ... FAILED" lines, counted over all runs.
if grep -h -E '^test .* \.\.\. FAILED$' "$LOGS"/run-*.log | sed 's/^test //; s/ \.\.\. FAILED$//' |
    sort | uniq -c | sort -rn | grep .; then
    exit 1
fi
[ "$failed_runs" -eq 0 ]
