#!/usr/bin/env bash
# libzmq's own test suite against ferrozmq's C ABI (crates/ferrozmq-ffi, issue 21).
#
# Fetches Debian's zeromq3 source package with `apt-get source` (adding a deb-src entry for the
# machine's Debian suites if it has none), builds each tests/test_*.cpp with the bundled Unity
# and testutil against our zmq.h and libzmq.so.5, runs each with a timeout and writes a per-file
# pass/fail table to docs/CONFORMANCE.md (--all) or target/libzmq-suite/CONFORMANCE-core.md.
#
#   scripts/libzmq-suite.sh            the core subset (REQ/REP, PAIR, PUB/SUB/XPUB, msg, sockopt, ctx, timers,
#                                      ws, wss, ROUTER, RECONNECT_IVL, DGRAM, zmq_has, SOCKS, CURVE)
#   scripts/libzmq-suite.sh --all      every tests/test_*.cpp
#   scripts/libzmq-suite.sh test_a ... the named tests only (table beside the sources)
#
# libzmq's sources stay under target/ (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/libzmq-suite
mkdir -p "$work"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi

# shellcheck source=scripts/debian-source.sh
. scripts/debian-source.sh
debian_source_at zeromq3 "$work/src"

# Our library, as libzmq.so and libzmq.so.5, and our header in place of libzmq's.
cargo build -q -p ferrozmq-ffi --locked
lib=$work/lib
mkdir -p "$lib"
ln -sf "$root/target/debug/libferrozmq_ffi.so" "$lib/libzmq.so"
ln -sf "$root/target/debug/libferrozmq_ffi.so" "$lib/libzmq.so.5"
cp "$root/crates/ferrozmq-ffi/include/zmq.h" "$work/src/include/zmq.h"
rm -f "$work/src/include/zmq_utils.h"
# testutil.hpp takes this platform header instead of the one libzmq's configure writes.
cat >"$work/platform.hpp" <<'PLATFORM'
#define ZMQ_HAVE_LINUX 1
#define ZMQ_HAVE_IPC 1
#define ZMQ_HAVE_CURVE 1
#define ZMQ_HAVE_OPENPGM 1
#define ZMQ_HAVE_SO_PEERCRED 1
#define ZMQ_HAVE_UIO 1
PLATFORM

# Every test runs in a network namespace of its own holding loopback alone, with the
# multicast range routed through it: test_radio_dish multicasts, and discovery traffic never
# leaves the box. (There lo hands a datagram back even under IP_MULTICAST_LOOP 0, and IPv6
# multicast is unavailable, so test_radio_dish ignores its IPv6 multicast cases.)
box_setup='ip link set lo up && ip route add 224.0.0.0/4 dev lo'
in_box() {
    if [ "$(id -u)" = 0 ]; then
        unshare -n sh -c "$box_setup"' && exec "$@"' box "$@"
    else
        sudo unshare -n sh -c "$box_setup"' && exec sudo -u "$0" "$@"' "$(id -un)" "$@"
    fi
}

tests=$work/src/tests
obj=$work/obj
mkdir -p "$obj"
flags=(-std=gnu++11 -O0 -w -DZMQ_BUILD_DRAFT_API -DZMQ_CUSTOM_PLATFORM_HPP -I"$work" -I"$work/src/external/unity")
gcc -c -w -I"$work/src/external/unity" "$work/src/external/unity/unity.c" -o "$obj/unity.o"
support=("$obj/unity.o")
for util in testutil testutil_unity testutil_monitoring testutil_security; do
    if g++ "${flags[@]}" -c "$tests/$util.cpp" -o "$obj/$util.o" 2>"$obj/$util.log"; then
        support+=("$obj/$util.o")
    else
        echo "libzmq-suite.sh: $util.cpp does not build:" >&2
        head -5 "$obj/$util.log" >&2
    fi
done

# test_security_curve crafts handshakes with libzmq's own CURVE client code
# (src/curve_client_tools.hpp over its tweetnacl): its binary gets that code, built from the same
# sources, and a shim for the internals it calls (random_open/close, zmq_abort). The library
# under test is still ours.
cat >"$obj/curve_internals.cpp" <<'SHIM'
#include <cstdio>
#include <cstdlib>
namespace zmq {
void random_open () {}
void random_close () {}
void zmq_abort (const char *errmsg_) { fprintf (stderr, "%s\n", errmsg_); abort (); }
}
SHIM
curve_support=("$obj/tweetnacl.o" "$obj/curve_internals.o")
g++ -x c++ -fpermissive -O1 -w -DZMQ_USE_TWEETNACL -DZMQ_HAVE_GETRANDOM -I"$work" -I"$work/src/src" \
    -c "$work/src/src/tweetnacl.c" -o "$obj/tweetnacl.o"
g++ -O1 -c "$obj/curve_internals.cpp" -o "$obj/curve_internals.o"

if [ "${1:-}" = "--all" ]; then
    names=$(cd "$tests" && ls test_*.cpp | sed 's/\.cpp$//')
elif [ $# -gt 0 ]; then
    names="$*"
else
    names=$(cd "$tests" && for pattern in test_reqrep_ test_pair_ test_pub test_sub test_xpub_ \
        test_msg_ test_sockopt test_ctx_ test_timers test_ws_transport test_wss_transport \
        test_router_ test_reconnect_ivl test_dgram test_capabilities test_socks test_security_curve; do
        ls "$pattern"*.cpp 2>/dev/null || true
    done |
        sed 's/\.cpp$//')
fi

# The full run's table is the committed one; CI's core subset writes beside the sources.
if [ "${1:-}" = "--all" ]; then report=$root/docs/CONFORMANCE.md; else report=$work/CONFORMANCE-core.md; fi
table=$work/table.md
: >"$table"
passed=0
total=0
for name in $names; do
    total=$((total + 1))
    extra=()
    if [ "$name" = test_security_curve ]; then extra=(-DZMQ_USE_TWEETNACL "${curve_support[@]}"); fi
    if ! g++ "${flags[@]}" "$tests/$name.cpp" "${support[@]}" "${extra[@]}" -L"$lib" -lzmq -lpthread \
        -o "$obj/$name" 2>"$obj/$name.build.log"; then
        why=$(grep -m1 -o "error: .*" "$obj/$name.build.log" | cut -c1-120 | tr '|' '/' || true)
        echo "| $name | does not build | $why |" >>"$table"
        continue
    fi
    set +e
    (cd "$obj" && in_box env LD_LIBRARY_PATH="$lib" timeout 60 "./$name" >"$name.log" 2>&1)
    status=$?
    set -e
    summary=$(grep -E "^[0-9]+ Tests [0-9]+ Failures" "$obj/$name.log" | tail -1 || true)
    if [ $status = 0 ]; then
        passed=$((passed + 1))
        echo "| $name | pass | $summary |" >>"$table"
    elif [ $status = 77 ]; then
        echo "| $name | not applicable | skipped itself (exit 77): $(grep -m1 -i "skip" "$obj/$name.log" | cut -c1-80 | tr '|' '/' || true) |" >>"$table"
    elif [ $status = 142 ]; then
        echo "| $name | fail: timeout (the test's own alarm) | $summary |" >>"$table"
    elif [ $status = 124 ]; then
        echo "| $name | fail: timeout (60 s) | $summary |" >>"$table"
    else
        failed=$(grep -m3 -o ":FAIL.*" "$obj/$name.log" | cut -c1-100 | tr '|' '/' | paste -sd ' ' - || true)
        echo "| $name | fail (exit $status) | $summary $failed |" >>"$table"
    fi
    echo "$name: $(tail -1 "$table" | cut -d'|' -f3)"
done

commit=$(git rev-parse --short HEAD)
# The pyzmq and czmq suites' sections (scripts/pyzmq-suite.sh, scripts/czmq-suite.sh) live in
# the same file, and so do the notes written by hand on the table (what we differ on, and why):
# keep them.
kept=""
notes=""
if [ -f "$report" ]; then
    kept=$(awk '/<!-- (py|c)zmq-suite begin -->/ { on = 1; if (n++) print "" } on { print }
        /<!-- (py|c)zmq-suite end -->/ { on = 0 }' "$report")
    notes=$(sed -n '/<!-- libzmq-notes begin -->/,/<!-- libzmq-notes end -->/p' "$report")
fi
{
    echo "# Conformance: libzmq's own test suite on ferrozmq's C ABI"
    echo
    echo "Written by \`scripts/libzmq-suite.sh ${1:-}\` at commit $commit on $(date -u +%Y-%m-%d):"
    echo "Debian's zeromq3 $(cd "$work/src" && dpkg-parsechangelog -S Version 2>/dev/null || echo '?')"
    echo "source package, each \`tests/<name>.cpp\` built with its Unity and testutil against"
    echo "crates/ferrozmq-ffi's zmq.h and libzmq.so.5 (with ZMQ_BUILD_DRAFT_API, as libzmq's CI) and run with a"
    echo "60 s timeout, each in a network namespace of its own holding loopback alone. $passed of"
    echo "$total pass."
    echo
    if [ -n "$notes" ]; then
        printf '%s\n\n' "$notes"
    fi
    echo "*does not build*: the compiler's first error is shown (a name our zmq.h lacks or a platform"
    echo "header the machine lacks). *not applicable*: the test skipped itself (exit 77),"
    echo "e.g. TIPC absent or a fuzzer test without its fuzzing engine. *fail*: Unity's first"
    echo "failed assertions, to be fixed in ferrozmq or listed as a deliberate difference."
    echo "test_security_curve drives handshakes with libzmq's own CURVE client code, built into its"
    echo "binary from the same sources (the library under test is still ours)."
    echo
    echo "| test | result | Unity summary / first failures |"
    echo "|---|---|---|"
    cat "$table"
    if [ -n "$kept" ]; then
        echo
        printf '%s\n' "$kept"
    fi
} >"$report"
echo "libzmq-suite.sh: $passed of $total pass; table in $report"
# The core subset is CI's gate (scripts/test.sh): any failing row fails the run.
if [ $# -eq 0 ] && grep -q "| fail" "$table"; then
    exit 1
fi
