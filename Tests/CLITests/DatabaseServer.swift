#if Database
import Foundation
import MigrationDatabase
import Testing

/// The real PostgreSQL 15 of scripts/pg-test-server.sh (MIGRATION_LINT_PGHOST, MIGRATION_LINT_PGPORT),
/// reached over its Unix socket and over TCP on 127.0.0.1. The database `migration_lint_snapshot`
/// is built once per test run: tables of 10, 20,000 and 2,000,000 rows (VACUUM ANALYZE, so that
/// the row estimates are exact), a partitioned table, an enum, a domain, a view, functions, and
/// three roles: `ml_reader` (LOGIN only: the catalog and statistics views, no table), `ml_blocked`
/// (no CONNECT on the database).
enum DatabaseServer {
    static let environment = ProcessInfo.processInfo.environment
    static let socketDirectory = environment["MIGRATION_LINT_PGHOST"]
    static let port = environment["MIGRATION_LINT_PGPORT"] ?? "54329"
    static let database = "migration_lint_snapshot"
    static let readerPassword = "reader-Secret-7f3"
    static let blockedPassword = "blocked-Secret-9c1"
    /// A value in a row of every table: it must never appear in a snapshot.
    static let rowMarker = "row-data-marker-5e2"

    static var isConfigured: Bool { socketDirectory != nil }

    /// The superuser over the socket.
    static func admin(_ database: String = "postgres") -> ConnectionString {
        ConnectionString("host=\(socketDirectory ?? "") port=\(port) user=postgres dbname=\(database)")
    }

    /// The read-only role over TCP, with its password, as a URL.
    static var readerURL: String { "postgresql://ml_reader:\(readerPassword)@127.0.0.1:\(port)/\(database)" }
    /// The same role over the Unix socket, as key=value pairs (the socket trusts it).
    static var readerSocket: String { "host=\(socketDirectory ?? "") port=\(port) user=ml_reader dbname=\(database)" }

    /// Built once; each test asks for it and fails with the reason if it could not be built.
    static let ready: Result<Void, DatabaseError> = {
        do {
            let server = try PostgresConnection(admin())
            try server.query("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", what: "dropping the test database")
            try server.query("DROP ROLE IF EXISTS ml_reader", what: "dropping a role")
            try server.query("DROP ROLE IF EXISTS ml_blocked", what: "dropping a role")
            try server.query("CREATE DATABASE \(database)", what: "creating the test database")
            try server.query("""
                CREATE ROLE ml_reader LOGIN PASSWORD '\(readerPassword)';
                CREATE ROLE ml_blocked LOGIN PASSWORD '\(blockedPassword)';
                REVOKE CONNECT ON DATABASE \(database) FROM PUBLIC;
                GRANT CONNECT ON DATABASE \(database) TO ml_reader;
                """, what: "creating the roles")
            let db = try PostgresConnection(admin(database))
            try db.query(setupSQL, what: "creating the schema")
            for table in ["tiny", "medium", "large", "measurements_2024", "measurements_2025"] {
                try db.query("VACUUM ANALYZE \(table)", what: "analysing \(table)")
            }
            return .success(())
        } catch let error as DatabaseError {
            return .failure(error)
        } catch {
            return .failure(.connection(server: "the test server", message: "\(error)"))
        }
    }()

    static let setupSQL = """
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
        CREATE TABLE tiny (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'x', feeling mood);
        INSERT INTO tiny SELECT g, '\(rowMarker)', 'ok' FROM generate_series(1, 10) g;
        CREATE TABLE medium (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tiny_id integer REFERENCES tiny (id),
                             amount positive_int, note varchar(40));
        INSERT INTO medium (tiny_id, amount, note) SELECT 1 + g % 10, g, '\(rowMarker)' FROM generate_series(1, 20000) g;
        CREATE TABLE large (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text);
        INSERT INTO large SELECT g, '2024-01-01'::timestamptz + g * interval '1 second', '\(rowMarker)' FROM generate_series(1, 2000000) g;
        CREATE INDEX large_created_at_idx ON large (created_at);
        ALTER TABLE medium ADD CONSTRAINT medium_note_check CHECK (note <> '') NOT VALID;
        CREATE TABLE measurements (taken_on date NOT NULL, value numeric) PARTITION BY RANGE (taken_on);
        CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO measurements SELECT '2024-01-01'::date + g, g FROM generate_series(0, 500) g;
        CREATE VIEW recent AS SELECT id, created_at FROM large WHERE created_at > '2024-06-01';
        CREATE FUNCTION add_one(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 1';
        CREATE FUNCTION stamp() RETURNS timestamptz VOLATILE LANGUAGE sql AS 'SELECT clock_timestamp()';
        """
}

extension Trait where Self == ConditionTrait {
    /// A test against the real server: skipped, with the reason, when none is configured.
    static var requiresServer: Self {
        .enabled(if: DatabaseServer.isConfigured,
                 "no PostgreSQL: start scripts/pg-test-server.sh and set MIGRATION_LINT_PGHOST and MIGRATION_LINT_PGPORT (scripts/test.sh does)")
    }
}
#endif
