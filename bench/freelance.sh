#!/usr/bin/env bash
# Freelance model 2 latency (issue 16): the average round trip of the guide's `flclient2`
# (10,000 "random name" requests, each shotgunned to every server, first matching reply kept)
# against 1 and 3 `flserver2` processes over tcp loopback — ferrozmq-patterns' examples and
# the same programs on libzmq 4.3.4 (`libzmq-flclient2`, `libzmq-flserver2`). Prints a
# Markdown table for docs/PERFORMANCE.md. REPEAT=N runs each cell N times and keeps the
# median (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-5}
cargo build --release --locked -q -p ferrozmq-patterns --example flclient2 --example flserver2
cargo build --release --locked -q -p libzmq-perf --bin libzmq-flclient2 --bin libzmq-flserver2
ours=(target/release/examples/flclient2 target/release/examples/flserver2)
theirs=(target/release/libzmq-flclient2 target/release/libzmq-flserver2)
BASE_PORT=${BASE_PORT:-27411}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
latency() { # client server servers -> median average round trip (usec)
    local client=$1 server=$2 count=$3 pids=() endpoints=()
    for i in $(seq "$count"); do
        "$server" "tcp://127.0.0.1:$((BASE_PORT + i))" >/dev/null &
        pids+=($!)
        endpoints+=("tcp://127.0.0.1:$((BASE_PORT + i))")
    done
    for _ in $(seq "$REPEAT"); do
        timeout 120 "$client" "${endpoints[@]}" | sed -n 's/^Average round trip cost: \([0-9]*\) usec$/\1/p'
    done | median
    kill "${pids[@]}"
    wait "${pids[@]}" 2>/dev/null || true
}

echo "| servers | ferrozmq (µs per request) | libzmq 4.3.4 (µs per request) | ratio |"
echo "|---|---|---|---|"
for servers in 1 3; do
    a=$(latency "${ours[0]}" "${ours[1]}" "$servers")
    b=$(latency "${theirs[0]}" "${theirs[1]}" "$servers")
    echo "| $servers | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') |"
done
