#if Database
import Foundation
import MigrationDatabase
import Testing

/// `migration-lint verify --database-url` against the real server: the lock-model suite's cases
/// on its setup schema (the observed side must agree with the model, as the suite's does), the
/// database unchanged afterwards, and bad input.
@Suite(.requiresServer, .serialized) struct DatabaseVerifyTests {
    static let cases = URL(fileURLWithPath: CLI.packageRoot).appendingPathComponent("Fixtures/lock-cases")

    func admin(_ database: String = "postgres") throws -> PostgresConnection {
        try PostgresConnection(DatabaseServer.admin(database))
    }

    func url(_ database: String) -> String {
        "host=\(DatabaseServer.socketDirectory ?? "") port=\(DatabaseServer.port) user=postgres dbname=\(database)"
    }

    /// A fresh database holding `sql`.
    func database(_ name: String, _ sql: String) throws {
        try admin().query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", what: "dropping")
        try admin().query("CREATE DATABASE \(name)", what: "creating")
        guard !sql.isEmpty else { return }
        // psql runs a script statement by statement (the lock-case setup has a VACUUM).
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", "-h", DatabaseServer.socketDirectory ?? "", "-p", DatabaseServer.port, "-U", "postgres", "-d", name,
                          "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"]
        let input = Pipe(), errors = Pipe()
        psql.standardInput = input
        psql.standardOutput = FileHandle.nullDevice
        psql.standardError = errors
        try psql.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        psql.waitUntilExit()
        if psql.terminationStatus != 0 { throw DatabaseError.query(server: name, what: "setting up", sqlState: nil, message: message) }
    }

    /// The catalog of the user's schemas and every table's row count, as text: equal before and
    /// after means verify left nothing behind. Not compared: pg_class's planner hints
    /// (relhasindex, reltuples, relpages), which CREATE INDEX updates in place, outside the
    /// transaction (PostgreSQL's index_update_stats), and sequence values (nextval): docs/database.md.
    func fingerprint(_ name: String) throws -> String {
        let db = try admin(name)
        let schema = """
            SELECT string_agg(x, E'\\n' ORDER BY x) AS catalog FROM (
              SELECT 'class ' || c.oid || ' ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relfilenode
                     || ' ' || c.relnatts AS x
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
              UNION ALL SELECT 'attribute ' || a.attrelid || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                     || ' ' || a.attnotnull || ' ' || a.atthasdef || ' ' || a.attisdropped
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE a.attnum > 0 AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
              UNION ALL SELECT 'constraint ' || conrelid || ' ' || conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname LIKE 'pg\\_%' OR nspname = 'information_schema')
              UNION ALL SELECT 'index ' || pg_get_indexdef(indexrelid) || ' ' || indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
              UNION ALL SELECT 'type ' || t.oid || ' ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
              UNION ALL SELECT 'enum ' || enumtypid || ' ' || enumlabel FROM pg_enum
              UNION ALL SELECT 'proc ' || p.oid || ' ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
            ) facts
            """
        var text = try db.query(schema, what: "reading the catalog").rows.first?.first.flatMap { $0 } ?? ""
        let tables = try db.query("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1
            """, what: "listing tables").rows.compactMap { $0.first ?? nil }
        for table in tables {
            text += "\nrows \(table) " + (try db.query("SELECT count(*) FROM \(table)", what: "counting").rows.first?.first.flatMap { $0 } ?? "?")
        }
        return text
    }

    struct Case { var name: String; var variant: String; var settings: String; var statement: String }

    /// The transaction-safe cases of Fixtures/lock-cases/cases.tsv (the `outside:` ones refuse a
    /// transaction block: verify does not run them on a user's database).
    static func transactionCases() throws -> [Case] {
        try lockCases { $0 == "tx" }
    }

    /// The cases of Fixtures/lock-cases/cases.tsv whose way to run (`tx`, `outside:TABLE`) `run` accepts.
    static func lockCases(run: (String) -> Bool) throws -> [Case] {
        let text = try String(contentsOf: cases.appendingPathComponent("cases.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // A variant named `..._in_file` stands for objects the migration itself creates (a
            // table made empty in the file); verify reads it from the database instead, where a
            // table may hold rows, so the model rightly stays cautious there.
            guard !line.hasPrefix("#"), fields.count == 5, run(fields[3]), !fields[1].hasSuffix("_in_file") else { return nil }
            let settings = fields[2] == "-" ? "" : fields[2].split(separator: ";").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return "SET \(parts[0]) = '\(parts.count > 1 ? parts[1] : "")';\n"
            }.joined()
            return Case(name: fields[0], variant: fields[1], settings: settings, statement: fields[4])
        }
    }

    struct Report: Decodable {
        struct Statement: Decodable {
            var path: String; var line: Int; var column: Int; var status: String; var disagreements: [String]; var reason: String?
            var server: Side?
        }
        struct Side: Decodable { var locks: [String: String]; var rewrites: [String]; var scans: [String] }
        var statements: [Statement]
    }

    @Test func theLockCasesAgreeOnTheSuitesSchemaAndLeaveItUnchanged() throws {
        if case .failure(let error) = DatabaseServer.ready { throw error }
        let cases = try Self.transactionCases()
        #expect(cases.count >= 150)
        let setup = try String(contentsOf: Self.cases.appendingPathComponent("setup.sql"), encoding: .utf8)
        // The SET TABLESPACE cases need the suite's tablespace, in the directory the server script prepares.
        // CREATE TABLESPACE cannot run inside a function (a DO block), so it is checked first and
        // run on its own; the server suite may create it at the same moment.
        let server = try admin()
        if try server.query("SELECT FROM pg_tablespace WHERE spcname = 'mlint_space'", what: "looking for the tablespace").rows.isEmpty {
            do {
                _ = try server.query("CREATE TABLESPACE mlint_space LOCATION '\(DatabaseServer.socketDirectory ?? "")/tablespace'",
                                    what: "creating the tablespace")
            } catch where "\(error)".contains("already exists") {}
        }
        var failures: [String] = []
        for variant in Set(cases.map(\.variant)).sorted() {
            let name = "mlint_verify_\(variant)"
            let variantSQL = try String(contentsOf: Self.cases.appendingPathComponent("variants/\(variant).sql"), encoding: .utf8)
            try database(name, setup + "\n" + variantSQL)
            let sandbox = try Sandbox()
            let mine = cases.filter { $0.variant == variant }
            for lockCase in mine { try sandbox.write("\(lockCase.name).sql", lockCase.settings + lockCase.statement + ";\n") }
            let before = try fingerprint(name)
            let result = try CLI.run(["verify", "--database-url", url(name), "--format", "json"] + mine.map { "\($0.name).sql" },
                                     in: sandbox.path)
            let after = try fingerprint(name)
            let gone = Set(before.split(separator: "\n")).subtracting(after.split(separator: "\n"))
            let new = Set(after.split(separator: "\n")).subtracting(before.split(separator: "\n"))
            #expect(gone.isEmpty && new.isEmpty, "verify left \(name) changed: before \(gone.sorted()), after \(new.sorted())")
            guard let report = try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)) else {
                failures.append("\(variant): exit \(result.status), no report: \(result.stderr)")
                continue
            }
            // One result per statement: the settings, then the case's statement.
            #expect(report.statements.count == mine.count + mine.map { $0.settings.components(separatedBy: "SET ").count - 1 }.reduce(0, +))
            for statement in report.statements where statement.status != "agrees" {
                failures.append("\(statement.path):\(statement.line): \(statement.status) \(statement.reason ?? "") \(statement.disagreements)")
            }
            #expect(result.status == (report.statements.allSatisfy { $0.status == "agrees" } ? 0 : 1))
            try admin().query("DROP DATABASE \(name) WITH (FORCE)", what: "dropping")
        }
        #expect(failures.isEmpty, "\(failures.count) statements do not agree:\n\(failures.joined(separator: "\n"))")
    }

    @Test func theServerSideIsWhatPostgreSQLDid() throws {
        if case .failure(let error) = DatabaseServer.ready { throw error }
        try database("mlint_verify_small", """
            CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
            INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 100) g;
            """)
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", """
            ALTER TABLE accounts ALTER COLUMN id TYPE numeric;
            ALTER TABLE accounts ADD CONSTRAINT email_present CHECK (email IS NOT NULL);
            CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);

            """)
        let result = try CLI.run(["verify", "--database-url", url("mlint_verify_small"), "m.sql"], in: sandbox.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("""
            m.sql:1:1: agrees: ALTER TABLE accounts ALTER COLUMN id TYPE numeric;
                locks    model: public.accounts ACCESS EXCLUSIVE
                         server: public.accounts ACCESS EXCLUSIVE
                rewrite  model: public.accounts | server: public.accounts
                scan     model: public.accounts | server: public.accounts
            """), "\(result.stdout)")
        // The CHECK scans the table; the ACCESS EXCLUSIVE locks of the line before are still held.
        #expect(result.stdout.contains("""
            m.sql:2:1: agrees: ALTER TABLE accounts ADD CONSTRAINT email_present CHECK (email IS NOT NULL);
                locks    model: public.accounts ACCESS EXCLUSIVE, public.accounts_pkey ACCESS EXCLUSIVE
                         server: public.accounts ACCESS EXCLUSIVE, public.accounts_pkey ACCESS EXCLUSIVE
                rewrite  model: none | server: none
                scan     model: public.accounts | server: public.accounts
            """), "\(result.stdout)")
        #expect(result.stdout.contains("""
            m.sql:3:1: not-run: CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);
                not run: cannot run inside a transaction block, and verify runs nothing on your database outside one
            3 statements in 1 files on PostgreSQL 15.
            """), "\(result.stdout)")
        #expect(result.stdout.hasSuffix(": 2 agree, 0 disagree, 0 failed, 1 not run; everything was rolled back\n"), "\(result.stdout)")
        let types = try admin("mlint_verify_small").query("""
            SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'id'
            """, what: "reading the column").rows
        #expect(types.first?.first == "bigint")
        let indexes = try admin("mlint_verify_small").query("SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_email'", what: "indexes").rows
        #expect(indexes.first?.first == "0")
    }

    @Test func aDisagreementIsMarkedSaysHowToReportItAndExitsOne() throws {
        if case .failure(let error) = DatabaseServer.ready { throw error }
        // A valid CHECK (name IS NOT NULL) made before the file is read from the catalog: the model
        // knows that SET NOT NULL skips its scan. A trigger is not: the model does not know that
        // the INSERT locks the table the trigger locks.
        try database("mlint_verify_disagree", """
            CREATE TABLE people (id integer, name text);
            INSERT INTO people SELECT g, 'p' || g FROM generate_series(1, 50) g;
            ALTER TABLE people ADD CONSTRAINT people_name_present CHECK (name IS NOT NULL);
            CREATE TABLE audit (at timestamptz);
            CREATE FUNCTION lock_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN LOCK TABLE audit IN SHARE MODE; RETURN NEW; END $$;
            CREATE TRIGGER people_audit BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION lock_audit();
            """)
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "ALTER TABLE people ALTER COLUMN name SET NOT NULL;\nINSERT INTO people VALUES (51, 'x');\n")
        let result = try CLI.run(["verify", "--database-url", url("mlint_verify_disagree"), "--format", "markdown", "m.sql"], in: sandbox.path)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("""
            | `m.sql:1` `ALTER TABLE people ALTER COLUMN name SET NOT NULL;` | agrees \
            | public.people ACCESS EXCLUSIVE / public.people ACCESS EXCLUSIVE | none / none | none / none |
            """), "\(result.stdout)")
        #expect(result.stdout.contains("""
            | `m.sql:2` `INSERT INTO people VALUES (51, 'x');` | **disagrees**: lock on public.audit: model none / server SHARE \
            | public.people ACCESS EXCLUSIVE / public.audit SHARE, public.people ACCESS EXCLUSIVE | none / none | none / none |
            """), "\(result.stdout)")
        #expect(result.stdout.contains(": 1 agree, 1 disagree, 0 failed, 0 not run; everything was rolled back\n"), "\(result.stdout)")
        #expect(result.stdout.contains("A disagreement is a bug in migration-lint's lock model. Please report it"), "\(result.stdout)")
        let json = try CLI.run(["verify", "--database-url", url("mlint_verify_disagree"), "--format", "json", "m.sql"], in: sandbox.path)
        #expect(json.status == 1)
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        #expect(report.statements.map(\.disagreements) == [[], ["lock on public.audit: model none / server SHARE"]])
        #expect(report.statements.first?.server?.scans == [])
    }

    @Test func aFailingStatementIsNamedWithItsPlaceAndStopsTheFile() throws {
        if case .failure(let error) = DatabaseServer.ready { throw error }
        try database("mlint_verify_fail", "CREATE TABLE things (id integer);")
        let sandbox = try Sandbox()
        try sandbox.write("bad.sql", "CREATE TABLE extra (id integer);\nUPDATE things SET  nosuch = 1;\nDROP TABLE things;\n")
        let result = try CLI.run(["verify", "--database-url", url("mlint_verify_fail"), "bad.sql"], in: sandbox.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("""
            bad.sql:2:20: failed: UPDATE things SET  nosuch = 1;
                error: column "nosuch" of relation "things" does not exist (SQLSTATE 42703)
            bad.sql:3:1: not-run: DROP TABLE things;
                not run: an earlier statement failed
            """), "\(result.stdout)")
        let tables = try admin("mlint_verify_fail").query("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relname IN ('extra', 'things')",
                                                          what: "tables").rows
        #expect(tables.first?.first == "things")
    }

    @Test func aReadOnlyServerAndAnUnreachableOneAreRefused() throws {
        if case .failure(let error) = DatabaseServer.ready { throw error }
        try database("mlint_verify_ro", "CREATE TABLE things (id integer);")
        try admin().query("ALTER DATABASE mlint_verify_ro SET default_transaction_read_only = on", what: "read only")
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "ALTER TABLE things ADD COLUMN x integer;\n")
        let readOnly = try CLI.run(["verify", "--database-url", url("mlint_verify_ro"), "m.sql"], in: sandbox.path)
        #expect(readOnly.status == 2)
        #expect(readOnly.stdout.isEmpty)
        #expect(readOnly.stderr.contains("refusing to use host=\(DatabaseServer.socketDirectory ?? "") port=\(DatabaseServer.port) user=postgres dbname=mlint_verify_ro: default_transaction_read_only is on"),
                "\(readOnly.stderr)")
        let unreachable = try CLI.run(["verify", "--database-url", "postgresql://nobody@127.0.0.1:1/x", "m.sql"], in: sandbox.path)
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.hasPrefix("error: cannot connect to postgresql://nobody@127.0.0.1:1/x"), "\(unreachable.stderr)")
        let help = try CLI.run(["verify", "--help"], in: sandbox.path)
        #expect(help.stdout.contains("development or CI database, never production"), "\(help.stdout)")
    }
}
#endif
