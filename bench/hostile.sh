#!/usr/bin/env bash
# Hostile-peer benchmark (issue 23): the same attacks against ferrozmq and libzmq 4.3.4, one
# after the other (never two big rows at once), printing a Markdown table for
# docs/RELIABILITY.md. The attacker and the legit peers are raw ZMTP (`hostile-peer`); the
# victims are `hostile-victim` (ferrozmq) and `libzmq-hostile-victim` (libzmq), one source.
#   (a) subs N:       one SUB (ZMTP 3.0 messages) sends N distinct 199-byte subscriptions
#                     while a legit SUB receives a tick every 1 ms; then it leaves
#   (b) multipart M:  one PUSH sends M MiB of 1 MiB frames with MORE, never ending the message
#   (c) conflate S:   a fast PUSH for S seconds into a CONFLATE PULL reading 10 per second
#   (d) fds C:        C idle connections exhaust a victim run under `ulimit -n 64`; a legit
#                     PUSH connects meanwhile and sends 10 messages
# Columns: peak RSS (VmHWM) and RSS after the attacker left, in MiB; the victim's open fds at
# the peak; notes. Usage: bench/hostile.sh [--quick]  (--quick: the small rows only); on a
# machine shared with other work, `chrt -f 10 bench/hostile.sh` keeps the 1 ms ticker on time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p ferrozmq-cli -p libzmq-perf --bins
R=target/release
QUICK=${1:-}
port=47900
row() { # attack amount label victim-args...
    local attack=$1 amount=$2 label=$3
    shift 3
    port=$((port + 1))
    local ep="tcp://127.0.0.1:$port"
    for lib in ferrozmq libzmq; do
        local victim=$R/hostile-victim
        [ "$lib" = libzmq ] && victim=$R/libzmq-hostile-victim
        if [ "$attack" = fds ]; then
            timeout 600 "$R/hostile-peer" fds "$ep" "$amount" "$lib$label" -- \
                sh -c "ulimit -n 64 && exec $victim pull $ep -1 0 0" || true
        else
            timeout 600 "$R/hostile-peer" "$attack" "$ep" "$amount" "$lib$label" -- \
                "$victim" "$1" "$ep" "${@:2}" || true
        fi
        port=$((port + 1))
        ep="tcp://127.0.0.1:$port"
    done
}
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo
echo "| attack | victim | peak RSS MiB | RSS after MiB | fds | notes |"
echo "|---|---|---|---|---|---|"
row subs 20000 "" pub 1000
[ "$QUICK" = --quick ] || row subs 200000 "" pub 1000
row multipart 1024 "" pull -1 0 0
row multipart 1024 ", MAXMSGSIZE 2 MiB" pull 2097152 0 0
row conflate 5 "" pull -1 1 10
row fds 100 ", ulimit -n 64"
