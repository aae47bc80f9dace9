#!/usr/bin/env bash
# CZMQ's selftest against ferrozmq's C ABI (crates/ferrozmq-ffi, issue 21 item 5).
#
# Installs our library into target/czmq-suite/prefix (scripts/ffi-install.sh), fetches Debian's
# czmq (4.2.1) and zeromq3 (libzmq 4.3.4) source packages with `apt-get source`, and builds
# czmq_selftest twice with cmake, both with CZMQ's draft API and libzmq's (ENABLE_DRAFTS,
# ZMQ_BUILD_DRAFT_API, the most complete selftest: SERVER/CLIENT, RADIO/DISH, DGRAM, zmq_poller,
# zargs, zproc, ztimerset, ztrie, zhttp_*, zosc) and with its asserts on (no NDEBUG):
#   build/          against our zmq.h and libzmq.so.5 (ldd-checked: never Debian's libzmq)
#   build-libzmq/   against libzmq 4.3.4 built with drafts from Debian's zeromq3 source (the
#                   packaged libzmq5 has no draft symbols, so a draft czmq cannot run on it)
# Each class runs alone (`czmq_selftest -v -t CLASS`) with a timeout (a hang is backtraced with
# gdb, then killed; a crash runs again under gdb for its backtrace) inside a loopback-only
# network namespace (`unshare -n`; lo, a default route and 224.0.0.0/4 on lo), so nothing is
# ever broadcast or multicast on the machine's interfaces (so zbeacon, which wants a
# broadcast-capable interface, skips itself). The per-class table goes between the czmq-suite
# markers in docs/CONFORMANCE.md. Not part of scripts/test.sh (it takes minutes).
#
#   scripts/czmq-suite.sh
#   FERROZMQ_PREFIX=DIR scripts/czmq-suite.sh   use a prefix already made by
#                                               scripts/ffi-install.sh DIR (skips the cargo build)
#   CZMQ_SUITE_TIMEOUT=SECONDS                  per-class timeout (default 60)
#
# Sources, builds and logs stay under target/czmq-suite (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/czmq-suite
limit=${CZMQ_SUITE_TIMEOUT:-60}
mkdir -p "$work"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
jobs=$(nproc)

if [ -n "${FERROZMQ_PREFIX:-}" ]; then
    prefix=$(cd "$FERROZMQ_PREFIX" && pwd)
else
    prefix=$work/prefix
    scripts/ffi-install.sh "$prefix" >&2
fi

# cmake and czmq's optional dependencies (uuid, systemd, lz4; libcurl and libmicrohttpd make
# the zhttp_* tests real), gdb for hangs, iproute2/util-linux for the namespace.
missing=()
for package in cmake make gcc g++ pkg-config uuid-dev libsystemd-dev liblz4-dev libcurl4-openssl-dev \
    libmicrohttpd-dev gdb iproute2 util-linux dpkg-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

# shellcheck source=scripts/debian-source.sh
. scripts/debian-source.sh
debian_source_at czmq "$work/src"
debian_source_at zeromq3 "$work/libzmq-src"
czmq_version=$(dpkg-parsechangelog -l "$work/src/debian/changelog" -S Version)
libzmq_version=$(dpkg-parsechangelog -l "$work/libzmq-src/debian/changelog" -S Version)
case $czmq_version in 4.2.1-*) ;; *) echo "czmq-suite.sh: expected czmq 4.2.1, got $czmq_version" >&2 ;; esac

# The reference: libzmq from Debian's source, with its draft API (built once, about a minute).
reference=$work/libzmq
if [ ! -e "$reference/lib/libzmq.so.5" ]; then
    rm -rf "$work/libzmq-build"
    cmake -S "$work/libzmq-src" -B "$work/libzmq-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DENABLE_DRAFTS=ON -DBUILD_TESTS=OFF -DBUILD_STATIC=OFF -DWITH_DOCS=OFF -DWITH_LIBSODIUM=OFF \
        -DENABLE_CURVE=ON -DCMAKE_INSTALL_PREFIX="$reference" -Wno-dev >"$work/libzmq-cmake.log" 2>&1
    make -C "$work/libzmq-build" -j"$jobs" install >"$work/libzmq-make.log" 2>&1
fi

# build_czmq DIR ZMQ_PREFIX: czmq_selftest and its zsp helper, linked to that libzmq.
build_czmq() {
    local dir=$1 zmq=$2
    rm -rf "$dir"
    PKG_CONFIG_PATH=$zmq/lib/pkgconfig cmake -S "$work/src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DENABLE_DRAFTS=ON \
        -DCMAKE_C_FLAGS="-DZMQ_BUILD_DRAFT_API=1 -I$zmq/include" \
        -DLIBZMQ_INCLUDE_DIRS="$zmq/include" -DLIBZMQ_LIBRARIES="$zmq/lib/libzmq.so" -Wno-dev >"$dir.cmake.log" 2>&1
    make -C "$dir" -j"$jobs" czmq_selftest zsp >"$dir.make.log" 2>&1
    local loads
    loads=$(LD_LIBRARY_PATH=$zmq/lib ldd "$dir/czmq_selftest")
    if ! grep -q "libzmq.so.5 => $zmq/lib/libzmq.so.5 " <<<"$loads" ||
        ! grep -q "libczmq.so.4 => $dir/libczmq.so.4 " <<<"$loads"; then
        echo "czmq-suite.sh: $dir/czmq_selftest does not load $zmq/lib/libzmq.so.5 and its own libczmq:" >&2
        printf '%s\n' "$loads" >&2
        exit 1
    fi
}
build_czmq "$work/build" "$prefix"
build_czmq "$work/build-libzmq" "$reference"

# The runner, executed as root inside the namespace (then as the caller again, via setpriv):
# run-classes.sh BUILD LIBDIR OUT CLASS... writes OUT/CLASS.log and "CLASS STATUS SECONDS" lines
# to OUT/status; a class still running after the timeout gets OUT/CLASS.gdb and status 124, one
# that crashed runs again under gdb for OUT/CLASS.bt.
cat >"$work/run-classes.sh" <<'RUNNER'
#!/usr/bin/env bash
set -u
build=$1 lib=$2 out=$3 src=$4 limit=$5
shift 5
rm -rf "$out" && mkdir -p "$out"
for class in "$@"; do
    dir=$out/$class
    mkdir -p "$dir/src/selftest-rw"
    cp -r "$src/src/selftest-ro" "$dir/src/"
    ln -s "$build/zsp" "$dir/src/zsp"
    start=$SECONDS
    (cd "$dir" && LD_LIBRARY_PATH=$lib exec "$build/czmq_selftest" -v -t "$class") >"$out/$class.log" 2>&1 </dev/null &
    pid=$!
    for ((tick = 0; tick < limit * 10; tick++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        gdb -p "$pid" -batch -ex "thread apply all bt 30" >"$out/$class.gdb" 2>&1
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null
        status=124
    else
        wait "$pid"
        status=$?
    fi
    echo "$class $status $((SECONDS - start))" >>"$out/status"
    # A crash (an assert's abort, a segfault): once more under gdb, for the backtrace.
    if [ "$status" -gt 128 ] && [ "$status" != 137 ]; then
        rm -rf "$dir/src/selftest-rw" && mkdir "$dir/src/selftest-rw"
        (cd "$dir" && LD_LIBRARY_PATH=$lib timeout "$limit" gdb -batch -ex run -ex bt \
            --args "$build/czmq_selftest" -t "$class") >"$out/$class.bt" 2>&1 </dev/null
    fi
done
RUNNER
chmod +x "$work/run-classes.sh"

# in_namespace COMMAND...: COMMAND in a fresh network namespace holding only lo (with a
# default route and the multicast range on it).
in_namespace() {
    local setup="ip link set lo up && ip route add default dev lo && ip route add 224.0.0.0/4 dev lo"
    local drop=()
    if [ -n "$SUDO" ]; then
        drop=(setpriv --reuid="$(id -u)" --regid="$(id -g)" --clear-groups)
    fi
    $SUDO unshare -n -- bash -c "$setup"' && exec "$@"' namespace "${drop[@]}" "$@"
}

classes=$("$work/build/czmq_selftest" -l | awk 'NR > 1 && $1 != "private_classes" { print $1 }')
run() { # run NAME BUILD LIBDIR CLASS...
    local name=$1 build=$2 lib=$3
    shift 3
    echo "czmq-suite.sh: $name: $*" >&2
    in_namespace "$work/run-classes.sh" "$build" "$lib" "$work/run-$name" "$work/src" "$limit" "$@"
}
started=$SECONDS
# shellcheck disable=SC2086 # one word a class
run ours "$work/build" "$prefix/lib" $classes
# shellcheck disable=SC2086
run libzmq "$work/build-libzmq" "$reference/lib" $classes
elapsed=$((SECONDS - started))

python3 - "$work" "$root/docs/CONFORMANCE.md" "$czmq_version" "$libzmq_version" \
    "$(git rev-parse --short HEAD)" "$limit" "$elapsed" <<'PY'
import datetime, os, re, sys
work, doc, czmq_version, libzmq_version, commit, limit, elapsed = sys.argv[1:]

def results(name):
    path = os.path.join(work, f"run-{name}", "status")
    out = {}
    if os.path.exists(path):
        for line in open(path):
            cls, status, seconds = line.split()
            out[cls] = (int(status), int(seconds))
    return out

def log(name, cls):
    path = os.path.join(work, f"run-{name}", f"{cls}.log")
    return open(path, errors="replace").read() if os.path.exists(path) else ""

def clean(text, width=160):
    text = re.sub(r"\s+", " ", text.replace("|", "/").replace("`", "'")).strip()
    return text[:width]

def verdict(name, cls):
    """(kind, short result, detail) of one class in one run."""
    status, seconds = results(name)[cls]
    text = log(name, cls)
    lines = [l for l in text.splitlines() if l.strip()]
    if status == 0:
        if "skipping test, no UDP broadcasting" in text:
            return "n/a", "n/a", "skipped itself: no broadcast-capable interface (the namespace has only lo)"
        notes = [l.strip() for l in lines if "SKIPPED" in l or re.match(r"ziflist: interfaces=", l)]
        return "pass", "pass", clean("; ".join(dict.fromkeys(notes)))
    if status == 124:
        gdb = os.path.join(work, f"run-{name}", f"{cls}.gdb")
        frames = []
        if os.path.exists(gdb):
            frames = re.findall(r" in (z\w+) \(", open(gdb, errors="replace").read())
        where = f"; czmq frames in the backtrace: {', '.join(dict.fromkeys(frames[:6]))}" if frames else ""
        return "timeout", f"timeout ({limit} s)", clean("last output: " + " / ".join(lines[-2:]) + where, 300)
    assertion = [l for l in lines if "Assertion" in l or "symbol lookup error" in l]
    detail = assertion[0] if assertion else "last output: " + " / ".join(lines[-2:])
    bt = os.path.join(work, f"run-{name}", f"{cls}.bt")
    if os.path.exists(bt):
        # czmq's frames under the assert: "in zsock_new_checked (type=type@entry=18, ...) at .../zsock.c:88"
        frames = re.findall(r"^#\d+ +(?:0x\w+ in )?(z\w+) \((.*)\) at \S*/(\w+\.c):(\d+)$",
                            open(bt, errors="replace").read(), re.M)
        calls = []
        for func, args, file, line in frames[:4]:
            args = re.sub(r"(\w+)=\1@entry=", r"\1=", args)
            args = re.sub(r"0x[0-9a-f]+ (?=\")", "", args)
            args = ", ".join(a for a in args.split(", ") if not a.startswith(("filename=", "line_nbr=", "verbose=")))
            calls.append(f"{func}({args[:40]}) {file}:{line}")
        if calls:
            detail += "; backtrace: " + " < ".join(calls)
    detail = re.sub(r"\S*/target/czmq-suite/src/", "", detail)
    signal = f", signal {status - 128}" if status > 128 else ""
    return "fail", f"fail (exit {status}{signal})", clean(detail, 400)

ours, reference = results("ours"), results("libzmq")
counts = {"pass": 0, "fail": 0, "timeout": 0, "n/a": 0}
rows = []
for cls in ours:
    kind, short, detail = verdict("ours", cls)
    counts[kind] += 1
    ref = verdict("libzmq", cls)[1] if cls in reference else "not run"
    rows.append(f"| {cls} | {short} | {ref} | {detail} |")
lines = [
    "## CZMQ's selftest on ferrozmq's C ABI",
    "",
    f"Written by `scripts/czmq-suite.sh` at commit {commit} on {datetime.date.today()}: Debian's czmq "
    f"{czmq_version} source package built with cmake (`ENABLE_DRAFTS=ON`, `-DZMQ_BUILD_DRAFT_API`, asserts on)"
    " against crates/ferrozmq-ffi's zmq.h and libzmq.so.5 (ldd-checked), each class run alone"
    f" (`czmq_selftest -v -t CLASS`, {limit} s timeout) in a loopback-only network namespace."
    f" *libzmq 4.3.4* is the same czmq built against libzmq from Debian's zeromq3 {libzmq_version}"
    " source with its draft API (the packaged libzmq5 has no draft symbols), run the same way."
    " The namespace holds loopback alone, so zbeacon, which needs a broadcast-capable interface,"
    " skips itself and ziflist finds no interface, on both libraries."
    f" The runs took {elapsed} s.",
    "",
    f"**On ours: {counts['pass']} pass, {counts['fail']} fail, {counts['timeout']} timeout, "
    f"{counts['n/a']} n/a (of {len(ours)} classes, loopback-only namespace).**",
    "",
    "| class | ours | libzmq 4.3.4 | first failing assertion / last output / notes (ours) |",
    "|---|---|---|---|",
    *rows,
]
begin, end = "<!-- czmq-suite begin -->", "<!-- czmq-suite end -->"
text = open(doc).read()
block = begin + "\n" + "\n".join(lines) + "\n" + end
if begin in text:
    text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(text)
print(f"czmq-suite.sh: on ours {counts}; table in {doc}", file=sys.stderr)
PY
