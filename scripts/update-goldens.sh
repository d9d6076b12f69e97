#!/usr/bin/env bash
# Regenerates every golden file: the lint output of the examples (text and JSON), the help
# pages, each rule's rendered bad examples (Fixtures/golden/rules), the explain outputs, and the
# README parts generated from the code (the example output and the rules table). Review the
# diff (`git diff Fixtures README.md`) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -q --build-tests
# The tests that compare with a golden file write it instead (and delete the rules' files that
# belong to no rule); the others still run, so a failure here is a real one. The coverage goldens
# are written by the CLI below, so their test is not run here (it would fail on the old file).
MIGRATION_LINT_UPDATE_GOLDENS=1 swift test --skip-build --filter 'RuleGoldenTests|ExplainTests|SwiftPositionGoldenTests|SnapshotOptionTests' >/tmp/migration-lint-goldens.log 2>&1 \
  || { cat /tmp/migration-lint-goldens.log; exit 1; }
bin=.build/debug/migration-lint
# Help pages are wrapped to the terminal's width; the goldens (and the tests) use 80 columns.
export COLUMNS=80
NO_COLOR=1 "$bin" lint Fixtures/examples > Fixtures/golden/lint/examples.txt || true
"$bin" lint --format json Fixtures/examples > Fixtures/golden/lint/examples.json || true
"$bin" lint --color never Fixtures/hidden > Fixtures/golden/lint/hidden.txt || true
# Coverage in every format (Tests/CLITests/CoverageOutputTests.swift), on a PostgreSQL 17 target.
for pair in text:txt json:json sarif:sarif markdown:md github:github gcc:gcc gitlab:gitlab.json; do
  "$bin" lint --format "${pair%%:*}" --color never --postgres-version 17 Fixtures/coverage > "Fixtures/golden/lint/coverage.${pair#*:}" || true
done
"$bin" --help > Fixtures/golden/help/migration-lint.txt
for command in lint explain rules init lsp snapshot verify; do "$bin" "$command" --help > "Fixtures/golden/help/$command.txt"; done
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
