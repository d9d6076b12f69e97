import Foundation
import Testing
import LockModel
import PostgresSyntax

/// One line of `Fixtures/lock-cases/cases.tsv`.
struct LockCase: Sendable, CustomStringConvertible {
    enum Run: Sendable, Equatable {
        /// `BEGIN; statement; read; ROLLBACK`.
        case transaction
        /// Refuses a transaction block: run alone while another session holds a lock on `blocker`.
        case outside(blocker: String)
    }

    var name: String
    var variant: String
    var settings: [(name: String, value: String)]
    var run: Run
    var statement: String
    var line: Int

    var description: String { "\(name) (cases.tsv:\(line))" }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/lock-cases")

    static func load() throws -> [LockCase] {
        let text = try String(contentsOf: directory.appendingPathComponent("cases.tsv"), encoding: .utf8)
        var cases: [LockCase] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5 else { throw CaseError.malformed(line: index + 1, text: String(line)) }
            let settings = fields[2] == "-" ? [] : fields[2].split(separator: ";").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
            let run: Run
            if fields[3] == "tx" {
                run = .transaction
            } else if fields[3].hasPrefix("outside:") {
                run = .outside(blocker: String(fields[3].dropFirst("outside:".count)))
            } else {
                throw CaseError.malformed(line: index + 1, text: String(line))
            }
            cases.append(LockCase(name: fields[0], variant: fields[1], settings: settings, run: run, statement: fields[4], line: index + 1))
        }
        return cases
    }

    static func variantSQL(_ variant: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("variants/\(variant).sql"), encoding: .utf8)
    }

    static func setupSQL() throws -> String {
        try String(contentsOf: directory.appendingPathComponent("setup.sql"), encoding: .utf8)
    }

    enum CaseError: Error { case malformed(line: Int, text: String) }

    /// "History known": the setup and the case's variant are the earlier migrations
    /// `001_setup.sql` and `002_VARIANT.sql` of the case's folder, replayed as the history replay
    /// replays every earlier file; the case (its settings and statement) is the next file.
    static func history(setup: String, variant: String) throws -> SchemaCatalog {
        var catalog = SchemaCatalog.emptyDatabase
        for (path, sql) in [("migrations/001_setup.sql", setup), ("migrations/002_\(variant).sql", try variantSQL(variant))] {
            let source = SourceText(sql)
            catalog.replay(SQLParser().parse(source), source: source, path: path)
        }
        return catalog
    }

    /// Whether the "history known" mode applies: a variant named `..._in_file` is about objects
    /// the migration itself creates (a table made empty in the file), which an earlier migration
    /// cannot stand for: a table from history may hold rows, so the model rightly stays cautious.
    var variantBelongsToHistory: Bool { !variant.hasSuffix("_in_file") }

    /// The settings as SQL, for the server and for the model alike.
    var settingsSQL: String {
        settings.map { "SET \($0.name) = '\($0.value)';\n" }.joined()
    }

    /// What the model says the statement does: the variant's statements and the settings come
    /// before it in the same file, the setup schema is the known existing schema.
    ///
    /// With `variantInHistory`, the variant is an earlier migration too (replayed into `schema`,
    /// see `history(setup:variant:)`), and the file holds only the settings and the statement.
    func prediction(schema: SchemaCatalog, inTransaction: Bool, variantInHistory: Bool = false) throws -> StatementEffects? {
        let file = (variantInHistory ? "" : try Self.variantSQL(variant) + "\n") + settingsSQL + (inTransaction ? "BEGIN;\n" : "") + statement + ";\n"
        let source = SourceText(file)
        let statements = SQLParser().parse(source)
        guard let last = statements.last, last.statement != nil else { return nil }
        var run = MigrationAnalyzer.Run(analyzer: MigrationAnalyzer(settings: RunSettings(postgresVersion: 15, existingSchema: schema)))
        for parsed in statements.dropLast() { run.append(parsed) }
        return run.appendAsTheServerRunsIt(last, in: source)
    }

    /// Whether PostgreSQL skips the statement with a notice, as the model sees it knowing
    /// `schema`: CREATE TABLE IF NOT EXISTS of a table that exists. Knowing only the file, the
    /// model cannot see that the table exists, so it names the locks the statement takes when it
    /// creates the table (those its foreign keys take): the "knowing only the file" mode then
    /// compares only the locks the server took.
    func isSkipped(knowing schema: SchemaCatalog) throws -> Bool {
        let source = SourceText(try Self.variantSQL(variant) + "\n" + settingsSQL + statement + ";\n")
        let statements = SQLParser().parse(source)
        guard let last = statements.last?.statement else { return false }
        var run = MigrationAnalyzer.Run(analyzer: MigrationAnalyzer(settings: RunSettings(postgresVersion: 15, existingSchema: schema)))
        for parsed in statements { run.append(parsed) }
        return run.statements.last?.state.skips(last) == true
    }
}

/// Every case of `Fixtures/lock-cases/cases.tsv`, run on a real PostgreSQL and compared with the
/// model's prediction: the strongest lock per table, which tables are rewritten, which are scanned.
///
/// Skipped unless MIGRATION_LINT_PGHOST names the socket directory of a server to use. To run it:
///     bash scripts/pg-test-server.sh start
///     MIGRATION_LINT_PGHOST=/tmp/migration-lint-pg swift test --filter ServerAgreement
///     bash scripts/pg-test-server.sh stop
@Suite(.serialized) struct ServerAgreementTests {
    @Test func theCasesAreWellFormedAndParse() throws {
        let cases = try LockCase.load()
        #expect(cases.count >= 80)
        #expect(Set(cases.map(\.name)).count == cases.count, "case names must be unique")
        let schema = SchemaCatalog.learning(from: try LockCase.setupSQL())
        for lockCase in cases {
            let history = try LockCase.history(setup: try LockCase.setupSQL(), variant: lockCase.variant)
            #expect(history.isComplete)
            #expect(try lockCase.prediction(schema: history, inTransaction: lockCase.run == .transaction, variantInHistory: true) != nil)
            let effects = try lockCase.prediction(schema: schema, inTransaction: lockCase.run == .transaction)
            #expect(effects != nil, "\(lockCase) does not parse: \(lockCase.statement)")
        }
        #expect(cases.contains { if case .outside = $0.run { return true } else { return false } })
    }

    @Test(.enabled(if: PostgresClient.fromEnvironment != nil,
                   "no server: start one with `bash scripts/pg-test-server.sh start` and set MIGRATION_LINT_PGHOST=/tmp/migration-lint-pg"))
    func everyCaseAgreesWithPostgreSQL() throws {
        let client = try #require(PostgresClient.fromEnvironment)
        let cases = try LockCase.load()
        let setup = try LockCase.setupSQL()
        let schema = SchemaCatalog.learning(from: setup)
        let variants = Set(cases.map(\.variant)).sorted()
        var histories: [String: SchemaCatalog] = [:]
        for variant in variants { histories[variant] = try LockCase.history(setup: setup, variant: variant) }
        try prepareDatabases(client, setup: setup, variants: variants)

        var report: [String] = []
        for lockCase in cases {
            let differences: [String]
            switch lockCase.run {
            case .transaction:
                differences = try runInTransaction(lockCase, client: client, schema: schema, history: histories[lockCase.variant]!)
            case .outside(let blocker):
                differences = try runOutside(lockCase, blocker: blocker, client: client, schema: schema, history: histories[lockCase.variant]!)
            }
            if !differences.isEmpty {
                report.append("\(lockCase): \(lockCase.statement)\n" + differences.map { "    " + $0 }.joined(separator: "\n"))
            }
        }
        _ = try? client.run("DROP DATABASE IF EXISTS mlint_case WITH (FORCE);", database: "postgres")
        if !report.isEmpty {
            Issue.record("""
                \(report.count) of \(cases.count) cases disagree with PostgreSQL (model / server):
                \(report.joined(separator: "\n"))
                """)
        }
    }

    func prepareDatabases(_ client: PostgresClient, setup: String, variants: [String]) throws {
        var drop = "DROP DATABASE IF EXISTS mlint_case WITH (FORCE);\n"
        for variant in variants { drop += "DROP DATABASE IF EXISTS mlint_v_\(variant) WITH (FORCE);\n" }
        drop += "DROP DATABASE IF EXISTS mlint_base WITH (FORCE);\nCREATE DATABASE mlint_base;\n"
        // The SET TABLESPACE cases move tables to `mlint_space`, in the empty directory that
        // scripts/pg-test-server.sh prepares next to the socket.
        drop += """
            SELECT NOT EXISTS (SELECT FROM pg_tablespace WHERE spcname = 'mlint_space') AS need_tablespace \\gset
            \\if :need_tablespace
            CREATE TABLESPACE mlint_space LOCATION '\(client.host)/tablespace';
            \\endif

            """
        try client.mustRun(drop, database: "postgres")
        try client.mustRun(setup, database: "mlint_base")
        for variant in variants {
            try client.mustRun("CREATE DATABASE mlint_v_\(variant) TEMPLATE mlint_base;", database: "postgres")
            try client.mustRun(try LockCase.variantSQL(variant), database: "mlint_v_\(variant)")
        }
    }

    func runInTransaction(_ lockCase: LockCase, client: PostgresClient, schema: SchemaCatalog, history: SchemaCatalog) throws -> [String] {
        guard let effects = try lockCase.prediction(schema: schema, inTransaction: true) else { return ["does not parse"] }
        let script = lockCase.settingsSQL + "BEGIN;\n"
            + ServerObservation.snapshotSQL(tag: "B", statistics: "pg_stat_xact_user_tables") + ServerObservation.catalogSQL
            + lockCase.statement + ";\n"
            + ServerObservation.ownLocksSQL
            + ServerObservation.snapshotSQL(tag: "A", statistics: "pg_stat_xact_user_tables")
            + "ROLLBACK;\n"
        let output = try client.run(script, database: "mlint_v_\(lockCase.variant)")
        var observation = ServerObservation()
        observation.read(output.rows)
        if output.status != 0 {
            guard let error = output.error else { return ["psql failed: \(output.stderr)"] }
            return effects.error == error ? [] : ["error: model \(effects.error ?? "none") / server \(error)"]
        }
        var differences = observation.disagreements(with: effects, observedLocksOnly: false)
        if let error = effects.error { differences.append("error: model \(error) / server none") }
        // Knowing only the file, the model must take the same locks (naming in words what it cannot
        // identify; of a statement PostgreSQL skips because its table exists, at least those the
        // server takes), and may over-report rewrites and scans but never miss one without saying
        // what it assumed.
        if let blind = try lockCase.prediction(schema: SchemaCatalog(), inTransaction: true) {
            differences += observation.disagreements(with: blind, observedLocksOnly: try lockCase.isSkipped(knowing: schema), cautiousOnly: true)
                .map { "knowing only the file: " + $0 }
        }
        if lockCase.variantBelongsToHistory, let replayed = try lockCase.prediction(schema: history, inTransaction: true, variantInHistory: true) {
            differences += observation.disagreements(with: replayed, observedLocksOnly: false, historyKnown: true).map { "history known: " + $0 }
            if !replayed.assumptions.filter({ Self.historyDecides($0) }).isEmpty {
                differences.append("history known: still assumes \(replayed.assumptions.filter { Self.historyDecides($0) }.map(\.text))")
            }
        }
        return differences
    }

    /// Assumptions that the replayed history must settle: the old type of a column of a table
    /// an earlier migration created.
    static func historyDecides(_ assumption: Assumption) -> Bool {
        if case .oldColumnTypeUnknown = assumption { return true }
        return false
    }

    /// Inside a transaction block: exactly the model's error. Alone: the locks it requests while
    /// it waits behind a session holding SHARE ROW EXCLUSIVE on `blocker`, then what it rewrote
    /// and scanned once it finished, on a fresh copy of the variant's database.
    func runOutside(_ lockCase: LockCase, blocker: String, client: PostgresClient, schema: SchemaCatalog,
                    history: SchemaCatalog) throws -> [String] {
        var differences: [String] = []
        guard let inBlock = try lockCase.prediction(schema: schema, inTransaction: true),
              let alone = try lockCase.prediction(schema: schema, inTransaction: false) else { return ["does not parse"] }
        let blockOutput = try client.run(lockCase.settingsSQL + "BEGIN;\n\(lockCase.statement);\nROLLBACK;\n",
                                         database: "mlint_v_\(lockCase.variant)")
        if blockOutput.error != inBlock.error {
            differences.append("error in a transaction block: model \(inBlock.error ?? "none") / server \(blockOutput.error ?? "none")")
        }
        try client.mustRun("DROP DATABASE IF EXISTS mlint_case WITH (FORCE);\nCREATE DATABASE mlint_case TEMPLATE mlint_v_\(lockCase.variant);",
                           database: "postgres")
        if let error = alone.error {
            // The statement is refused outright: exactly that error, nothing to wait for.
            let output = try client.run(lockCase.settingsSQL + lockCase.statement + ";\n", database: "mlint_case")
            if output.error != error {
                differences.append("error outside a transaction: model \(error) / server \(output.error ?? "none")")
            }
            return differences
        }
        var observation = ServerObservation()
        observation.read(try client.mustRun(ServerObservation.snapshotSQL(tag: "B", statistics: "pg_stat_user_tables")
                                            + ServerObservation.catalogSQL, database: "mlint_case").rows)

        let holder = try client.start("BEGIN;\nLOCK TABLE \(blocker) IN SHARE ROW EXCLUSIVE MODE;\nSELECT 'held';\n", database: "mlint_case")
        guard holder.waitFor("held", seconds: 120) else {
            _ = holder.wait()
            return differences + ["the blocking session could not lock \(blocker): \(holder.stderr)"]
        }
        let statement = try client.start("SET application_name = 'mlint_case';\n" + lockCase.settingsSQL + lockCase.statement
                                         + ";\nSELECT pg_stat_force_next_flush();\nSELECT 'done';\n",
                                         database: "mlint_case", closeInput: true)
        let waitingLocks = """
            SELECT 'L', l.relation, l.mode, l.granted FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.application_name = 'mlint_case' AND l.locktype = 'relation'
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
            """
        var waited = false
        // A hang guard, not a measure: it ends as soon as the wait is seen, or the statement ended
        // without waiting (it cannot wait after that).
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, statement.process.isRunning {
            let output = try client.mustRun(waitingLocks, database: "mlint_case")
            if output.rows("L").contains(where: { $0.count == 3 && $0[2] == "f" }) {
                observation.read(output.rows)
                waited = true
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        holder.send("ROLLBACK;\n")
        _ = holder.wait()
        let result = statement.wait()
        if !waited { differences.append("the statement never waited behind the lock on \(blocker)") }
        if result.status != 0 { return differences + ["server failed outside a transaction: \(result.error ?? result.stderr)"] }
        observation.read(try client.mustRun(ServerObservation.snapshotSQL(tag: "A", statistics: "pg_stat_user_tables"),
                                            database: "mlint_case").rows)
        differences += observation.disagreements(with: alone, observedLocksOnly: true)
        if let blind = try lockCase.prediction(schema: SchemaCatalog(), inTransaction: false) {
            differences += observation.disagreements(with: blind, observedLocksOnly: true, cautiousOnly: true).map { "knowing only the file: " + $0 }
        }
        if lockCase.variantBelongsToHistory, let replayed = try lockCase.prediction(schema: history, inTransaction: false, variantInHistory: true) {
            differences += observation.disagreements(with: replayed, observedLocksOnly: true, historyKnown: true).map { "history known: " + $0 }
        }
        return differences
    }

}
