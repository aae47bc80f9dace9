#!/usr/bin/env bash
# Runs every check and test of the workspace on a fresh machine.
#
# The interop tests drive real libzmq (4.3.4), which the `zmq` dev-dependency builds from
# source with the system C++ compiler; this script installs one if the machine has none.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v c++ >/dev/null 2>&1; then
    echo "test.sh: installing a C++ compiler to build libzmq for the interop tests" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq g++ >/dev/null
fi

# The PLAIN/CURVE interop tests (crates/ferrozmq-zmtp/tests/pyzmq_mechanisms.rs and
# crates/ferrozmq/tests/interop/security.rs) run pyzmq, whose wheel bundles libzmq 4.3.5 with
# CURVE (the `zmq` crate's libzmq has none).
if ! python3 -c "import zmq" >/dev/null 2>&1; then
    echo "test.sh: installing pyzmq for the mechanism interop tests" >&2
    python3 -m pip install pyzmq==27.3.0
fi

# The MDP/0.2 interop tests (crates/ferrozmq-patterns/tests/patterns/majortomo.rs) run PyPI's
# majortomo broker, worker and client.
if ! python3 -c "import majortomo" >/dev/null 2>&1; then
    echo "test.sh: installing majortomo for the MDP/0.2 interop tests" >&2
    python3 -m pip install majortomo==0.2.0
fi

# The Zyre interop tests (crates/ferrozmq-zyre/tests/zyre/pyre.rs) run PyPI's pyre (ZRE v2),
# only ever inside loopback-only network namespaces the tests make themselves.
if ! python3 -c "import pyre" >/dev/null 2>&1; then
    echo "test.sh: installing zeromq-pyre for the Zyre interop tests" >&2
    python3 -m pip install zeromq-pyre==0.3.4
fi

# The beacon tests (crates/ferrozmq/tests/highlevel/beacon.rs, crates/ferrozmq-cli/tests/beacon.rs) run
# inside network namespaces of their own (unshare -n, ip from iproute2) and interoperate with
# CZMQ's zbeacon, compiled from a small C program against Debian's libczmq-dev.
if ! command -v ip >/dev/null 2>&1 || [ ! -e /usr/include/czmq.h ]; then
    echo "test.sh: installing iproute2 and libczmq-dev for the beacon tests" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq iproute2 libczmq-dev >/dev/null
fi

# The pgm/epgm interop tests (crates/ferrozmq/tests/interop/pgm.rs) run Debian's libzmq 4.3.4,
# built with OpenPGM, through ctypes, and drop packets with an nftables rule, each inside a
# loopback-only network namespace of its own.
if [ ! -e /usr/include/zmq.h ] || ! command -v nft >/dev/null 2>&1; then
    echo "test.sh: installing libzmq3-dev and nftables for the pgm interop tests" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq libzmq3-dev nftables >/dev/null
fi

# Debian's python3-zmq (pyzmq 24 built for Debian's libzmq) runs on our libzmq.so.5 through
# LD_LIBRARY_PATH alone (crates/ferrozmq-ffi/tests/c_programs.rs), with Debian's python3.
if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
    echo "test.sh: installing python3-zmq for the C ABI tests" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq python3-zmq >/dev/null
fi

# The JeroMQ interop tests (crates/ferrozmq/tests/interop/jeromq) compile a small Java peer
# against Debian's JeroMQ 0.3.6, a pure-Java ZeroMQ that speaks ZMTP/2.0.
if ! command -v javac >/dev/null 2>&1 || [ ! -e /usr/share/java/jeromq.jar ]; then
    echo "test.sh: installing a JDK and libjeromq-java for the JeroMQ interop tests" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq default-jdk-headless libjeromq-java >/dev/null
fi

# crates/ferrozmq-ffi/tests/header.rs regenerates the C ABI's zmq.h with cbindgen and compares
# it with the checked-in copy.
if ! command -v cbindgen >/dev/null 2>&1; then
    echo "test.sh: installing cbindgen for the zmq.h check" >&2
    cargo install cbindgen --version 0.29.4 --locked
fi

# The ZMTP/3.0 interop tests (crates/ferrozmq/tests/interop/libzmq41) run libzmq 4.1.5, built
# from the source bundled in pyzmq 15.4.0's sdist on PyPI (no 3.0-speaking binary is packaged).
./scripts/libzmq41.sh

# The wss interop tests (crates/ferrozmq/tests/interop/libzmq_wss.rs) run libzmq 4.3.4 built
# with GnuTLS from Debian's zeromq3 source package (no packaged libzmq here has wss).
./scripts/libzmq-wss.sh

# The draft socket interop tests (crates/ferrozmq/tests/interop/draft_sockets.rs) run npm
# zeromq 6.8.0, whose prebuilt libzmq 4.3.5 has the draft API, in a node child process; the
# bare-ZWS tests (tests/interop/jszmq.rs) run npm jszmq 0.1.2 the same way.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: installing node and npm for the draft socket interop tests" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d crates/ferrozmq/tests/interop/npm/node_modules/zeromq ] ||
    [ ! -d crates/ferrozmq/tests/interop/npm/node_modules/jszmq ]; then
    echo "test.sh: installing npm zeromq and jszmq for the draft and ws interop tests" >&2
    (cd crates/ferrozmq/tests/interop/npm && npm ci --no-audit --no-fund)
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== libzmq's own tests (core subset) on the C ABI; the full table: scripts/libzmq-suite.sh --all"
./scripts/libzmq-suite.sh

echo "== loom models of the pipes and their SPSC queue"
# crates/ferrozmq/src/loom_models/ under loom (see its module docs): a build of its own in
# target/loom, so the main build above is not invalidated; release mode and a bound of 3
# preemptions keep the run to about half a minute once built.
RUSTFLAGS="--cfg ferrozmq_loom --cfg poly1305_force_soft" LOOM_MAX_PREEMPTIONS=3 \
    CARGO_TARGET_DIR=target/loom cargo test -p ferrozmq --release --locked --lib loom_models
