#!/usr/bin/env bash
# What one small file's run costs before any linting, beside squawk and migration-lint, in one
# invocation: builds scripts/startup-floor (a Swift program that only reads the file, and one that
# first parses the `lint` options with ArgumentParser) as build-release.sh builds migration-lint,
# then runs the four alternately on Fixtures/examples/001_add_token.sql and prints wall medians.
# Usage: scripts/startup-floor.sh [rounds=201] [migration-lint binary; default: build-release.sh's]
# Needs squawk 2.70.0 on PATH (python3 -m venv /tmp/sq && /tmp/sq/bin/pip install squawk-cli==2.70.0).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-201}"
lint="${2:-}"
if [ -z "$lint" ]; then lint="$(bash "$root/scripts/build-release.sh" --scratch-path "$root/.build-static")"; fi
squawk="$(command -v squawk)" || { echo "squawk is not on PATH: pip install squawk-cli==2.70.0 (in a venv)" >&2; exit 2; }
flags=(-c release --package-path "$root/scripts/startup-floor" --scratch-path "$root/.build/startup-floor"
       -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors)
if [ "$(uname -s)" = Linux ]; then flags+=(--static-swift-stdlib -Xswiftc -static-executable); fi
swift build "${flags[@]}" >&2
bin="$(swift build "${flags[@]}" --show-bin-path)"
python3 - "$rounds" "$root/Fixtures/examples/001_add_token.sql" "$bin/floor" "$bin/argparser" "$lint" "$squawk" <<'PY'
import os, statistics, subprocess, sys, time
rounds, path, floor, argparser, lint, squawk = int(sys.argv[1]), *sys.argv[2:]
commands = [
    ("Swift program: read the file, write []", [floor, "--format", "json", path]),
    ("the same after ArgumentParser parses lint's options", [argparser, "--format", "json", "--color", "never", path]),
    ("migration-lint lint", [lint, "lint", "--format", "json", "--color", "never", path]),
    ("squawk 2.70.0", [squawk, "--reporter=json", path]),
]
times = {name: [] for name, _ in commands}
for _ in range(rounds):
    for name, command in commands:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.wait4(process.pid, 0)
        times[name].append(time.perf_counter() - started)
squawk_median = statistics.median(times["squawk 2.70.0"])
print(f"| program ({rounds} alternating runs each) | wall median | ratio to squawk |")
print("|---|---:|---:|")
for name, _ in commands:
    median = statistics.median(times[name])
    print(f"| {name} | {median * 1000:.1f} ms | {median / squawk_median:.2f}× |")
PY
