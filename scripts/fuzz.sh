#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a set time, keeps what they find.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s, every target)
#
# Installs a nightly toolchain and cargo-fuzz when missing. Each target runs on a scratch
# corpus seeded from fuzz/corpus/<target>; afterwards libFuzzer's -merge=1 adds to
# fuzz/corpus/<target> only the new inputs that reach new coverage (the named seeds stay),
# so commit fuzz/corpus after a run: the stable replay tests
# (crates/ferrozmq-zmtp/tests/fuzz_corpus.rs, crates/ferrozmq/tests/robustness/fuzz_corpus.rs,
# run by scripts/test.sh) then replay every input on every test run.
# Prints executions and coverage per target; a crash leaves its input in
# fuzz/artifacts/<target>/ and makes the script exit 1 once every target has run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-600}
shift || true

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh: installing the nightly toolchain" >&2
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo +nightly install cargo-fuzz --locked
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# One build for every target, so the timed runs below are fuzzing, not compiling.
cargo +nightly fuzz build

summary=()
crashed=0
for target in "${targets[@]}"; do
    corpus=corpus/$target
    scratch=$logs/$target.corpus
    mkdir -p "$corpus" "$scratch"
    echo "== $target: ${seconds}s"
    # libFuzzer writes new inputs into the first folder and reads both.
    if ! cargo +nightly fuzz run "$target" "$scratch" "$corpus" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$logs/$target.log" 2>&1; then
        crashed=1
        echo "fuzz.sh: $target FAILED; input under fuzz/artifacts/$target/, log:" >&2
        tail -40 "$logs/$target.log" >&2
    fi
    before=$(find "$corpus" -type f | wc -l)
    cargo +nightly fuzz run "$target" "$corpus" "$scratch" -- -merge=1 \
        >"$logs/$target.merge.log" 2>&1
    after=$(find "$corpus" -type f | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$logs/$target.log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$logs/$target.log" | tail -1 | cut -d' ' -f2)
    summary+=("$(printf '%-20s %12s %8s %8s %8s' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" \
        "$before->$after")")
done

echo
printf '%-20s %12s %8s %8s %8s\n' target executions cov ft corpus
printf '%s\n' "${summary[@]}"
echo "(${seconds}s per target; cov = coverage edges, ft = libFuzzer features, at the end of the run)"
exit "$crashed"
