#!/usr/bin/env bash
# Draft pairs and ws throughput, ferrozmq vs npm zeromq's libzmq 4.3.5 (issue 20): CLIENT to
# SERVER over tcp, RADIO to DISH over tcp and udp, PUSH to PULL over ws. Each case runs
# ferrozmq on both ends, then libzmq on both ends (bench/draft_thr.js under node), ROUNDS
# times, on a fresh loopback port; prints the median msg/s of each as Markdown rows, with
# how many of COUNT messages arrived (udp may drop).
#
#   bench/draft.sh            (ROUNDS [3], COUNT [200000], SIZE [64])
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"
COUNT="${COUNT:-200000}"
SIZE="${SIZE:-64}"
cargo build --release -q -p ferrozmq --example draft_thr
OURS=(target/release/examples/draft_thr)
THEIRS=(node bench/draft_thr.js)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# One run: receiver $1 (ours|theirs) type $2, sender type $3, endpoint scheme $4 and path $5.
# Prints "msg/s received".
run() {
    local side=$1 recv=$2 send=$3 scheme=$4 path=$5 port out cmd
    if [ "$side" = ours ]; then cmd=("${OURS[@]}"); else cmd=("${THEIRS[@]}"); fi
    port=$(free_port)
    local endpoint="$scheme://127.0.0.1:$port$path"
    out=$(mktemp)
    timeout 120 "${cmd[@]}" recv "$recv" "$endpoint" "$SIZE" "$COUNT" >"$out" &
    local receiver=$!
    until grep -q ready "$out"; do sleep 0.05; done
    timeout 120 "${cmd[@]}" send "$send" "$endpoint" "$SIZE" "$COUNT"
    wait "$receiver"
    local rate received
    rate=$(sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]/\1/p' "$out")
    received=$(sed -n 's/^received: //p' "$out")
    rm -f "$out"
    echo "$rate $received"
}

median() {
    for _ in $(seq "$ROUNDS"); do run "$@"; done | sort -n |
        awk '{r[NR] = $1; n[NR] = $2} END {i = int((NR + 1) / 2); print r[i] " msg/s (" n[i] " received)"}'
}

echo "| $SIZE B, $COUNT messages | ferrozmq | libzmq 4.3.5 (npm zeromq) |"
echo "|---|---|---|"
for case in "client server tcp ''" "radio dish tcp ''" "radio dish udp ''" "push pull ws /bench"; do
    eval "set -- $case"
    echo "| $1 → $2 over $3 | $(median ours "$2" "$1" "$3" "$4") | $(median theirs "$2" "$1" "$3" "$4") |"
done
