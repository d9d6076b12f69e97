#if Database
import Foundation
import MigrationDatabase
import MigrationLint
import Testing
import TestSupport

/// `migration-lint snapshot` and `lint --database-url` against the real server, over TCP and the
/// Unix socket, with a role that can read only the catalog.
@Suite(.requiresServer, .serialized) struct DatabaseSnapshotTests {
    func ready() throws {
        if case .failure(let error) = DatabaseServer.ready { throw error }
    }

    func snapshot(_ url: String, in sandbox: Sandbox) throws -> (CLI.Result, DatabaseSnapshot?) {
        let result = try CLI.run(["snapshot", "--database-url", url, "--output", "snap.json"], in: sandbox.path)
        let data = FileManager.default.contents(atPath: sandbox.path + "/snap.json")
        return (result, try data.map(DatabaseSnapshot.decode))
    }

    @Test func theReadOnlyRoleCannotReadATableButCanTakeASnapshot() throws {
        try ready()
        let reader = try PostgresConnection(ConnectionString(DatabaseServer.readerURL))
        #expect(throws: DatabaseError.self) { try reader.query("SELECT * FROM tiny", what: "reading a table") }
        let sandbox = try Sandbox()
        let (result, taken) = try snapshot(DatabaseServer.readerURL, in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let snapshot = try #require(taken)
        #expect(result.stderr == "wrote snap.json: 6 tables, PostgreSQL \(snapshot.serverVersion)\n")
        #expect(snapshot.serverMajorVersion == 15)
        let tables = Dictionary(uniqueKeysWithValues: snapshot.tables.map { ($0.qualifiedName, $0) })
        #expect(tables["public.tiny"]?.estimatedRows == 10)
        #expect(tables["public.medium"]?.estimatedRows == 20_000)
        #expect(tables["public.large"]?.estimatedRows == 2_000_000)
        let large = try #require(tables["public.large"])
        // 2,000,000 narrow rows: about 120 MB of heap and two indexes.
        #expect(large.tableBytes > 80 << 20 && large.tableBytes < 200 << 20, "\(large.tableBytes)")
        #expect(large.pages == large.tableBytes / 8192)
        #expect(large.indexBytes > 40 << 20)
        #expect(large.indexes.map(\.name) == ["large_created_at_idx", "large_pkey"])
        #expect(large.indexes.first { $0.name == "large_pkey" }?.backsConstraint == true)
        #expect(large.columns.map(\.type) == ["bigint", "timestamp with time zone", "text"])
        let medium = try #require(tables["public.medium"])
        #expect(medium.columns.first?.identity == "a")
        #expect(medium.columns.first { $0.name == "note" }?.type == "character varying(40)")
        #expect(medium.columns.first { $0.name == "amount" }?.type == "positive_int")
        #expect(medium.constraints.first { $0.name == "medium_note_check" }?.validated == false)
        #expect(medium.constraints.first { $0.kind == "f" }?.definition == "FOREIGN KEY (tiny_id) REFERENCES tiny(id)")
        #expect(tables["public.tiny"]?.columns.first { $0.name == "name" }?.defaultExpression == "'x'::text")
        #expect(tables["public.measurements"]?.partitionKey == "RANGE (taken_on)")
        #expect(tables["public.measurements_2025"]?.partitionOf == "public.measurements")
        #expect(tables["public.measurements_2025"]?.partitionBound == "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')")
        #expect(snapshot.enums == [DatabaseSnapshot.EnumType(schema: "public", name: "mood", labels: ["sad", "ok", "happy"])])
        #expect(snapshot.domains.first?.checks == ["CHECK ((VALUE > 0))"])
        #expect(snapshot.views.map(\.name) == ["recent"])
        #expect(snapshot.functions.map { "\($0.name):\($0.volatility)" } == ["add_one:immutable", "stamp:volatile"])
        // No row data, no credentials.
        let file = sandbox.read("snap.json")
        #expect(!file.contains(DatabaseServer.rowMarker))
        #expect(!file.contains(DatabaseServer.readerPassword))
        #expect(!(result.stdout + result.stderr).contains(DatabaseServer.readerPassword))
    }

    @Test func theSocketAndTCPGiveTheSameSnapshot() throws {
        try ready()
        let overTCP = try snapshot(DatabaseServer.readerURL, in: Sandbox())
        let overSocket = try snapshot(DatabaseServer.readerSocket, in: Sandbox())
        #expect(overSocket.0.status == 0, "\(overSocket.0.stderr)")
        #expect(overTCP.1 != nil && overTCP.1 == overSocket.1)
    }

    @Test func theURLMayComeFromDatabaseURL() throws {
        try ready()
        let sandbox = try Sandbox()
        let result = try CLI.run(["snapshot", "--output", "snap.json"], in: sandbox.path,
                                 environment: ["DATABASE_URL": DatabaseServer.readerURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(sandbox.read("snap.json").contains("\"name\" : \"large\""))
    }

    @Test func lintReadsTheSameFactsLive() throws {
        try ready()
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX tiny_name_idx ON tiny (name);\nCREATE INDEX large_payload_idx ON large (payload);\n")
        let result = try CLI.run(["lint", "--database-url", DatabaseServer.readerURL, "m.sql"], in: sandbox.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("public.large: about 2M rows"), "\(result.stdout)")
        #expect(result.stdout.contains("public.tiny: about 10 rows"))
        #expect(!(result.stdout + result.stderr).contains(DatabaseServer.readerPassword))
        let snapshotted = try snapshot(DatabaseServer.readerURL, in: sandbox)
        #expect(snapshotted.0.status == 0)
        let fromFile = try CLI.run(["lint", "--snapshot", "snap.json", "m.sql"], in: sandbox.path)
        #expect(fromFile.stdout == result.stdout)
    }

    @Test func sizeAwareOutputOfTheRealServersTables() throws {
        try ready()
        let sandbox = try Sandbox()
        #expect(try snapshot(DatabaseServer.readerURL, in: sandbox).0.status == 0)
        try sandbox.write("m.sql", """
            CREATE INDEX tiny_name_idx ON tiny (name);
            CREATE INDEX medium_note_idx ON medium (note);
            CREATE INDEX large_payload_idx ON large (payload);
            ALTER TABLE large ALTER COLUMN payload TYPE varchar(100);
            ALTER TABLE medium VALIDATE CONSTRAINT medium_note_check;
            ALTER TABLE tiny DROP COLUMN feeling;

            """)
        let result = try CLI.run(["lint", "--snapshot", "snap.json", "m.sql"], in: sandbox.path)
        #expect(result.status == 1)
        if let mismatch = Golden.check(result.stdout, against: "lint/size-aware-server.txt") { Issue.record(Comment(rawValue: mismatch)) }
    }

    // MARK: bad input: a clear message, exit 2, no file, no password

    @Test(arguments: [
        ("unreachable", "postgresql://ml_reader:\(DatabaseServer.readerPassword)@127.0.0.1:1/\(DatabaseServer.database)",
         "error: cannot connect to postgresql://ml_reader@127.0.0.1:1/\(DatabaseServer.database): connection to server at \"127.0.0.1\", port 1 failed: Connection refused"),
        ("wrong password", "postgresql://ml_reader:wrong-Secret@127.0.0.1:\(DatabaseServer.port)/\(DatabaseServer.database)",
         "password authentication failed for user \"ml_reader\""),
        ("no CONNECT", "postgresql://ml_blocked:\(DatabaseServer.blockedPassword)@127.0.0.1:\(DatabaseServer.port)/\(DatabaseServer.database)",
         "permission denied for database \"\(DatabaseServer.database)\""),
        ("key=value password", "host=127.0.0.1 port=\(DatabaseServer.port) user=ml_reader password='wrong-Secret' dbname=\(DatabaseServer.database)",
         "error: cannot connect to host=127.0.0.1 port=\(DatabaseServer.port) user=ml_reader dbname=\(DatabaseServer.database): "),
    ])
    func connectionFailuresAreClearAndLeaveNoFile(name: String, url: String, message: String) throws {
        try ready()
        let sandbox = try Sandbox()
        try sandbox.write("snap.json", "the old file\n")
        let result = try CLI.run(["snapshot", "--database-url", url, "--output", "snap.json"], in: sandbox.path)
        #expect(result.status == 2, "\(name)")
        #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
        #expect(!result.stderr.contains("Secret"), "\(name): \(result.stderr)")
        #expect(sandbox.read("snap.json") == "the old file\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.path) == ["snap.json"])
    }

    @Test func noURLIsAUsageError() throws {
        let result = try CLI.run(["snapshot", "--output", "x.json"], environment: ["DATABASE_URL": ""])
        #expect(result.status == 2)
        #expect(result.stderr == "error: no database: give --database-url URL or set DATABASE_URL\n")
    }
}

@Suite struct CatalogQueryDocumentationTests {
    @Test func docsDatabaseListsEveryQueryExactly() throws {
        let page = try String(contentsOfFile: CLI.packageRoot + "/docs/database.md", encoding: .utf8)
        for (name, sql) in CatalogReader.queries {
            #expect(page.contains("### \(name)\n\n```sql\n\(sql)\n```"), "docs/database.md does not show the `\(name)` query as the code sends it")
        }
    }
}

@Suite struct ConnectionStringTests {
    @Test(arguments: [
        ("postgresql://app:s3cret@db.example.com:5432/app?sslmode=require", "postgresql://app@db.example.com:5432/app?sslmode=require"),
        ("postgres://app:p@ss@word@db/app", "postgres://app@db/app"),
        ("postgresql://db/app?user=app&password=s3cret&sslmode=verify-full", "postgresql://db/app?user=app&sslmode=verify-full"),
        ("postgresql://app@db/app", "postgresql://app@db/app"),
        ("host=db user=app password=s3cret dbname=app", "host=db user=app dbname=app"),
        ("host=db password = 'it\\'s a secret' dbname=app", "host=db dbname=app"),
        ("service=prod", "service=prod"),
    ])
    func theRedactedFormHasNoPassword(string: String, redacted: String) {
        #expect(ConnectionString(string).redacted == redacted)
    }
}
#endif
