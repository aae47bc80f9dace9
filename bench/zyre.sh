#!/usr/bin/env bash
# Zyre (crates/ferrozmq-zyre): time for N nodes in one process to all see each other (by
# beacons, and through a gossip hub with beacons off), and SHOUT throughput from one node to a group of receivers. Each run is a fresh loopback-only
# network namespace (unshare -n; beacons never leave it), interface lo. Prints the median of
# ROUNDS runs of each case as Markdown rows.
#
#   bench/zyre.sh            (ROUNDS [5], MESSAGES [20000], SIZE [64])
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}"
MESSAGES="${MESSAGES:-20000}"
SIZE="${SIZE:-64}"
cargo build --release -q -p ferrozmq-zyre --example zyre_bench
BIN=target/release/examples/zyre_bench
NS='ip link set lo up && ip route add default dev lo src 127.0.0.1 && ip route add 224.0.0.0/4 dev lo src 127.0.0.1'

# Runs one case ROUNDS times and prints the median of what the sed expression SED picks.
median() {
    local sed_expr=$1
    shift
    for _ in $(seq "$ROUNDS"); do
        timeout 120 unshare -n sh -c "$NS && exec \"\$0\" \"\$@\"" "$BIN" "$@" lo |
            sed -n "$sed_expr"
    done | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

ALL_SAW='s/.*all saw all in \([0-9]*\) ms.*/\1/p'
SHOUTS='s/.*(\([0-9]*\) shouts\/s to all).*/\1/p'
echo "| case | median of $ROUNDS runs |"
echo "|---|---|"
for n in 10 50; do
    echo "| $n nodes: time until every node has seen every other | $(median "$ALL_SAW" discovery "$n") ms |"
done
for n in 10 50; do
    echo "| $n nodes, gossip hub, beacons off: time until every node has seen every other | $(median "$ALL_SAW" gossip "$n") ms |"
done
echo "| SHOUT of $SIZE B from one node to a group of 10 | $(median "$SHOUTS" shout 10 "$MESSAGES" "$SIZE") shouts/s (each delivered 10 times) |"
