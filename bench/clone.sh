#!/usr/bin/env bash
# Clone updates per second through ferrozmq-patterns' Clone server (model 5) to 1 and 10
# replicating clone clients, over tcp loopback in one process (the `clonebench` example).
# Usage: bench/clone.sh [UPDATES]
set -euo pipefail
cd "$(dirname "$0")/.."
updates="${1:-100000}"
cargo build --release --locked -q -p ferrozmq-patterns --example clonebench
for clients in 1 10; do
    target/release/examples/clonebench --clients "$clients" --updates "$updates"
done
