#!/usr/bin/env bash
# The Fluent oracle (Oracle/FluentOracle): runs the fixture migrations with the real FluentKit,
# FluentPostgresDriver and SQLKit against a throwaway PostgreSQL 15, and checks that the Swift
# front end reads each fixture file as the same SQL, statement for statement. Exit 1 on any
# difference. With MIGRATION_LINT_PGHOST already set, that server is used and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MIGRATION_LINT_PGHOST:-}" ]; then
  bash scripts/pg-test-server.sh start
  # An absolute path: the trap runs after the cd into the oracle's package below.
  root="$(pwd)"
  trap 'bash "$root/scripts/pg-test-server.sh" stop' EXIT
  export MIGRATION_LINT_PGHOST=/tmp/migration-lint-pg
  export MIGRATION_LINT_PGPORT=54329
fi
cd Oracle/FluentOracle
swift build
swift run --skip-build FluentOracle
