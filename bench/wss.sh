#!/usr/bin/env bash
# What TLS costs over the WebSocket transport (issue 20): ferrozmq's perf tools over ws:// and
# over wss:// (rustls) on the same loopback, throughput at several sizes and latency. There
# is no libzmq column: libzmq's perf tools cannot be given wss certificates, and no packaged
# libzmq here has wss. A self-signed certificate is made with openssl for the run.
#
#   bench/wss.sh              (COUNT [200000] messages per throughput row, ROUNDTRIPS [20000])
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${COUNT:-200000}"
ROUNDTRIPS="${ROUNDTRIPS:-20000}"
cargo build --release -q -p ferrozmq-cli
BIN=target/release/ferrozmq
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
export FERROZMQ_WSS_CERT=$dir/cert.pem FERROZMQ_WSS_KEY=$dir/key.pem FERROZMQ_WSS_TRUST=$dir/cert.pem FERROZMQ_WSS_HOSTNAME=localhost

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# One pair: local tool $1, remote tool $2, scheme $3, size $4, count $5; the report's lines.
pair() {
    local endpoint out
    endpoint="$3://127.0.0.1:$(free_port)/perf"
    out=$(mktemp)
    timeout 300 "$BIN" "$1" "$endpoint" "$4" "$5" >"$out" &
    local local_pid=$!
    timeout 300 "$BIN" "$2" "$endpoint" "$4" "$5" >>"$out"
    wait "$local_pid"
    cat "$out"
    rm -f "$out"
}

thr() { pair local-thr remote-thr "$1" "$2" "$COUNT" | sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]/\1/p'; }
lat() { pair local-lat remote-lat "$1" "$2" "$ROUNDTRIPS" | sed -n 's/^average latency: \([0-9.]*\) \[us\]/\1/p'; }

echo "| PUSH → PULL, $COUNT messages | ws msg/s | wss msg/s | wss / ws |"
echo "|---|---|---|---|"
for size in 64 1024 65536; do
    ws=$(thr ws "$size")
    wss=$(thr wss "$size")
    echo "| $size B | $ws | $wss | $(python3 -c "print(f'{$wss / $ws:.2f}x')") |"
done
ws=$(lat ws 64)
wss=$(lat wss 64)
echo "| REQ/REP 64 B latency, $ROUNDTRIPS round trips | $ws µs | $wss µs | $(python3 -c "print(f'{$wss / $ws:.2f}x')") |"
