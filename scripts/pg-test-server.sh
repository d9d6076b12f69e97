#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the lock model's server suite (Tests/LockModelTests/ServerAgreementTests.swift).
#
#   bash scripts/pg-test-server.sh start   # initdb into a temporary directory, start, print how to run the suite
#   bash scripts/pg-test-server.sh stop    # stop the server and remove its data directory
#
# It listens on a Unix socket in $SOCKET_DIR and on TCP at 127.0.0.1, both on port $PORT (the
# database suite connects both ways). Over the socket every role logs in without a password (trust);
# over TCP a password is required (scram-sha-256), so that a wrong password can be tested: the
# `postgres` role has none, so TCP is for the roles a suite creates with a password. initdb refuses
# to run as root, so when started as root the server runs as the `postgres` user.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SOCKET_DIR="${MIGRATION_LINT_PGHOST:-/tmp/migration-lint-pg}"
PORT="${MIGRATION_LINT_PGPORT:-54329}"
# The data directory's path is kept next to the socket so that `stop` finds it.
STATE_FILE="$SOCKET_DIR/datadir"

fail() { echo "pg-test-server: $*" >&2; exit 1; }

as_server_user() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

is_running() {
    [ -f "$STATE_FILE" ] || return 1
    local data
    data="$(cat "$STATE_FILE")"
    [ -d "$data" ] && as_server_user "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1 \
        && "$PG_BIN/pg_isready" -q -h "$SOCKET_DIR" -p "$PORT"
}

start() {
    [ -x "$PG_BIN/initdb" ] || fail "no initdb in $PG_BIN (install postgresql-15, or set PG_BIN)"
    if is_running; then
        echo "pg-test-server: already running on $SOCKET_DIR port $PORT (data in $(cat "$STATE_FILE"))"
        return 0
    fi
    # A leftover from a crashed run: stop whatever is left of it and remove it.
    if [ -f "$STATE_FILE" ]; then
        local stale
        stale="$(cat "$STATE_FILE")"
        as_server_user "$PG_BIN/pg_ctl" -D "$stale" -m immediate -w stop >/dev/null 2>&1 || true
        case "$stale" in
            /tmp/migration-lint-pgdata.*) rm -rf -- "$stale" ;;
            *) fail "refusing to remove unexpected data directory '$stale' (from $STATE_FILE)" ;;
        esac
        rm -f "$STATE_FILE" "$SOCKET_DIR"/.s.PGSQL."$PORT".lock
    fi
    mkdir -p "$SOCKET_DIR"
    # An empty directory for the suite's tablespace (SET TABLESPACE cases): it must belong to the
    # server's user.
    rm -rf -- "$SOCKET_DIR/tablespace"
    mkdir -p "$SOCKET_DIR/tablespace"
    local data
    data="$(mktemp -d /tmp/migration-lint-pgdata.XXXXXX)"
    echo "$data" > "$STATE_FILE"
    if [ "$(id -u)" = "0" ]; then
        chown postgres: "$SOCKET_DIR" "$SOCKET_DIR/tablespace" "$data"
    fi
    chmod 700 "$data"
    as_server_user "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
        || { cat "$data.initdb.log" >&2; fail "initdb failed"; }
    rm -f "$data.initdb.log"
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKET_DIR'
port = $PORT
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
max_connections = 20
timezone = 'UTC'
CONF
    if ! as_server_user "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 start >/dev/null; then
        cat "$data/server.log" >&2 || true
        fail "the server did not start"
    fi
    "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U postgres -d postgres -X -q -c 'SELECT 1' >/dev/null \
        || fail "the server started but does not answer on $SOCKET_DIR port $PORT"
    echo "pg-test-server: running on $SOCKET_DIR and 127.0.0.1, port $PORT (data in $data)"
    echo "run the suite: MIGRATION_LINT_PGHOST=$SOCKET_DIR MIGRATION_LINT_PGPORT=$PORT swift test --filter ServerAgreement"
}

stop() {
    if [ ! -f "$STATE_FILE" ]; then
        echo "pg-test-server: not running (no $STATE_FILE)"
        return 0
    fi
    local data
    data="$(cat "$STATE_FILE")"
    if [ -d "$data" ] && as_server_user "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_server_user "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null || fail "pg_ctl stop failed (data in $data)"
    fi
    case "$data" in
        /tmp/migration-lint-pgdata.*) rm -rf -- "$data" ;;
        *) fail "refusing to remove unexpected data directory '$data'" ;;
    esac
    rm -f "$STATE_FILE"
    rm -rf -- "$SOCKET_DIR/tablespace"
    rmdir "$SOCKET_DIR" 2>/dev/null || true
    echo "pg-test-server: stopped, data removed"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
