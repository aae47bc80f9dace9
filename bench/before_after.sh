#!/usr/bin/env bash
# Two builds of ferrozmq against each other: the same cases run with build A and build B
# alternately (A B A B …), so a drift of the machine's speed hits both; prints each case's
# median per build and the ratio B / A as Markdown. For "did this change slow ferrozmq
# down?" on a noisy machine, where a single compare.sh run against libzmq cannot tell.
#
#   bench/before_after.sh OLD_BIN NEW_BIN
#
# OLD_BIN and NEW_BIN are `ferrozmq` executables (crates/ferrozmq-cli, release builds), e.g.
# one built from the old commit with `cargo build --release -p ferrozmq-cli` and copied aside.
# Environment: ROUNDS [5] runs of each case per build; TIMEOUT [120] seconds per run.
set -euo pipefail

[[ $# -eq 2 && -x $1 && -x $2 ]] || {
    echo "usage: $0 OLD_FERROZMQ_BIN NEW_FERROZMQ_BIN" >&2
    exit 2
}
A=$1
B=$2
ROUNDS="${ROUNDS:-5}"
TIMEOUT="${TIMEOUT:-120}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PORT=$((30000 + $$ % 20000))

# One measurement of <bin> in case <name>: prints msg/s (throughput) or µs (latency).
measure() {
    local bin=$1 name=$2 out="$WORK/out"
    PORT=$((PORT + 1))
    local ep="tcp://127.0.0.1:$PORT"
    case $name in
    thr-*)
        local size=${name#thr-} count=2000000
        ((size < 65536)) || count=50000
        timeout "$TIMEOUT" "$bin" local-thr "$ep" "$size" "$count" >"$out" &
        local rx=$!
        timeout "$TIMEOUT" "$bin" remote-thr "$ep" "$size" "$count" >/dev/null
        wait "$rx"
        sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]$/\1/p' "$out"
        ;;
    lat-tcp)
        timeout "$TIMEOUT" "$bin" local-lat "$ep" 64 20000 >/dev/null &
        local rep=$!
        timeout "$TIMEOUT" "$bin" remote-lat "$ep" 64 20000 >"$out"
        wait "$rep"
        sed -n 's/^average latency: \([0-9.]*\) \[us\]$/\1/p' "$out"
        ;;
    dealer-router)
        timeout "$TIMEOUT" "$bin" local-router-thr "$ep" 64 2000000 >"$out" &
        local rx=$!
        timeout "$TIMEOUT" "$bin" remote-dealer-thr "$ep" 64 2000000 >/dev/null
        wait "$rx"
        sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]$/\1/p' "$out"
        ;;
    inproc-thr)
        timeout "$TIMEOUT" "$bin" inproc-thr 16 5000000 >"$out"
        sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]$/\1/p' "$out"
        ;;
    inproc-lat)
        timeout "$TIMEOUT" "$bin" inproc-lat 64 100000 >"$out"
        sed -n 's/^average latency: \([0-9.]*\) \[us\]$/\1/p' "$out"
        ;;
    esac
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

CASES=(thr-16 thr-64 thr-256 thr-65536 dealer-router inproc-thr lat-tcp inproc-lat)
echo "| case | unit | A (old) median | B (new) median | B / A |"
echo "|---|---|---:|---:|---:|"
for c in "${CASES[@]}"; do
    : >"$WORK/a"
    : >"$WORK/b"
    for _ in $(seq "$ROUNDS"); do
        v=$(measure "$A" "$c")
        [[ -n $v ]] || { echo "before_after.sh: $c failed with $A" >&2; exit 1; }
        echo "$v" >>"$WORK/a"
        v=$(measure "$B" "$c")
        [[ -n $v ]] || { echo "before_after.sh: $c failed with $B" >&2; exit 1; }
        echo "$v" >>"$WORK/b"
    done
    ma=$(median <"$WORK/a")
    mb=$(median <"$WORK/b")
    unit="msg/s (higher is better)"
    [[ $c == *lat* ]] && unit="µs one-way (lower is better)"
    echo "| $c | $unit | $ma | $mb | $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b / a}') |"
done
