#!/usr/bin/env bash
# Clone updates per second to 1 and 10 replicating clone clients over tcp loopback in one
# process (the `clonebench` example): through one Clone server (model 5), and through a
# highly available clonesrv6 pair (model 6, on the guide's fixed ports 5556-5568 and
# 5003/5004, so run it where those are free).
# Usage: bench/clone.sh [UPDATES]
set -euo pipefail
cd "$(dirname "$0")/.."
updates="${1:-100000}"
cargo build --release --locked -q -p ferrozmq-patterns --example clonebench
for mode in "" --pair; do
    for clients in 1 10; do
        echo "server=${mode:---single}"
        target/release/examples/clonebench --clients "$clients" --updates "$updates" $mode
    done
done
