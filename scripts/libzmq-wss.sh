#!/usr/bin/env bash
# Builds libzmq 4.3.4 with GnuTLS, the wss-speaking libzmq of the wss interop tests
# (crates/ferrozmq/tests/interop/libzmq_wss). Debian's libzmq5, npm zeromq's and pyzmq's
# wheel are all built without wss, so it is compiled here from Debian's zeromq3 source
# package (`apt-get source`, scripts/debian-source.sh) with cmake:
# WITH_TLS and drafts on, no CURVE, no tests, into target/peers/libzmq-4.3.4-wss (include/ and
# lib/libzmq.so.5). About a minute on two cores.
#
#   scripts/libzmq-wss.sh          (scripts/test.sh runs it when the library is missing)
set -euo pipefail
cd "$(dirname "$0")/.."

out=$PWD/target/peers/libzmq-4.3.4-wss
if [ -e "$out/lib/libzmq.so.5" ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
if ! command -v cmake >/dev/null 2>&1 || ! pkg-config --exists gnutls; then
    echo "libzmq-wss.sh: installing cmake and libgnutls28-dev to build a wss libzmq" >&2
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq cmake libgnutls28-dev >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. scripts/debian-source.sh
debian_source zeromq3 "$work"
src=$(echo "$work"/zeromq3-*/)
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$out" \
    -DCMAKE_INSTALL_LIBDIR=lib -DWITH_TLS=ON -DENABLE_WS=ON -DENABLE_DRAFTS=ON \
    -DENABLE_CURVE=OFF -DWITH_LIBSODIUM=OFF -DBUILD_TESTS=OFF -DBUILD_STATIC=OFF \
    -DWITH_DOCS=OFF -DWITH_PERF_TOOL=OFF >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log" >&2; exit 1; }
grep -q "Enable WSS transport" "$work/cmake.log" ||
    { echo "libzmq-wss.sh: cmake did not enable wss" >&2; exit 1; }
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log" >&2; exit 1; }
cmake --install "$work/build" >/dev/null
echo "libzmq-wss.sh: built $out/lib/libzmq.so.5" >&2
