#!/usr/bin/env bash
# libzmq's own perf tools (perf/*.cpp from Debian's zeromq3 source package, built against
# Debian's libzmq3-dev) on Debian's libzmq and, unchanged, on ferrozmq's C ABI through
# LD_LIBRARY_PATH, beside ferrozmq's CLI perf tools (the Rust API, same arguments and output
# lines): what the C ABI costs against the Rust API, and where ours stands against libzmq.
# One run of each cell, printed as Markdown for docs/PERFORMANCE.md (issue 21 item 4).
#
#   bench/c_abi.sh
#
# Environment: THR_COUNT_64 [5000000] THR_COUNT_1024 [1000000] THR_COUNT_65536 [50000]
#   LAT_COUNT [50000] INPROC_COUNT [5000000] INPROC_LAT_COUNT [100000] TIMEOUT [120]
# Sources and builds stay under target/c-abi-bench (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/c-abi-bench
mkdir -p "$work"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
timeout_s=${TIMEOUT:-120}

scripts/ffi-install.sh "$work/prefix" >&2
cargo build -q --release --locked -p ferrozmq-cli
ferrozmq=$root/target/release/ferrozmq
if [ ! -e /usr/include/zmq.h ]; then
    $SUDO apt-get install -y -qq libzmq3-dev >/dev/null
fi
# shellcheck source=scripts/debian-source.sh
. scripts/debian-source.sh
debian_source_at zeromq3 "$work/src"
# inproc_thr and inproc_lat include the platform header libzmq's configure writes.
mkdir -p "$work/platform"
echo '#define ZMQ_HAVE_LINUX 1' >"$work/platform/platform.hpp"
for tool in local_thr remote_thr local_lat remote_lat inproc_thr inproc_lat; do
    g++ -O2 -I"$work/platform" -o "$work/$tool" "$work/src/perf/$tool.cpp" -lzmq -lpthread
done

# run_c libzmq|ours TOOL ARGS...: one of libzmq's perf tools on that library.
run_c() {
    local lib=$1 tool=$2
    shift 2
    if [ "$lib" = ours ]; then
        LD_LIBRARY_PATH=$work/prefix/lib timeout "$timeout_s" "$work/$tool" "$@"
    else
        timeout "$timeout_s" "$work/$tool" "$@"
    fi
}
# run_rust TOOL ARGS...: ferrozmq's CLI perf tool of that name.
run_rust() {
    local tool=${1//_/-}
    shift
    timeout "$timeout_s" "$ferrozmq" "$tool" "$@"
}
# impl KIND TOOL ARGS...: KIND is libzmq, ours or rust.
impl() {
    local kind=$1
    shift
    case $kind in
        rust) run_rust "$@" ;;
        *) run_c "$kind" "$@" ;;
    esac
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# pair KIND thr|lat SIZE COUNT: the tcp pair; prints msg/s (thr: local_thr's line) or us
# (lat: remote_lat's line).
pair() {
    local kind=$1 what=$2 size=$3 count=$4 port
    port=$(free_port)
    impl "$kind" "local_$what" "tcp://127.0.0.1:$port" "$size" "$count" >"$work/local.out" &
    local server=$!
    impl "$kind" "remote_$what" "tcp://127.0.0.1:$port" "$size" "$count" >"$work/remote.out"
    wait "$server"
    if [ "$what" = thr ]; then value thr "$work/local.out"; else value lat "$work/remote.out"; fi
}
# solo KIND thr|lat SIZE COUNT: the in-process tool.
solo() {
    local kind=$1 what=$2 size=$3 count=$4 out
    out=$work/last.out
    impl "$kind" "inproc_$what" "$size" "$count" >"$out"
    value "$what" "$out"
}
value() {
    if [ "$1" = thr ]; then
        sed -n 's/^mean throughput: \([0-9]*\) \[msg\/s\]$/\1/p' "$2"
    else
        sed -n 's/^average latency: \([0-9.]*\) \[us\]$/\1/p' "$2"
    fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "| case | libzmq 4.3.4 (its perf tools) | ferrozmq C ABI (the same binaries) | ferrozmq Rust API (CLI) | C ABI / Rust API | C ABI / libzmq |"
echo "|---|---|---|---|---|---|"
cases=(
    "tcp PUSH/PULL 64 B, msg/s|pair|thr|64|${THR_COUNT_64:-5000000}"
    "tcp PUSH/PULL 1 KiB, msg/s|pair|thr|1024|${THR_COUNT_1024:-1000000}"
    "tcp PUSH/PULL 64 KiB, msg/s|pair|thr|65536|${THR_COUNT_65536:-50000}"
    "tcp REQ/REP 64 B latency, us|pair|lat|64|${LAT_COUNT:-50000}"
    "inproc PUSH/PULL 64 B, msg/s|solo|thr|64|${INPROC_COUNT:-5000000}"
    "inproc REQ/REP 64 B latency, us|solo|lat|64|${INPROC_LAT_COUNT:-100000}"
)
for case in "${cases[@]}"; do
    IFS='|' read -r label runner what size count <<<"$case"
    libzmq=$("$runner" libzmq "$what" "$size" "$count")
    ours=$("$runner" ours "$what" "$size" "$count")
    rust=$("$runner" rust "$what" "$size" "$count")
    echo "| $label | $libzmq | $ours | $rust | $(ratio "$ours" "$rust") | $(ratio "$ours" "$libzmq") |"
done
echo
echo "Ratios are of the figures as printed: for throughput above 1 is faster, for latency above 1 is slower."

