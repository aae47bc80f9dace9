#!/usr/bin/env bash
# ferrozmq vs libzmq, measured in one run on this machine, printed as
# Markdown ready for docs/PERFORMANCE.md.
#
# Builds `ferrozmq` (crates/ferrozmq-cli) and `libzmq-perf` (real libzmq
# 4.3.4 through the zmq crate) in release mode, then runs libzmq's perf-tool
# pairs over tcp loopback in the four pairings
#   libzmq -> libzmq, ferrozmq -> ferrozmq, libzmq -> ferrozmq, ferrozmq -> libzmq
# (sender/REQ side -> receiver/REP side, i.e. remote-* -> local-*):
#   PUSH/PULL throughput at 16 B, 64 B, 256 B, 64 KiB  (local-thr + remote-thr)
#   REQ/REP latency at 64 B                              (local-lat + remote-lat)
# Any failing or hanging run, or a local-thr / remote-lat whose printed
# size or count differs from what was asked, stops the script with exit 1.
#
# Environment (defaults in brackets):
#   COUNT_16 [5000000] COUNT_64 [5000000] COUNT_256 [3000000]
#   COUNT_65536 [50000]   messages per throughput run
#   LAT_COUNT [50000]     roundtrips per latency run
#   REPEAT [1]            runs per cell; the median is reported
#   TIMEOUT [120]         seconds before a run is killed and counts as failed
#   GRACE [15]            seconds the other side of a pair may run on once
#                         one side has finished
#   FERROZMQ_BIN, LIBZMQ_PERF_BIN   use these binaries and skip the build
#   CARGO_TARGET_DIR      where cargo builds (default: <repo>/target)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT_16="${COUNT_16:-5000000}"
COUNT_64="${COUNT_64:-5000000}"
COUNT_256="${COUNT_256:-3000000}"
COUNT_65536="${COUNT_65536:-50000}"
LAT_COUNT="${LAT_COUNT:-50000}"
REPEAT="${REPEAT:-1}"
TIMEOUT="${TIMEOUT:-120}"
GRACE="${GRACE:-15}"
SIZES=(16 64 256 65536)
LAT_SIZE=64

die() {
    echo "compare.sh: FAILED: $*" >&2
    exit 1
}
log() { echo "compare.sh: $*" >&2; }

for v in COUNT_16 COUNT_64 COUNT_256 COUNT_65536 LAT_COUNT REPEAT TIMEOUT GRACE; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v='${!v}' is not a positive integer"
done

if [[ -n "${FERROZMQ_BIN:-}" && -n "${LIBZMQ_PERF_BIN:-}" ]]; then
    log "using FERROZMQ_BIN=$FERROZMQ_BIN LIBZMQ_PERF_BIN=$LIBZMQ_PERF_BIN (no build)"
else
    log "building ferrozmq and libzmq-perf (release)"
    (cd "$ROOT" && cargo build --release -p ferrozmq-cli -p libzmq-perf) >&2 ||
        die "cargo build failed"
    target="${CARGO_TARGET_DIR:-$ROOT/target}"
    [[ "$target" = /* ]] || target="$ROOT/$target"
    FERROZMQ_BIN="$target/release/ferrozmq"
    LIBZMQ_PERF_BIN="$target/release/libzmq-perf"
fi
for b in "$FERROZMQ_BIN" "$LIBZMQ_PERF_BIN"; do
    [[ -x "$b" ]] || die "$b is not an executable"
done

bin_of() { if [[ $1 == ferrozmq ]]; then echo "$FERROZMQ_BIN"; else echo "$LIBZMQ_PERF_BIN"; fi; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# A loopback port nobody listens on (probed with bash's /dev/tcp).
NEXT_PORT=$((20000 + $$ % 20000))
free_port() {
    while (exec 3<>"/dev/tcp/127.0.0.1/$NEXT_PORT") 2>/dev/null; do
        NEXT_PORT=$((NEXT_PORT + 1))
    done
    PORT=$NEXT_PORT
    NEXT_PORT=$((NEXT_PORT + 1))
}

# Value of the line "<prefix><value><suffix>" in a file, or nothing.
field() { sed -n "s/^$2\(.*\)$3\$/\1/p" "$1" | head -n1; }

# run_pair thr|lat <remote impl> <local impl> <size> <count>
# Runs local-<kind> (binds) and remote-<kind> (connects); sets RESULT to
# msg/s (thr, from local-thr) or one-way µs (lat, from remote-lat).
run_pair() {
    local kind=$1 rimpl=$2 limpl=$3 size=$4 count=$5
    local what="$kind $size B x $count, $rimpl remote-$kind -> $limpl local-$kind"
    free_port
    local ep="tcp://127.0.0.1:$PORT" lo="$WORK/l.out" le="$WORK/l.err" ro="$WORK/r.out" re="$WORK/r.err"
    timeout -k 5 "$TIMEOUT" "$(bin_of "$limpl")" "local-$kind" "$ep" "$size" "$count" >"$lo" 2>"$le" &
    local lpid=$!
    timeout -k 5 "$TIMEOUT" "$(bin_of "$rimpl")" "remote-$kind" "$ep" "$size" "$count" >"$ro" 2>"$re" &
    local rpid=$!
    PIDS=("$lpid" "$rpid")
    local ldone=0 rdone=0 rc grace_end=""
    while ((ldone == 0 || rdone == 0)); do
        # Once one side is done the other must follow soon: it does not
        # wait for the full TIMEOUT then.
        if ((ldone + rdone == 1)); then
            if [[ -z "$grace_end" ]]; then
                grace_end=$((SECONDS + GRACE))
            elif ((SECONDS > grace_end)); then
                local late="$rimpl remote-$kind" early="$limpl local-$kind" out="$re"
                ((ldone == 0)) && late="$limpl local-$kind" early="$rimpl remote-$kind" out="$le"
                die "$what: $late still running ${GRACE} s after $early finished (killed):
$(cat "$out")"
            fi
        fi
        if ((ldone == 0)) && ! kill -0 "$lpid" 2>/dev/null; then
            rc=0; wait "$lpid" || rc=$?
            ((rc == 0)) || die "$what: $limpl local-$kind exited with status $rc$( ((rc == 124)) && echo ' (timed out)'):
$(cat "$le" "$lo")"
            ldone=1
        fi
        if ((rdone == 0)) && ! kill -0 "$rpid" 2>/dev/null; then
            rc=0; wait "$rpid" || rc=$?
            ((rc == 0)) || die "$what: $rimpl remote-$kind exited with status $rc$( ((rc == 124)) && echo ' (timed out)'):
$(cat "$re" "$ro")"
            rdone=1
        fi
        sleep 0.02
    done
    PIDS=()
    local report="$lo" tool="local-thr" countline="message count: "
    if [[ $kind == lat ]]; then report="$ro" tool="remote-lat" countline="roundtrip count: "; fi
    local got_size got_count
    got_size="$(field "$report" "message size: " " \[B\]")"
    got_count="$(field "$report" "$countline" "")"
    [[ "$got_size" == "$size" ]] || die "$what: $tool printed message size '$got_size', expected $size:
$(cat "$report")"
    [[ "$got_count" == "$count" ]] || die "$what: $tool printed count '$got_count', expected $count:
$(cat "$report")"
    if [[ $kind == thr ]]; then
        RESULT="$(field "$report" "mean throughput: " " \[msg\/s\]")"
    else
        RESULT="$(field "$report" "average latency: " " \[us\]")"
    fi
    [[ -n "$RESULT" ]] || die "$what: no result line in $tool's output:
$(cat "$report")"
}

# measure thr|lat <remote impl> <local impl> <size> <count>: median of REPEAT runs in RESULT.
measure() {
    local values=() i
    for ((i = 0; i < REPEAT; i++)); do
        run_pair "$@"
        values+=("$RESULT")
    done
    RESULT="$(printf '%s\n' "${values[@]}" | sort -g | sed -n "$(((REPEAT + 1) / 2))p")"
    log "  $1 $4 B, $2 -> $3: $RESULT $([[ $1 == thr ]] && echo msg/s || echo us)"
}

group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[,.]\)/\1,\2\3/' -e 'ta'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
size_label() { if (($1 >= 1024 && $1 % 1024 == 0)); then echo "$(($1 / 1024)) KiB"; else echo "$1 B"; fi; }

PAIRS=("libzmq libzmq" "ferrozmq ferrozmq" "libzmq ferrozmq" "ferrozmq libzmq")
HEADER="| libzmq → libzmq | ferrozmq → ferrozmq | libzmq → ferrozmq | ferrozmq → libzmq | ferrozmq / libzmq |"
RULE="|---:|---:|---:|---:|---:|"

THR_ROWS=""
for size in "${SIZES[@]}"; do
    var="COUNT_$size"
    count="${!var}"
    log "throughput $size B x $count"
    cells=()
    for pair in "${PAIRS[@]}"; do
        measure thr $pair "$size" "$count"
        cells+=("$RESULT")
    done
    THR_ROWS+="| $(size_label "$size") | $(group "$count") | $(group "${cells[0]}") | $(group "${cells[1]}") | $(group "${cells[2]}") | $(group "${cells[3]}") | $(ratio "${cells[1]}" "${cells[0]}") |"$'\n'
done

log "latency $LAT_SIZE B x $LAT_COUNT roundtrips"
cells=()
for pair in "${PAIRS[@]}"; do
    measure lat $pair "$LAT_SIZE" "$LAT_COUNT"
    cells+=("$RESULT")
done
LAT_ROW="| $(size_label "$LAT_SIZE") | $(group "$LAT_COUNT") | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} | $(ratio "${cells[1]}" "${cells[0]}") |"

MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "(no commit)")"
if ! git -C "$ROOT" diff-index --quiet HEAD -- 2>/dev/null ||
    [[ -n "$(git -C "$ROOT" ls-files --others --exclude-standard -- crates 2>/dev/null)" ]]; then
    REV+=" (with uncommitted changes)"
fi
cat <<MD
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on: ${MODEL:-unknown CPU} ($(nproc) cores), $(uname -sr).
ferrozmq ${REV} vs libzmq 4.3.4 (built by the \`zmq\` crate), release builds, tcp over 127.0.0.1,
$( ((REPEAT > 1)) && echo "median of $REPEAT runs per cell" || echo "one run per cell"), produced by \`bench/compare.sh\`.
Pairs read sender → receiver (\`remote-*\` → \`local-*\`); the last column compares ferrozmq → ferrozmq with libzmq → libzmq.

**Throughput**, PUSH/PULL, msg/s measured at the receiver (higher is better; Mb/s = msg/s × size × 8 / 10⁶):

| size | messages $HEADER
|---:|---:$RULE
${THR_ROWS}
**Latency**, REQ/REP, average one-way µs = round trip / 2 (lower is better):

| size | roundtrips $HEADER
|---:|---:$RULE
${LAT_ROW}
MD
