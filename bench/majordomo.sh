#!/usr/bin/env bash
# Majordomo round trips per second (issue 15): ferrozmq-patterns' broker, workers and
# clients (the `mdbench` example) against the same topology on libzmq 4.3.4
# (`libzmq-mdbench`), sync and async client, 1 and 10 workers. Prints a Markdown table for
# docs/PERFORMANCE.md. REPEAT=N runs each cell N times and keeps the median (default 3);
# REQUESTS sets the sync count (async runs 5x as many).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-3}
REQUESTS=${REQUESTS:-20000}
cargo build --release --locked -q -p ferrozmq-patterns --example mdbench
cargo build --release --locked -q -p libzmq-perf --bin libzmq-mdbench
ours=target/release/examples/mdbench
theirs=target/release/libzmq-mdbench

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { # binary mode workers requests -> median round trips/s
    for _ in $(seq "$REPEAT"); do
        timeout 300 "$1" --mode "$2" --workers "$3" --requests "$4" | sed 's/.*, \([0-9]*\) round trips\/s/\1/'
    done | median
}

echo "| client | workers | ferrozmq (round trips/s) | libzmq 4.3.4 (round trips/s) | ratio |"
echo "|---|---|---|---|---|"
for mode in sync async; do
    n=$REQUESTS
    [ "$mode" = async ] && n=$((REQUESTS * 5))
    for workers in 1 10; do
        a=$(rate "$ours" "$mode" "$workers" "$n")
        b=$(rate "$theirs" "$mode" "$workers" "$n")
        echo "| $mode | $workers | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') |"
    done
done
