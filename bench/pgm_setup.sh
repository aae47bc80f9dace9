# Sourced by bench/pgm.sh and bench/pgm_hostile.sh: builds ferrozmq's CLI and the libzmq side
# (bench/pgm_thr.c against Debian's libzmq), and names the epgm endpoint both use.
cargo build --release -q -p ferrozmq-cli
BIN="$PWD/target/release/ferrozmq"
C_TOOL="$PWD/target/release/pgm_thr"
cc -O2 -o "$C_TOOL" bench/pgm_thr.c -lzmq
EP='epgm://127.0.0.1;239.192.1.1:5555'
