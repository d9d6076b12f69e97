#!/usr/bin/env bash
# Installs what MigrationLint needs on a fresh Debian 12 machine. As root it runs apt-get
# directly (a fresh container has no sudo); as another user it asks sudo.
#   libpg-query-dev     libpg_query, PostgreSQL's own parser (no pkg-config file; links as -lpg_query)
# With --database (or --test) it also installs libpq-dev, the PostgreSQL client library that a
# build with the Database trait (`swift build --traits Database`: snapshot, verify, lint
# --database-url) links; the default build does not need it.
# With --test it also installs what the test suite needs and talks to: libprotobuf-c-dev (the
# protobuf-c header that libpg_query's pg_query.pb-c.h includes, for the lexer's differential
# test), a real PostgreSQL 15 server, pre-commit and jsonschema (for the SARIF schema check),
# python3 (also starts the process whose peak memory the hostile-input test measures).
set -euo pipefail
as_root() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-deps: installing packages needs root: run this as root, or install sudo" >&2
    exit 1
  fi
}
packages=(libpg-query-dev)
if [ "${1:-}" = "--database" ] || [ "${1:-}" = "--test" ]; then
  packages+=(libpq-dev)
fi
if [ "${1:-}" = "--test" ]; then
  packages+=(libprotobuf-c-dev postgresql-15 postgresql-client-15 git python3)
  # LSP suite (Tests/lsp): headless Neovim is one of the real clients.
  packages+=(neovim)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  # pre-commit drives the hook test; jsonschema validates SARIF against the official schema.
  # Debian's own Python refuses system-wide installs (PEP 668): then install for this user.
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore pre-commit jsonschema 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages pre-commit jsonschema
fi
if [ "${1:-}" = "--test" ]; then
  # LSP suite (Tests/lsp): pytest-lsp, a real LSP client, drives `migration-lint lsp`.
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'pytest-lsp==1.0.1' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages 'pytest-lsp==1.0.1'
fi
