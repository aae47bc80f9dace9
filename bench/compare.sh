#!/usr/bin/env bash
# ferrozmq vs libzmq, measured in one run on this machine, printed as
# Markdown ready for docs/PERFORMANCE.md.
#
# Builds `ferrozmq` (crates/ferrozmq-cli) and `libzmq-perf` (real libzmq
# 4.3.4 through the zmq crate) in release mode; both have the same
# subcommands with the same arguments and output lines. Then it runs:
#
# over tcp loopback (and the PUSH/PULL and REQ/REP rows again over ipc), in the four pairings
#   libzmq -> libzmq, ferrozmq -> ferrozmq, libzmq -> ferrozmq, ferrozmq -> libzmq
# (sender/requester side -> receiver/echo side):
#   PUSH/PULL throughput at 16 B, 64 B, 256 B, 64 KiB  (remote-thr -> local-thr)
#   REQ/REP latency at 64 B                              (remote-lat -> local-lat)
#   DEALER->ROUTER and ROUTER->DEALER throughput         (remote-dealer-thr -> local-router-thr,
#                                                         remote-router-thr -> local-dealer-thr)
#   REQ->ROUTER and DEALER->REP latency                  (remote-lat -> local-router-lat,
#                                                         remote-dealer-lat -> local-lat)
#   PUB->SUB fan-out to 1, 10, 100 subscribers           (pub-thr -> sub-thr)
#   PUB->SUB among 10,000 subscriptions, matching one
#   topic and matching none                              (pub-topics -> sub-topics)
# and in one process, libzmq vs ferrozmq (whole runs):
#   inproc PUSH/PULL throughput, inproc REQ/REP latency  (inproc-thr, inproc-lat)
#   DEALER -> ROUTER|proxy|DEALER -> DEALER throughput   (proxy-thr)
#
# Any failing or hanging run, or a report whose size, count (or subscriber
# count) differs from what was asked, stops the script with exit 1.
#
# Environment (defaults in brackets):
#   COUNT_16 [5000000] COUNT_64 [5000000] COUNT_256 [3000000] COUNT_1024 [1000000]
#   COUNT_65536 [50000]   messages per PUSH/PULL throughput run
#   LAT_COUNT [50000]     roundtrips per tcp latency run (all latency cases)
#   ROUTER_COUNT [3000000] messages per ROUTER/DEALER throughput run (64 B)
#   FANOUT_TOTAL [3000000] messages delivered per PUB/SUB fan-out run, all
#                         subscribers together (each gets FANOUT_TOTAL / S)
#   TOPICS_COUNT [3000000] messages per topic-filter run (16 B)
#   INPROC_COUNT [10000000] messages per inproc-thr run (16 B)
#   INPROC_LAT_COUNT [100000] roundtrips per inproc-lat run (64 B)
#   PROXY_COUNT [2000000] messages per proxy-thr run (16 B)
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
COUNT_1024="${COUNT_1024:-1000000}"
COUNT_65536="${COUNT_65536:-50000}"
LAT_COUNT="${LAT_COUNT:-50000}"
ROUTER_COUNT="${ROUTER_COUNT:-3000000}"
FANOUT_TOTAL="${FANOUT_TOTAL:-3000000}"
TOPICS_COUNT="${TOPICS_COUNT:-3000000}"
INPROC_COUNT="${INPROC_COUNT:-10000000}"
INPROC_LAT_COUNT="${INPROC_LAT_COUNT:-100000}"
PROXY_COUNT="${PROXY_COUNT:-2000000}"
REPEAT="${REPEAT:-1}"
TIMEOUT="${TIMEOUT:-120}"
GRACE="${GRACE:-15}"
SIZES=(16 64 256 1024 65536)
LAT_SIZE=64
ROUTER_SIZE=64
FANOUT_SIZE=16
SUBSCRIBERS=(1 10 100)
TOPICS_SIZE=16
INPROC_SIZE=16
PROXY_SIZE=16

die() {
    echo "compare.sh: FAILED: $*" >&2
    exit 1
}
log() { echo "compare.sh: $*" >&2; }

for v in COUNT_16 COUNT_64 COUNT_256 COUNT_1024 COUNT_65536 LAT_COUNT ROUTER_COUNT FANOUT_TOTAL TOPICS_COUNT \
    INPROC_COUNT INPROC_LAT_COUNT PROXY_COUNT REPEAT TIMEOUT GRACE; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v='${!v}' is not a positive integer"
done
for s in "${SUBSCRIBERS[@]}"; do
    ((FANOUT_TOTAL >= s)) || die "FANOUT_TOTAL=$FANOUT_TOTAL is less than $s subscribers"
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
LABELS=()
SLOTS=()
STALLS=""
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

# launch <slot> <impl> <tool> <args...>: starts "<impl's binary> <tool>
# <args...>" in the background under `timeout`; its output goes to
# $WORK/<slot>.out and .err.
launch() {
    local slot=$1 impl=$2 tool=$3
    shift 3
    timeout -k 5 "$TIMEOUT" "$(bin_of "$impl")" "$tool" "$@" >"$WORK/$slot.out" 2>"$WORK/$slot.err" &
    PIDS+=("$!")
    LABELS+=("$impl $tool")
    SLOTS+=("$slot")
}

# await <what>: waits for every launched process. A process that fails or
# times out, or that still runs GRACE seconds after another one finished,
# stops the script.
await() {
    local what=$1 n=${#PIDS[@]} finished=0 first="" grace_end="" i rc
    local -a done_=()
    for ((i = 0; i < n; i++)); do done_[i]=0; done
    while ((finished < n)); do
        # Once one process is done the others must follow soon: they do not
        # wait for the full TIMEOUT then.
        if [[ -n "$first" ]]; then
            if [[ -z "$grace_end" ]]; then
                grace_end=$((SECONDS + GRACE))
            elif ((SECONDS > grace_end)); then
                local late="" out=""
                for ((i = 0; i < n; i++)); do
                    if ((done_[i] == 0)); then
                        late+="${late:+ and }${LABELS[i]}"
                        out+="$(cat "$WORK/${SLOTS[i]}.err")"
                    fi
                done
                if [[ -n "$SOFT_STALL" ]]; then
                    for ((i = 0; i < n; i++)); do kill "${PIDS[i]}" 2>/dev/null || true; done
                    for ((i = 0; i < n; i++)); do wait "${PIDS[i]}" 2>/dev/null || true; done
                    PIDS=()
                    LABELS=()
                    SLOTS=()
                    STALL="$late still running ${GRACE} s after $first finished"
                    return 1
                fi
                die "$what: $late still running ${GRACE} s after $first finished (killed):
$out"
            fi
        fi
        for ((i = 0; i < n; i++)); do
            ((done_[i] == 0)) || continue
            ! kill -0 "${PIDS[i]}" 2>/dev/null || continue
            rc=0
            wait "${PIDS[i]}" || rc=$?
            ((rc == 0)) || die "$what: ${LABELS[i]} exited with status $rc$( ((rc == 124)) && echo ' (timed out)'):
$(cat "$WORK/${SLOTS[i]}.err" "$WORK/${SLOTS[i]}.out")"
            done_[i]=1
            finished=$((finished + 1))
            first="${first:-${LABELS[i]}}"
        done
        sleep 0.02
    done
    PIDS=()
    LABELS=()
    SLOTS=()
}

# expect <what> <slot> <tool> <prefix> <suffix> <value>: the report in
# <slot>.out must have the line "<prefix><value><suffix>".
expect() {
    local what=$1 report="$WORK/$2.out" tool=$3 prefix=$4 suffix=$5 want=$6 got
    got="$(field "$report" "$prefix" "$suffix")"
    [[ "$got" == "$want" ]] || die "$what: $tool printed '$prefix$got', expected $want:
$(cat "$report")"
}

# result <what> <slot> <tool> thr|lat: RESULT = the msg/s or µs of a report.
result() {
    local what=$1 report="$WORK/$2.out" tool=$3
    if [[ $4 == thr ]]; then
        RESULT="$(field "$report" "mean throughput: " " \[msg\/s\]")"
    else
        RESULT="$(field "$report" "average latency: " " \[us\]")"
    fi
    [[ -n "$RESULT" ]] || die "$what: no result line in $tool's output:
$(cat "$report")"
}

# check_report <what> <slot> <tool> thr|lat <size> <count>: checks a
# local_thr / remote_lat report and sets RESULT.
check_report() {
    local what=$1 slot=$2 tool=$3 kind=$4 size=$5 count=$6 countline="message count: "
    [[ $kind == lat ]] && countline="roundtrip count: "
    expect "$what" "$slot" "$tool" "message size: " " \[B\]" "$size"
    expect "$what" "$slot" "$tool" "$countline" "" "$count"
    result "$what" "$slot" "$tool" "$kind"
}

# pair thr|lat <remote impl> <remote tool> <local impl> <local tool> <size> <count>
# Runs the local tool (binds) and the remote one (connects) over $TRANSPORT (tcp or ipc); sets
# RESULT to msg/s (thr, from the local tool) or one-way µs (lat, from the
# remote one).
pair() {
    local kind=$1 rimpl=$2 rtool=$3 limpl=$4 ltool=$5 size=$6 count=$7
    local what="$kind $size B x $count over $TRANSPORT, $rimpl $rtool -> $limpl $ltool"
    local ep
    if [[ $TRANSPORT == ipc ]]; then
        IPC_N=$((IPC_N + 1))
        ep="ipc://$WORK/pair-$IPC_N.ipc"
    else
        free_port
        ep="tcp://127.0.0.1:$PORT"
    fi
    # A receiver left waiting after its sender finished is retried, up to three attempts in
    # all, and reported under the tables: libzmq's own local-thr does so over ipc against
    # libzmq's remote-thr (about half the runs, Linux 6.18), never with a ferrozmq end.
    local attempt
    for attempt in 1 2 3; do
        [[ $TRANSPORT == ipc ]] && rm -f "${ep#ipc://}"
        launch l "$limpl" "$ltool" "$ep" "$size" "$count"
        launch r "$rimpl" "$rtool" "$ep" "$size" "$count"
        local soft=""
        ((attempt < 3)) && soft=1
        if SOFT_STALL=$soft await "$what"; then
            break
        fi
        log "  $what: $STALL (killed; attempt $attempt, retrying)"
        STALLS+="- $what: $STALL; measured again."$'\n'
    done
    if [[ $kind == thr ]]; then
        check_report "$what" l "$ltool" thr "$size" "$count"
    else
        check_report "$what" r "$rtool" lat "$size" "$count"
    fi
    RESULT2=""
}

# run_pair thr|lat <remote impl> <local impl> <size> <count>: libzmq's
# PUSH/PULL (local-thr, remote-thr) or REQ/REP (local-lat, remote-lat) pair.
run_pair() { pair "$1" "$2" "remote-$1" "$3" "local-$1" "$4" "$5"; }

# solo thr|lat <impl> <tool> <size> <count>: an in-process tool.
solo() {
    local kind=$1 impl=$2 tool=$3 size=$4 count=$5
    local what="$impl $tool $size B x $count"
    launch s "$impl" "$tool" "$size" "$count"
    await "$what"
    check_report "$what" s "$tool" "$kind" "$size" "$count"
    RESULT2=""
}

# fanout <pub impl> <sub impl> <size> <count> <subscribers>: pub-thr ->
# sub-thr; RESULT = aggregate msg/s, RESULT2 = median per-subscriber msg/s.
fanout() {
    local pimpl=$1 simpl=$2 size=$3 count=$4 subs=$5
    local what="fan-out $size B x $count to $subs, $pimpl pub-thr -> $simpl sub-thr"
    free_port
    local ep="tcp://127.0.0.1:$PORT"
    launch p "$pimpl" pub-thr "$ep" "$size" "$count" "$subs"
    launch s "$simpl" sub-thr "$ep" "$size" "$count" "$subs"
    await "$what"
    check_report "$what" s sub-thr thr "$size" "$count"
    expect "$what" s sub-thr "subscribers: " "" "$subs"
    RESULT2="$(sed -n 's/^per-subscriber throughput: min [0-9]*, median \([0-9]*\), max [0-9]* \[msg\/s\]$/\1/p' "$WORK/s.out")"
    [[ -n "$RESULT2" ]] || die "$what: no per-subscriber line in sub-thr's output:
$(cat "$WORK/s.out")"
}

# topics <pub impl> <sub impl> <size> <count> match|miss: pub-topics ->
# sub-topics; RESULT = msg/s at the subscriber (match) or the publisher's
# send rate (miss).
topics() {
    local pimpl=$1 simpl=$2 size=$3 count=$4 mode=$5
    local what="topics $mode $size B x $count, $pimpl pub-topics -> $simpl sub-topics"
    free_port
    local ep="tcp://127.0.0.1:$PORT"
    launch p "$pimpl" pub-topics "$ep" "$size" "$count" "$mode"
    launch s "$simpl" sub-topics "$ep" "$size" "$count" "$mode"
    await "$what"
    if [[ $mode == match ]]; then
        check_report "$what" s sub-topics thr "$size" "$count"
    else
        check_report "$what" p pub-topics thr "$size" "$count"
    fi
    RESULT2=""
}

# measure <unit> <runner> <args...>: median of REPEAT runs of a runner above
# in RESULT (and that run's RESULT2).
measure() {
    local unit=$1 runner=$2 runs="" i
    shift 2
    for ((i = 0; i < REPEAT; i++)); do
        "$runner" "$@"
        runs+="$RESULT ${RESULT2:--}"$'\n'
    done
    local median
    median="$(printf '%s' "$runs" | sort -g -k1,1 | sed -n "$(((REPEAT + 1) / 2))p")"
    RESULT="${median%% *}"
    RESULT2="${median#* }"
    [[ "$RESULT2" != - ]] || RESULT2=""
    log "  $runner $*: $RESULT $unit${RESULT2:+ ($RESULT2 per subscriber)}"
}

group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[,.]\)/\1,\2\3/' -e 'ta'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
size_label() { if (($1 >= 1024 && $1 % 1024 == 0)); then echo "$(($1 / 1024)) KiB"; else echo "$1 B"; fi; }

PAIRS=("libzmq libzmq" "ferrozmq ferrozmq" "libzmq ferrozmq" "ferrozmq libzmq")
HEADER="| libzmq → libzmq | ferrozmq → ferrozmq | libzmq → ferrozmq | ferrozmq → libzmq | ferrozmq / libzmq |"
RULE="|---:|---:|---:|---:|---:|"

# row4 <label cells> <fmt: group|plain> <cell...x4>: one table row of the
# four pairings and the ferrozmq / libzmq ratio.
row4() {
    local label=$1 fmt=$2 a=$3 b=$4 c=$5 d=$6
    if [[ $fmt == group ]]; then
        echo "| $label | $(group "$a") | $(group "$b") | $(group "$c") | $(group "$d") | $(ratio "$b" "$a") |"
    else
        echo "| $label | $a | $b | $c | $d | $(ratio "$b" "$a") |"
    fi
}

TRANSPORT=tcp
IPC_N=0
# Rows where ferrozmq → ferrozmq beats libzmq → libzmq, of all rows (for the summary line).
WINS=0
ROWS=0
# tally thr|lat <ferrozmq> <libzmq>: counts one row for the summary.
tally() {
    ROWS=$((ROWS + 1))
    if awk -v kind="$1" -v f="$2" -v l="$3" 'BEGIN { exit !(kind == "thr" ? f > l : f < l) }'; then
        WINS=$((WINS + 1))
    fi
}

# pushpull_rows: the PUSH/PULL throughput rows and the REQ/REP latency row over $TRANSPORT,
# into THR_OUT and LAT_OUT.
pushpull_rows() {
    THR_OUT=""
    local size var count pairing
    for size in "${SIZES[@]}"; do
        var="COUNT_$size"
        count="${!var}"
        log "$TRANSPORT throughput $size B x $count"
        cells=()
        for pairing in "${PAIRS[@]}"; do
            measure msg/s run_pair thr $pairing "$size" "$count"
            cells+=("$RESULT")
        done
        tally thr "${cells[1]}" "${cells[0]}"
        THR_OUT+="$(row4 "$(size_label "$size") | $(group "$count")" group "${cells[@]}")"$'\n'
    done
    log "$TRANSPORT latency $LAT_SIZE B x $LAT_COUNT roundtrips"
    cells=()
    for pairing in "${PAIRS[@]}"; do
        measure us run_pair lat $pairing "$LAT_SIZE" "$LAT_COUNT"
        cells+=("$RESULT")
    done
    tally lat "${cells[1]}" "${cells[0]}"
    LAT_OUT="$(row4 "$(size_label "$LAT_SIZE") | $(group "$LAT_COUNT")" plain "${cells[@]}")"
}

pushpull_rows
THR_ROWS="$THR_OUT"
LAT_ROW="$LAT_OUT"
TRANSPORT=ipc
pushpull_rows
IPC_THR_ROWS="$THR_OUT"
IPC_LAT_ROW="$LAT_OUT"
TRANSPORT=tcp

log "ROUTER/DEALER throughput $ROUTER_SIZE B x $ROUTER_COUNT"
ROUTER_ROWS=""
for case in "DEALER → ROUTER|remote-dealer-thr|local-router-thr" "ROUTER → DEALER|remote-router-thr|local-dealer-thr"; do
    IFS='|' read -r label rtool ltool <<<"$case"
    cells=()
    for pairing in "${PAIRS[@]}"; do
        read -r rimpl limpl <<<"$pairing"
        measure msg/s pair thr "$rimpl" "$rtool" "$limpl" "$ltool" "$ROUTER_SIZE" "$ROUTER_COUNT"
        cells+=("$RESULT")
    done
    tally thr "${cells[1]}" "${cells[0]}"
    ROUTER_ROWS+="$(row4 "$label | $(size_label "$ROUTER_SIZE") | $(group "$ROUTER_COUNT")" group "${cells[@]}")"$'\n'
done

log "ROUTER/DEALER latency $LAT_SIZE B x $LAT_COUNT roundtrips"
ROUTER_LAT_ROWS=""
for case in "REQ → ROUTER|remote-lat|local-router-lat" "DEALER → REP|remote-dealer-lat|local-lat"; do
    IFS='|' read -r label rtool ltool <<<"$case"
    cells=()
    for pairing in "${PAIRS[@]}"; do
        read -r rimpl limpl <<<"$pairing"
        measure us pair lat "$rimpl" "$rtool" "$limpl" "$ltool" "$LAT_SIZE" "$LAT_COUNT"
        cells+=("$RESULT")
    done
    tally lat "${cells[1]}" "${cells[0]}"
    ROUTER_LAT_ROWS+="$(row4 "$label | $(size_label "$LAT_SIZE") | $(group "$LAT_COUNT")" plain "${cells[@]}")"$'\n'
done

FANOUT_ROWS=""
for subs in "${SUBSCRIBERS[@]}"; do
    count=$((FANOUT_TOTAL / subs))
    log "PUB/SUB fan-out $FANOUT_SIZE B x $count to $subs subscribers"
    cells=()
    per=()
    for pairing in "${PAIRS[@]}"; do
        read -r pimpl simpl <<<"$pairing"
        measure msg/s fanout "$pimpl" "$simpl" "$FANOUT_SIZE" "$count" "$subs"
        cells+=("$RESULT")
        per+=("$RESULT2")
    done
    tally thr "${cells[1]}" "${cells[0]}"
    line="| $subs | $(group "$count")"
    for i in 0 1 2 3; do line+=" | $(group "${cells[i]}") ($(group "${per[i]}"))"; done
    FANOUT_ROWS+="$line | $(ratio "${cells[1]}" "${cells[0]}") |"$'\n'
done

log "PUB/SUB topic filtering $TOPICS_SIZE B x $TOPICS_COUNT"
TOPICS_ROWS=""
for case in "match|one topic matches, msg/s at the SUB" "miss|no topic matches, PUB's send rate"; do
    IFS='|' read -r mode label <<<"$case"
    cells=()
    for pairing in "${PAIRS[@]}"; do
        read -r pimpl simpl <<<"$pairing"
        measure msg/s topics "$pimpl" "$simpl" "$TOPICS_SIZE" "$TOPICS_COUNT" "$mode"
        cells+=("$RESULT")
    done
    tally thr "${cells[1]}" "${cells[0]}"
    TOPICS_ROWS+="$(row4 "$label | $(size_label "$TOPICS_SIZE") | $(group "$TOPICS_COUNT")" group "${cells[@]}")"$'\n'
done

log "in-process: inproc-thr, inproc-lat, proxy-thr"
SOLO_ROWS=""
for case in "PUSH/PULL inproc throughput, msg/s;thr;inproc-thr;$INPROC_SIZE;$INPROC_COUNT" \
    "REQ/REP inproc latency, µs;lat;inproc-lat;$LAT_SIZE;$INPROC_LAT_COUNT" \
    "DEALER → ROUTER \\| proxy \\| DEALER → DEALER, msg/s;thr;proxy-thr;$PROXY_SIZE;$PROXY_COUNT"; do
    IFS=';' read -r label kind tool size count <<<"$case"
    cells=()
    for impl in libzmq ferrozmq; do
        measure "$([[ $kind == thr ]] && echo msg/s || echo us)" solo "$kind" "$impl" "$tool" "$size" "$count"
        cells+=("$RESULT")
    done
    tally "$kind" "${cells[1]}" "${cells[0]}"
    if [[ $kind == thr ]]; then
        SOLO_ROWS+="| $label | \`$tool\` | $(size_label "$size") | $(group "$count") | $(group "${cells[0]}") | $(group "${cells[1]}") | $(ratio "${cells[1]}" "${cells[0]}") |"$'\n'
    else
        SOLO_ROWS+="| $label | \`$tool\` | $(size_label "$size") | $(group "$count") | ${cells[0]} | ${cells[1]} | $(ratio "${cells[1]}" "${cells[0]}") |"$'\n'
    fi
done

MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "(no commit)")"
if ! git -C "$ROOT" diff-index --quiet HEAD -- 2>/dev/null ||
    [[ -n "$(git -C "$ROOT" ls-files --others --exclude-standard -- crates 2>/dev/null)" ]]; then
    REV+=" (with uncommitted changes)"
fi
cat <<MD
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on: ${MODEL:-unknown CPU} ($(nproc) cores), $(uname -sr).
ferrozmq ${REV} vs libzmq 4.3.4 (built by the \`zmq\` crate), release builds, tcp over 127.0.0.1 (ipc where marked),
$( ((REPEAT > 1)) && echo "median of $REPEAT runs per cell" || echo "one run per cell"), produced by \`bench/compare.sh\`.
Pairs read sender → receiver (\`remote-*\` → \`local-*\`); the last column compares ferrozmq → ferrozmq with libzmq → libzmq.

**Summary: ferrozmq → ferrozmq beats libzmq → libzmq on $WINS of $ROWS rows** (higher msg/s, or lower µs,
in this run).

**Throughput**, PUSH/PULL, msg/s measured at the receiver (higher is better; Mb/s = msg/s × size × 8 / 10⁶):

| size | messages $HEADER
|---:|---:$RULE
${THR_ROWS}
**Latency**, REQ/REP, average one-way µs = round trip / 2 (lower is better):

| size | roundtrips $HEADER
|---:|---:$RULE
${LAT_ROW}

**Over ipc** (a Unix socket under a temporary directory), the same PUSH/PULL throughput, msg/s:

| size | messages $HEADER
|---:|---:$RULE
${IPC_THR_ROWS}
and REQ/REP latency over ipc, one-way µs:

| size | roundtrips $HEADER
|---:|---:$RULE
${IPC_LAT_ROW}

**ROUTER/DEALER throughput**, msg/s at the receiver (\`local-router-thr\` ← \`remote-dealer-thr\`;
\`local-dealer-thr\` ← \`remote-router-thr\`, which sends to the DEALER's routing id with ROUTER_MANDATORY):

| case | size | messages $HEADER
|---|---:|---:$RULE
${ROUTER_ROWS}
**ROUTER/DEALER latency**, average one-way µs (REQ = \`remote-lat\` → \`local-router-lat\`, which echoes the
envelope; \`remote-dealer-lat\` sending ["", body] → REP = \`local-lat\`):

| case | size | roundtrips $HEADER
|---|---:|---:$RULE
${ROUTER_LAT_ROWS}
**PUB/SUB fan-out**, publisher → S subscribers (\`pub-thr\` → \`sub-thr\`, S SUB sockets in one process), $(size_label "$FANOUT_SIZE"),
aggregate msg/s delivered to all subscribers (median per-subscriber msg/s in parentheses). SNDHWM 0 on the
publisher and RCVHWM 0 on the subscribers, sending starts once all S subscriptions have arrived: every
subscriber gets every message.

| subscribers | messages each $HEADER
|---:|---:$RULE
${FANOUT_ROWS}
**PUB/SUB topic filtering**, one SUB with 10,000 subscriptions (\`pub-topics\` → \`sub-topics\`), msg/s:

| messages | size | count $HEADER
|---|---:|---:$RULE
${TOPICS_ROWS}
**In one process**, libzmq vs ferrozmq on both ends (inproc; \`inproc-thr\`/\`inproc-lat\` are libzmq's
\`inproc_thr\`/\`inproc_lat\`; \`proxy-thr\`: 2 DEALER clients → ROUTER | zmq_proxy_steerable | DEALER → 2 DEALER workers):

| case | tool | size | count | libzmq | ferrozmq | ferrozmq / libzmq |
|---|---|---:|---:|---:|---:|---:|
${SOLO_ROWS}
$([[ -z "$STALLS" ]] || printf '\nRuns repeated because a receiver was still waiting %s s after its sender finished\n(`pair` in bench/compare.sh retries; a stalled attempt is not counted):\n\n%s' "$GRACE" "$STALLS")
MD
