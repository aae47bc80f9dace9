#!/usr/bin/env bash
# epgm throughput, ferrozmq against Debian's libzmq (OpenPGM), PUB/SUB at 64 B and 1 KiB, with
# no loss and with 1% of PGM packets dropped (an nftables rule), each run in a fresh
# loopback-only network namespace. ferrozmq's side is its perf tools (local-thr as SUB,
# remote-thr as XPUB with XPUB_NODROP, over epgm); libzmq's is bench/pgm_thr.c, the same
# measurement in C (libzmq's own tools use PUSH/PULL, which PGM does not carry). Both at
# RATE kbit/s. Prints Markdown rows.
#
#   bench/pgm.sh          (RATE [1000000], COUNT_64 [200000], COUNT_1K [100000])
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${RATE:-1000000}"
COUNT_64="${COUNT_64:-200000}"
COUNT_1K="${COUNT_1K:-100000}"
. bench/pgm_setup.sh

# One measurement in its own namespace: prints msg/s, or "stalled" if the receiver did not
# get every message within 40 s.
run() {
    local impl=$1 size=$2 count=$3 loss=$4
    local local_cmd remote_cmd
    if [ "$impl" = libzmq ]; then
        local_cmd="$C_TOOL local '$EP' $size $count $RATE"
        remote_cmd="$C_TOOL remote '$EP' $size $count $RATE"
    else
        local_cmd="FERROZMQ_PERF_RATE=$RATE $BIN local-thr '$EP' $size $count"
        remote_cmd="FERROZMQ_PERF_RATE=$RATE $BIN remote-thr '$EP' $size $count"
    fi
    local drop=true
    if [ "$loss" != 0 ]; then
        drop="nft add table ip loss && nft add chain ip loss out '{ type filter hook output priority 0; }' && nft add rule ip loss out udp dport 5555 numgen random mod $((100 / loss)) 0 drop"
    fi
    unshare -n sh -c "ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && $drop &&
        (PGM_MIN_LOG_LEVEL=ERROR timeout 40 sh -c \"$local_cmd\" > /tmp/pgm-bench.\$\$ &
         sleep 0.5; PGM_MIN_LOG_LEVEL=ERROR timeout 40 sh -c \"$remote_cmd\" >/dev/null; wait) &&
        sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]/\1/p' /tmp/pgm-bench.\$\$; rm -f /tmp/pgm-bench.\$\$" |
        grep . || echo stalled
}

echo "| epgm, RATE $RATE kbit/s | libzmq 4.3.4 (OpenPGM 5.3) msg/s | ferrozmq msg/s | ferrozmq / libzmq |"
echo "|---|---|---|---|"
for size in 64 1024; do
    count=$COUNT_64
    [ "$size" = 1024 ] && count=$COUNT_1K
    for loss in 0 1; do
        theirs=$(run libzmq "$size" "$count" "$loss")
        ours=$(run ferrozmq "$size" "$count" "$loss")
        ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }')
        echo "| $size B, $loss% of packets dropped | $theirs | $ours | $ratio |"
    done
done
