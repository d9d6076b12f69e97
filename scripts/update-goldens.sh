#!/usr/bin/env bash
# Regenerates the golden lint output (text and JSON), the help pages and the README parts
# generated from the code (the example output and the rules table). Review the diff before
# committing.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -q
bin=.build/debug/migration-lint
# Help pages are wrapped to the terminal's width; the goldens (and the tests) use 80 columns.
export COLUMNS=80
NO_COLOR=1 "$bin" lint Fixtures/examples > Fixtures/golden/lint/examples.txt || true
"$bin" lint --format json Fixtures/examples > Fixtures/golden/lint/examples.json || true
"$bin" --help > Fixtures/golden/help/migration-lint.txt
for command in lint explain rules init lsp; do "$bin" "$command" --help > "Fixtures/golden/help/$command.txt"; done
"$bin" rules --markdown > /tmp/migration-lint-rules.md
"$bin" rules --squawk > /tmp/migration-lint-squawk.md
python3 - <<'PY'
import re
readme = open("README.md").read()
golden = open("Fixtures/golden/lint/examples.txt").read()
table = open("/tmp/migration-lint-rules.md").read()
readme = re.sub(r"(\$ migration-lint lint Fixtures/examples\n).*?(```)", lambda m: m.group(1) + golden + m.group(2), readme, count=1, flags=re.S)
readme = re.sub(r"(<!-- rules-table:start -->\n).*?(<!-- rules-table:end -->)", lambda m: m.group(1) + table + m.group(2), readme, count=1, flags=re.S)
squawk = open("/tmp/migration-lint-squawk.md").read()
readme = re.sub(r"(<!-- squawk-table:start -->\n).*?(<!-- squawk-table:end -->)", lambda m: m.group(1) + squawk + m.group(2), readme, count=1, flags=re.S)
open("README.md", "w").write(readme)
PY
