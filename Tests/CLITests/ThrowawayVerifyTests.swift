#if Database
import Foundation
import MigrationDatabase
import Testing

/// `migration-lint verify` without `--database-url`: a throwaway PostgreSQL of its own, the
/// earlier migrations applied for real, the statements that refuse a transaction block run too,
/// and nothing left behind. Runs as root too (CI does): the server then runs as `postgres`.
@Suite(.requiresServerBinaries, .serialized) struct ThrowawayVerifyTests {
    /// The temporary directories of throwaway servers that exist now.
    func serverDirectories() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("migration-lint-verify.") })
    }

    /// The output with what changes from run to run (times, the server's version) made fixed.
    func stable(_ output: String) -> String {
        output.replacingOccurrences(of: #"time     [0-9.]+ ms"#, with: "time     N ms", options: .regularExpression)
            .replacingOccurrences(of: #"on PostgreSQL [^:]+:"#, with: "on PostgreSQL V:", options: .regularExpression)
    }

    @Test func theEarlierMigrationsRunForRealAndConcurrentStatementsToo() throws {
        let sandbox = try Sandbox()
        try sandbox.write("db/001_items.sql", """
            CREATE TABLE items (id bigint PRIMARY KEY, name text);
            INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 1000) g;
            CREATE INDEX CONCURRENTLY items_id_name ON items (id, name);

            """)
        try sandbox.write("db/002_price.sql", """
            ALTER TABLE items ADD COLUMN price integer;
            CREATE INDEX CONCURRENTLY items_price ON items (price);
            ALTER TABLE items ALTER COLUMN price TYPE bigint;

            """)
        let before = try serverDirectories()
        let result = try CLI.run(["verify", "db/002_price.sql"], in: sandbox.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(stable(result.stdout) == """
            db/002_price.sql:1:1: agrees: ALTER TABLE items ADD COLUMN price integer;
                locks    model: public.items ACCESS EXCLUSIVE
                         server: public.items ACCESS EXCLUSIVE
                rewrite  model: none | server: none
                scan     model: none | server: none
                time     N ms
            db/002_price.sql:2:1: agrees: CREATE INDEX CONCURRENTLY items_price ON items (price);
                locks    model: public.items SHARE UPDATE EXCLUSIVE
                         server: public.items SHARE UPDATE EXCLUSIVE
                rewrite  model: none | server: none
                scan     model: public.items | server: public.items
                time     N ms
                note     run alone, outside a transaction block; its locks were read while it waited behind one on public.items
            db/002_price.sql:3:1: agrees: ALTER TABLE items ALTER COLUMN price TYPE bigint;
                locks    model: public.items ACCESS EXCLUSIVE
                         server: public.items ACCESS EXCLUSIVE
                rewrite  model: public.items | server: public.items
                scan     model: public.items | server: public.items
                time     N ms
            3 statements in 1 files on PostgreSQL V: 3 agree, 0 disagree, 0 failed, 0 not run; the throwaway server was stopped and removed

            """, "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(try serverDirectories().subtracting(before).isEmpty, "a throwaway server's directory was left behind")
    }

    /// The lock-model suite's `outside:` cases, which refuse a transaction block, on the suite's
    /// schema: run alone, each agrees with the model (a case the server refuses, with the model's
    /// error).
    @Test func theOutsideLockCasesAgree() throws {
        let cases = try DatabaseVerifyTests.lockCases { $0.hasPrefix("outside:") }
        #expect(cases.count >= 10)
        let sandbox = try Sandbox()
        var schema = try String(contentsOf: DatabaseVerifyTests.cases.appendingPathComponent("setup.sql"), encoding: .utf8)
        for variant in Set(cases.map(\.variant)) {
            schema += "\n" + (try String(contentsOf: DatabaseVerifyTests.cases.appendingPathComponent("variants/\(variant).sql"), encoding: .utf8))
        }
        try sandbox.write("schema.sql", schema)
        // Each in a folder of its own: no case is another's history.
        for lockCase in cases { try sandbox.write("\(lockCase.name)/m.sql", lockCase.settings + lockCase.statement + ";\n") }
        let result = try CLI.run(["verify", "--schema", "schema.sql", "--format", "json"] + cases.map { "\($0.name)/m.sql" }, in: sandbox.path)
        let report = try JSONDecoder().decode(DatabaseVerifyTests.Report.self, from: Data(result.stdout.utf8))
        // Every case's statement ran alone (the settings before it in the transaction).
        let alone = report.statements.filter { statement in ["run alone", "the server refused"].contains { (statement.reason ?? "").hasPrefix($0) } }
        #expect(alone.count == cases.count, "\(result.stdout)")
        let failures = report.statements.filter { $0.status != "agrees" }.map { "\($0.path): \($0.status) \($0.reason ?? "") \($0.disagreements)" }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func theSchemaFileComesFirstAndAFailureStillRemovesTheServer() throws {
        let sandbox = try Sandbox()
        try sandbox.write("schema.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n")
        try sandbox.write("m.sql", "ALTER TABLE accounts ADD COLUMN plan text;\nUPDATE accounts SET  nosuch = 1;\n")
        let before = try serverDirectories()
        let failing = try CLI.run(["verify", "--schema", "schema.sql", "m.sql"], in: sandbox.path)
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("""
            m.sql:2:22: failed: UPDATE accounts SET  nosuch = 1;
                error: column "nosuch" of relation "accounts" does not exist (SQLSTATE 42703)
            """), "\(failing.stdout)")
        // Without the schema, the table does not exist.
        let noSchema = try CLI.run(["verify", "m.sql"], in: sandbox.path)
        #expect(noSchema.status == 1)
        #expect(noSchema.stdout.contains("m.sql:1:1: failed: ALTER TABLE accounts ADD COLUMN plan text;\n    error: relation \"accounts\" does not exist (SQLSTATE 42P01)"), "\(noSchema.stdout)")
        // An earlier migration the server refuses: exit 2, named with its place.
        try sandbox.write("db/1_bad.sql", "CREATE TABLE t (id integer);\nALTER TABLE missing ADD COLUMN x integer;\n")
        try sandbox.write("db/2_next.sql", "ALTER TABLE t ADD COLUMN y integer;\n")
        let badHistory = try CLI.run(["verify", "db/2_next.sql"], in: sandbox.path)
        #expect(badHistory.status == 2)
        #expect(badHistory.stdout.isEmpty)
        #expect(badHistory.stderr == "error: applying db/1_bad.sql:2:1 failed on the throwaway server: relation \"missing\" does not exist\n",
                "\(badHistory.stderr)")
        #expect(try CLI.run(["verify", "--no-history", "db/2_next.sql"], in: sandbox.path).status == 1)
        #expect(try serverDirectories().subtracting(before).isEmpty, "a throwaway server's directory was left behind")
    }

    /// Without a schema file, a snapshot's tables (with their constraints and indexes) are the
    /// starting schema: the migration finds the table and the model knows it.
    @Test func aSnapshotIsTheStartingSchemaWithoutASchemaFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "ALTER TABLE orders ADD COLUMN note text;\n")
        let snapshot = CLI.packageRoot + "/Fixtures/snapshots/shop.json"
        let result = try CLI.run(["verify", "--snapshot", snapshot, "m.sql"], in: sandbox.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("m.sql:1:1: agrees: ALTER TABLE orders ADD COLUMN note text;\n    locks    model: public.orders ACCESS EXCLUSIVE\n             server: public.orders ACCESS EXCLUSIVE"), "\(result.stdout)")
        #expect(!result.stdout.contains("does not exist"), "\(result.stdout)")
        let unreadable = try CLI.run(["verify", "--snapshot", "missing.json", "m.sql"], in: sandbox.path)
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains("missing.json"), "\(unreadable.stderr)")
    }

    @Test func aSwiftMigrationIsVerifiedWithPlacesInTheSwiftFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("schema.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
        try sandbox.write("AddIndex.swift", """
            struct AddIndex: AsyncMigration {
                func prepare(on database: any Database) async throws {
                    try await (database as! any SQLDatabase).raw(\"\"\"
                        CREATE INDEX users_email_idx ON users (email)
                        \"\"\").run()
                    try await (database as! any SQLDatabase).raw("CREATE INDEX CONCURRENTLY users_id_email ON users (id, email)").run()
                }
            }

            """)
        let result = try CLI.run(["verify", "--schema", "schema.sql", "--format", "json", "AddIndex.swift"], in: sandbox.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        struct Report: Decodable {
            struct Statement: Decodable { var path: String; var line: Int; var column: Int; var status: String; var sql: String }
            var statements: [Statement]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.statements.map { "\($0.path):\($0.line):\($0.column) \($0.status) \($0.sql)" } == [
            "AddIndex.swift:4:13 agrees CREATE INDEX users_email_idx ON users (email);",
            "AddIndex.swift:6:55 agrees CREATE INDEX CONCURRENTLY users_id_email ON users (id, email);",
        ])
    }
}

@Suite struct ThrowawayVerifyWithoutBinariesTests {
    @Test func missingServerBinariesSayWhatToInstallAndExitTwo() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE TABLE t (id integer);\n")
        try FileManager.default.createDirectory(atPath: sandbox.path + "/empty", withIntermediateDirectories: true)
        let result = try CLI.run(["verify", "--postgres-bin", "empty", "m.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            error: verify without --database-url starts a throwaway PostgreSQL, and found no server binaries (initdb, pg_ctl, \
            postgres) in empty: install them (`apt-get install postgresql-15`), or give --database-url URL of a development \
            or CI database

            """, "\(result.stderr)")
    }
}

extension Trait where Self == ConditionTrait {
    /// A test that starts verify's throwaway server: skipped, with the reason, without the
    /// PostgreSQL server binaries.
    static var requiresServerBinaries: Self {
        .enabled(if: ThrowawayServer.findBinaries(in: ThrowawayServer.binaryDirectories()) != nil,
                 "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/<N>/bin or `pg_config --bindir`: apt-get install postgresql-15")
    }
}
#endif
