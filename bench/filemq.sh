#!/usr/bin/env bash
# FileMQ throughput on one 1 GiB file over tcp loopback, against three floors: reading the
# file (`cat testdata > /dev/null`, from the page cache after the first read), copying it
# (`cp`, the guide's own baseline: FileMQ writes what it receives too) and the guide's
# fileio3 (credit-based chunk pipelining, no protocol around it, nothing written). FileMQ runs as
# `ferrozmq filemq serve` + `ferrozmq filemq sync` (two processes, resync on, SHA-1 of the
# received file not counted). fileio3 binds the guide's fixed port 6000, so it runs in a
# loopback-only network namespace of its own (`unshare -n`, needs root).
# Usage: bench/filemq.sh [MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
mib="${1:-1024}"
cargo build --release --locked -q -p ferrozmq-cli -p ferrozmq-filemq --examples --bins
bin="$PWD/target/release"
work="$(mktemp -d)"
trap 'kill "${server:-}" "${client:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/send" "$work/recv"
head -c "$((mib * 1048576))" /dev/urandom > "$work/send/testdata"
touch -d '-10 sec' "$work/send/testdata"
now() { date +%s.%N; }
rate() { awk -v mib="$mib" -v s="$1" -v e="$2" 'BEGIN { t = e - s; printf "%.2f s  %.0f MiB/s\n", t, mib / t }'; }

cat "$work/send/testdata" > /dev/null   # warm the page cache once
start=$(now); cat "$work/send/testdata" > /dev/null; end=$(now)
echo "cat testdata > /dev/null: $(rate "$start" "$end")"

start=$(now); cp "$work/send/testdata" "$work/copy"; sync; end=$(now); rm -f "$work/copy"
echo "cp testdata copy; sync:   $(rate "$start" "$end")"

start=$(now)
(cd "$work/send" && unshare -n sh -c 'ip link set lo up && exec "$0"' "$bin/examples/fileio3")
end=$(now)
echo "fileio3:                  $(rate "$start" "$end")"

"$bin/ferrozmq" filemq serve "$work/send" -b 'tcp://127.0.0.1:*' > "$work/serve.out" &
server=$!
until grep -q ' on tcp://' "$work/serve.out" 2>/dev/null; do sleep 0.05; done
endpoint=$(sed -n 's/.* on //p' "$work/serve.out")
start=$(now)
"$bin/ferrozmq" filemq sync "$endpoint" / "$work/recv" 2>/dev/null > "$work/sync.out" &
client=$!
until grep -q 'I: received /testdata' "$work/sync.out" 2>/dev/null; do sleep 0.01; done
sync
end=$(now)
echo "ferrozmq filemq sync; sync: $(rate "$start" "$end")"
cmp "$work/send/testdata" "$work/recv/testdata" && echo "received file identical"
