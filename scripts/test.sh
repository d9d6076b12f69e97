#!/usr/bin/env bash
# The test command: installs dependencies, starts a throwaway PostgreSQL 15 for the lock-model
# agreement suite, and runs `swift test`. Any failing test fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
if [ -f scripts/pg-test-server.sh ]; then
  bash scripts/pg-test-server.sh start
  trap 'bash scripts/pg-test-server.sh stop' EXIT
  export MIGRATION_LINT_PGHOST=/tmp/migration-lint-pg
  export MIGRATION_LINT_PGPORT=54329
fi
swift build --build-tests
swift test --skip-build "$@"

# == LSP suite: pytest-lsp and headless Neovim drive the built `migration-lint lsp` (Tests/lsp).
MIGRATION_LINT="$PWD/.build/debug/migration-lint" python3 -m pytest -q -p no:cacheprovider Tests/lsp
