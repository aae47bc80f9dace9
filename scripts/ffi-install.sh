#!/usr/bin/env bash
# Builds ferrozmq's C ABI (crates/ferrozmq-ffi) in release mode and installs it under PREFIX as
# libzmq: lib/libzmq.so.5 (+ libzmq.so), include/zmq.h and lib/pkgconfig/libzmq.pc.
#
#   scripts/ffi-install.sh PREFIX
#   LD_LIBRARY_PATH=PREFIX/lib ./program      # a program linked against libzmq.so.5 runs on ours
#   cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs libzmq)
set -euo pipefail
prefix=${1:?usage: scripts/ffi-install.sh PREFIX}
cd "$(dirname "$0")/.."
cargo build --release --locked -p ferrozmq-ffi
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
prefix=$(cd "$prefix" && pwd)
install -m 755 target/release/libferrozmq_ffi.so "$prefix/lib/libzmq.so.5"
ln -sf libzmq.so.5 "$prefix/lib/libzmq.so"
install -m 644 crates/ferrozmq-ffi/include/zmq.h "$prefix/include/zmq.h"
cat >"$prefix/lib/pkgconfig/libzmq.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libzmq
Description: ferrozmq's libzmq 4.3 C ABI (ZeroMQ in Rust)
Version: 4.3.4
Libs: -L\${libdir} -lzmq
Libs.private: -lpthread -ldl -lm
Cflags: -I\${includedir}
PC
echo "ffi-install.sh: installed libzmq.so.5, zmq.h and libzmq.pc under $prefix"
