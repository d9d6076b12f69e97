#!/usr/bin/env bash
# The test command: installs dependencies, starts a throwaway PostgreSQL 15 for the lock-model
# agreement suite and the database suite, and runs `swift test` with the slow tests on and the
# Database trait on (so Tests/DatabaseTests runs; the default build leaves it out). Any failing
# test fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
if [ -f scripts/pg-test-server.sh ]; then
  bash scripts/pg-test-server.sh start
  trap 'bash scripts/pg-test-server.sh stop' EXIT
  export MIGRATION_LINT_PGHOST=/tmp/migration-lint-pg
  export MIGRATION_LINT_PGPORT=54329
fi
swift build --build-tests --traits Database
# The slow tests (the corpus-wide suites, the pre-commit and plugin builds, the memory of the
# hostile inputs; listed in the README) run unless MIGRATION_LINT_SLOW_TESTS=0 is given.
export MIGRATION_LINT_SLOW_TESTS="${MIGRATION_LINT_SLOW_TESTS:-1}"
swift test --skip-build --traits Database "$@"

# == LSP suite: pytest-lsp and headless Neovim drive the built `migration-lint lsp` (Tests/lsp).
MIGRATION_LINT="$PWD/.build/debug/migration-lint" python3 -m pytest -q -p no:cacheprovider Tests/lsp
