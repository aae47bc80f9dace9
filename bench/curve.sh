#!/usr/bin/env bash
# CURVE throughput and handshake rate, ferrozmq against libzmq, in one run.
#
# libzmq's side needs libzmq's own perf tools built with CURVE (the `zmq` crate's libzmq has
# none). Build them once, outside the repository, and point LIBZMQ_BIN at them:
#   apt-get install cmake libsodium-dev
#   git clone https://github.com/zeromq/libzmq && cd libzmq && git checkout v4.3.5
#   mkdir build && cd build && cmake .. -DCMAKE_BUILD_TYPE=Release -DWITH_LIBSODIUM=ON \
#       -DENABLE_CURVE=ON -DBUILD_TESTS=OFF && make local_thr remote_thr
#   LIBZMQ_BIN=$PWD/bin bench/curve.sh
# The handshake rate's libzmq side runs through pyzmq (bench/curve_handshakes_pyzmq.py).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LIBZMQ_BIN:?set LIBZMQ_BIN to the directory of the local_thr and remote_thr of libzmq}"
cargo build --release -q -p ferrozmq-cli
F=target/release/ferrozmq
PY="python3 bench/curve_handshakes_pyzmq.py"
port=5700

# thr <local tool> <remote tool> <size> <count>: prints the receiver's msg/s.
thr() {
    port=$((port + 1))
    local out
    out=$(mktemp)
    $1 "tcp://127.0.0.1:$port" "$3" "$4" 1 >"$out" &
    sleep 0.5
    $2 "tcp://127.0.0.1:$port" "$3" "$4" 1 >/dev/null
    wait
    awk '/msg\/s/ {print $3}' "$out"
    rm -f "$out"
}

# rate <server cmd> <client cmd> <count>: prints the client's handshakes/s.
rate() {
    port=$((port + 1))
    $1 server "tcp://127.0.0.1:$port" "$3" &
    sleep 0.5
    $2 client "tcp://127.0.0.1:$port" "$3" | awk '/rate/ {print $3}'
    wait
}

echo "| case | ferrozmq → ferrozmq | libzmq → libzmq | libzmq → ferrozmq | ferrozmq → libzmq |"
echo "|---|---:|---:|---:|---:|"
for case in "64 1000000" "65536 20000"; do
    set -- $case
    ff=$(thr "$F local-thr" "$F remote-thr" "$1" "$2")
    ll=$(thr "$LIBZMQ_BIN/local_thr" "$LIBZMQ_BIN/remote_thr" "$1" "$2")
    lf=$(thr "$F local-thr" "$LIBZMQ_BIN/remote_thr" "$1" "$2")
    fl=$(thr "$LIBZMQ_BIN/local_thr" "$F remote-thr" "$1" "$2")
    echo "| CURVE PUSH→PULL $1 B, msg/s | $ff | $ll | $lf | $fl |"
done
# Handshakes: the client dials, the server counts; columns read client → server.
ff=$(rate "$F curve-handshakes" "$F curve-handshakes" 3000)
ll=$(rate "$PY" "$PY" 3000)
lf=$(rate "$F curve-handshakes" "$PY" 3000)
fl=$(rate "$PY" "$F curve-handshakes" 3000)
echo "| CURVE handshakes/s (client → server) | $ff | $ll | $lf | $fl |"
