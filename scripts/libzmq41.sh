#!/usr/bin/env bash
# Builds libzmq 4.1.5, the last libzmq that greets with ZMTP/3.0, as the real 3.0 peer of the
# interop tests (crates/ferrozmq/tests/interop/libzmq41). Its source comes from the sdist of
# pyzmq 15.4.0 on PyPI, which bundles it (checked against a pinned hash). Debian and PyPI
# offer no 3.0-speaking binary, so it is compiled here: a plain build of the library, no
# CURVE, no autotools, into target/peers/libzmq-4.1.5 (include/ and libzmq.so.4.1.5).
#
#   scripts/libzmq41.sh          (scripts/test.sh runs it when the library is missing)
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/peers/libzmq-4.1.5
if [ -e "$out/libzmq.so.4.1.5" ]; then
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "pyzmq==15.4.0 --hash=sha256:72967464282ecff1abaf67923dcbfb4a02541b5b7a710620f35aa5ea9fb1b4db" \
    >"$work/requirements.txt"
python3 -m pip download -q --no-deps --no-binary :all: --require-hashes \
    -r "$work/requirements.txt" -d "$work"
python3 -m zipfile -e "$work/pyzmq-15.4.0.zip" "$work"
src=$work/pyzmq-15.4.0/bundled/zeromq

# What configure would find on Linux; anything left out is a feature the tests do not use.
cat >"$src/src/platform.hpp" <<'PLATFORM'
#define ZMQ_HAVE_LINUX 1
#define ZMQ_USE_EPOLL 1
#define ZMQ_HAVE_UIO 1
#define ZMQ_HAVE_IFADDRS 1
#define ZMQ_HAVE_EVENTFD 1
#define ZMQ_HAVE_SOCK_CLOEXEC 1
#define ZMQ_HAVE_SO_KEEPALIVE 1
#define ZMQ_HAVE_TCP_KEEPCNT 1
#define ZMQ_HAVE_TCP_KEEPIDLE 1
#define ZMQ_HAVE_TCP_KEEPINTVL 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_LIBPTHREAD 1
#define HAVE_FORK 1
PLATFORM

mkdir -p "$work/obj"
# -w: 2016 C++ under today's g++ warns a lot; -O1 keeps the build to seconds.
ls "$src"/src/*.cpp | xargs -P "$(nproc)" -I{} sh -c \
    'g++ -O1 -w -fPIC -std=gnu++98 -I"$1/include" -I"$1/src" -c "$2" -o "$3/$(basename "$2" .cpp).o"' \
    _ "$src" {} "$work/obj"
mkdir -p "$out"
g++ -shared -Wl,-soname,libzmq.so.4.1.5 -o "$work/libzmq.so.4.1.5" "$work"/obj/*.o -lpthread -lrt
cp -r "$src/include" "$out/"
mv "$work/libzmq.so.4.1.5" "$out/"
echo "libzmq41.sh: built $out/libzmq.so.4.1.5" >&2
