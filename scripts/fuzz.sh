#!/usr/bin/env bash
# Fuzzes the whole lint path (bytes -> findings and coverage -> every output format), with DO
# bodies read and placeholders recognised (some with configured values), with libFuzzer for a
# bounded time. Usage: scripts/fuzz.sh [seconds=60] [extra libFuzzer flags...]
# Crashes land in Fuzz/artifacts/; the working corpus is kept in Fuzz/corpus (git-ignored) so
# that later runs start where earlier ones stopped.
set -euo pipefail
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# -sanitize=fuzzer on every module, not only the harness, so that coverage guides the fuzzer
# through the splitter, decoder, lock model and rules.
# FUZZ_CONFIGURATION=debug builds without optimisation: fewer executions per second, but the
# sanitized release build of swift-syntax alone takes most of an hour on a loaded 2-core machine.
configuration="${FUZZ_CONFIGURATION:-release}"
swift build --package-path Fuzz -c "$configuration" --product FuzzLint \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -use-ld=lld >&2
binary="$(swift build --package-path Fuzz -c "$configuration" --product FuzzLint -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -use-ld=lld --show-bin-path)/FuzzLint"

seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
# Seeds: every SQL file under Fixtures/ (copied: libFuzzer writes into its first corpus dir).
find Fixtures -name '*.sql' -type f -print0 | while IFS= read -r -d '' file; do
    cp "$file" "$seeds/$(echo "$file" | tr '/' '_')"
done
mkdir -p Fuzz/corpus Fuzz/artifacts

# Leaks inside libpg_query's own error paths are suppressed by name (Fuzz/lsan.supp); every
# other leak still stops the run.
export LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# A debug build runs libFuzzer's own main, so inputs run on the main thread: give it the 64 MiB
# stack of the runner's workers.
if [ "$configuration" = debug ]; then ulimit -s 65536; fi
# -rss_limit_mb: memory must stay bounded per input; -timeout: a hang is a finding.
"$binary" Fuzz/corpus "$seeds" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict=Fuzz/sql.dict -artifact_prefix=Fuzz/artifacts/ -print_final_stats=1 "$@"
