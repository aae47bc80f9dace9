#!/usr/bin/env bash
# pyzmq's own test suite against ferrozmq's C ABI (crates/ferrozmq-ffi, issue 21 item 4).
#
# Installs our library into target/pyzmq-suite/prefix (scripts/ffi-install.sh), downloads the
# sdist of pyzmq 27.3.0 from PyPI (checked against a pinned hash), builds it against our
# libzmq (PYZMQ_NO_BUNDLE=1, ZMQ_PREFIX) into a venv under target/, runs its tests/ with pytest
# (a per-test timeout) and writes the counts and every failure between the markers in
# docs/CONFORMANCE.md. Not part of scripts/test.sh (it takes minutes).
#
#   scripts/pyzmq-suite.sh
#
# pyzmq's sources stay under target/ (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/pyzmq-suite
version=27.3.0
mkdir -p "$work"

scripts/ffi-install.sh "$work/prefix" >&2

if [ ! -d "$work/src" ]; then
    echo "pyzmq==$version --hash=sha256:bbedb3d1d99babc625f1dd9d7438acefd442b36b75073fd6bc1ef7c0a4b96d56" \
        >"$work/requirements.txt"
    rm -rf "$work/fetch" && mkdir "$work/fetch"
    python3 -m pip download -q --no-deps --no-binary pyzmq --require-hashes \
        -r "$work/requirements.txt" -d "$work/fetch"
    tar -xzf "$work/fetch/pyzmq-$version.tar.gz" -C "$work/fetch"
    mv "$work/fetch/pyzmq-$version" "$work/src"
    rm -rf "$work/fetch"
fi

venv=$work/venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# What pyzmq's test-requirements.txt names for running its tests (no linters, no coverage).
"$venv/bin/pip" install -q pytest pytest-timeout pytest-asyncio tornado
if ! "$venv/bin/python" -c 'import zmq' 2>/dev/null; then
    PYZMQ_NO_BUNDLE=1 ZMQ_PREFIX="$work/prefix" "$venv/bin/pip" install -q --no-cache-dir "$work/src"
fi
# pyzmq links libzmq.so.5 from our prefix; the check fails loudly if it picked another libzmq.
LD_LIBRARY_PATH="$work/prefix/lib" "$venv/bin/python" - "$work/prefix/lib" <<'PY'
import sys, zmq, zmq.backend.cython._zmq as ext
maps = open("/proc/self/maps").read()
assert sys.argv[1] + "/libzmq.so.5" in maps, "pyzmq did not load our libzmq.so.5"
print("pyzmq", zmq.__version__, "on libzmq", zmq.zmq_version(), file=sys.stderr)
PY

# The tests run from a copy outside the source tree, so `import zmq` is the built one.
rm -rf "$work/tests" && cp -r "$work/src/tests" "$work/tests"
report=$work/junit.xml
set +e
(cd "$work" && LD_LIBRARY_PATH="$work/prefix/lib" timeout 1800 "$venv/bin/python" -m pytest \
    -c src/pytest.ini --rootdir "$work" -p no:cacheprovider --timeout=60 -q -rfE --junitxml="$report" tests >"$work/pytest.log" 2>&1)
status=$?
set -e
tail -3 "$work/pytest.log" >&2

"$venv/bin/python" - "$report" "$root/docs/CONFORMANCE.md" "$version" \
    "$(git rev-parse --short HEAD)" "$status" <<'PY'
import sys, datetime, xml.etree.ElementTree as ET
report, doc, version, commit, status = sys.argv[1:]
counts = {"pass": 0, "fail": 0, "skip": 0}
failures, skips = [], {}
for case in ET.parse(report).iter("testcase"):
    name = f"{case.get('classname')}::{case.get('name')}"
    bad = case.find("failure") if case.find("failure") is not None else case.find("error")
    skip = case.find("skipped")
    if bad is not None:
        counts["fail"] += 1
        lines = (bad.get("message") or bad.text or "?").splitlines()
        reason = "; ".join(line.strip() for line in lines if line.strip())
        failures.append((name, reason[:300].replace("|", "/")))
    elif skip is not None:
        counts["skip"] += 1
        why = (skip.get("message") or "").strip().splitlines()
        why = (why[0] if why else "?")[:100].replace("|", "/")
        skips[why] = skips.get(why, 0) + 1
    else:
        counts["pass"] += 1
lines = [
    "## pyzmq's test suite on ferrozmq's C ABI",
    "",
    f"Written by `scripts/pyzmq-suite.sh` at commit {commit} on {datetime.date.today()}: pyzmq "
    f"{version} built from its PyPI sdist against crates/ferrozmq-ffi's libzmq.so.5 "
    "(`PYZMQ_NO_BUNDLE=1`, `ZMQ_PREFIX`), its `tests/` run with "
    f"`pytest -p no:cacheprovider --timeout=60` and its own pytest.ini (pytest exit status {status}). A test counts as"
    " failed when its setup, call or teardown failed (pytest counts a teardown error apart).",
    "",
    f"**{counts['pass']} pass, {counts['fail']} fail, {counts['skip']} skipped.**",
    "",
    "| failing test | reason |",
    "|---|---|",
    *[f"| `{n}` | {r} |" for n, r in failures],
    "",
    "| skip reason | tests |",
    "|---|---|",
    *[f"| {w} | {c} |" for w, c in sorted(skips.items(), key=lambda kv: -kv[1])],
]
begin, end = "<!-- pyzmq-suite begin -->", "<!-- pyzmq-suite end -->"
text = open(doc).read()
block = begin + "\n" + "\n".join(lines) + "\n" + end
if begin in text:
    text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(text)
print(f"pyzmq-suite.sh: {counts}; table in {doc}", file=sys.stderr)
PY
