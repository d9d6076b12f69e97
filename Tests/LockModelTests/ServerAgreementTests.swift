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
        guard let block = PLpgSQL.doBody(of: last, in: source) else {
            let analysis = MigrationAnalyzer(settings: RunSettings(postgresVersion: 15, existingSchema: schema)).analyze(statements)
            return analysis.statements.last?.effects
        }
        // A DO block: what its statements do, together, run as the block runs them.
        var run = MigrationAnalyzer.Run(analyzer: MigrationAnalyzer(settings: RunSettings(postgresVersion: 15, existingSchema: schema)))
        for parsed in statements.dropLast() { run.append(parsed) }
        let body = PLpgSQL.statements(ofBody: block, in: source).statements.flatMap { statement -> [ParsedStatement] in
            guard case .file(let range) = statement.text else { return [] }
            return StatementSplitter.split(source.bytes, in: range).flatMap { SQLParser().parse($0, in: source) }
        }
        guard !body.isEmpty else { return nil }
        run.appendBlock(last, body: body)
        var effects = StatementEffects()
        for inner in run.statements.suffix(body.count).map(\.effects) {
            effects.locks += inner.locks
            effects.indirectLocks += inner.indirectLocks
            effects.rewrites += inner.rewrites
            effects.scans += inner.scans
            effects.assumptions += inner.assumptions
            effects.error = effects.error ?? inner.error
            effects.cannotRunInTransactionBlock = effects.cannotRunInTransactionBlock || inner.cannotRunInTransactionBlock
        }
        return effects
    }
}

/// What the server showed for one relation before or after the statement.
struct ServerRelation {
    var oid: String
    var name: String
    var kind: String
    var filenode: String
    var seqScans: Int
    var bytes: Int
    /// The partitioned table of a partition (or partitioned index of an index partition).
    var parent: String?
    /// The table of an index.
    var indexTable: String?
}

/// Everything the server showed for one case.
struct ServerObservation {
    var before: [String: ServerRelation] = [:]
    var after: [String: ServerRelation] = [:]
    /// (oid, mode, granted).
    var locks: [(String, LockMode, Bool)] = []
    /// (table, constraint, referenced table, referenced columns).
    var foreignKeys: [(String, String, String, [String])] = []
    /// Partitioned table to its DEFAULT partition.
    var defaultPartitions: [String: String] = [:]
    /// View to the tables its query reads.
    var viewTables: [String: [String]] = [:]
    var error: String?

    static func snapshotSQL(tag: String, statistics: String) -> String {
        """
        SELECT '\(tag)', c.oid, n.nspname || '.' || c.relname, c.relkind, c.relfilenode, COALESCE(s.seq_scan, 0),
               pg_relation_size(c.oid),
               COALESCE((SELECT pn.nspname || '.' || p.relname FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent
                         JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = c.oid LIMIT 1), ''),
               COALESCE((SELECT tn.nspname || '.' || t.relname FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
                         JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE x.indexrelid = c.oid), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN \(statistics) s ON s.relid = c.oid
        WHERE n.nspname IN ('public', 'archive') AND c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S');

        """
    }

    static let catalogSQL = """
        SELECT 'D', pn.nspname || '.' || p.relname, dn.nspname || '.' || d.relname
        FROM pg_partitioned_table pt JOIN pg_class p ON p.oid = pt.partrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
        JOIN pg_class d ON d.oid = pt.partdefid JOIN pg_namespace dn ON dn.oid = d.relnamespace;
        SELECT 'F', cn.nspname || '.' || cl.relname, co.conname, rn.nspname || '.' || rl.relname,
               (SELECT string_agg(a.attname, ',') FROM pg_attribute a WHERE a.attrelid = co.confrelid AND a.attnum = ANY (co.confkey))
        FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
        JOIN pg_class rl ON rl.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = rl.relnamespace WHERE co.contype = 'f';
        SELECT DISTINCT 'V', vn.nspname || '.' || v.relname, tn.nspname || '.' || t.relname
        FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid AND t.relkind IN ('r', 'p', 'm')
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE vn.nspname IN ('public', 'archive');

        """

    static let ownLocksSQL = """
        SELECT 'L', relation, mode, granted FROM pg_locks
        WHERE pid = pg_backend_pid() AND locktype = 'relation'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database());

        """

    mutating func read(_ output: PostgresClient.Output) {
        for row in output.rows("B") { let r = Self.relation(row); before[r.oid] = r }
        for row in output.rows("A") { let r = Self.relation(row); after[r.oid] = r }
        for row in output.rows("L") where row.count == 3 {
            if let mode = LockMode(name: row[1]) { locks.append((row[0], mode, row[2] == "t")) }
        }
        for row in output.rows("F") where row.count == 4 {
            foreignKeys.append((row[0], row[1], row[2], row[3].split(separator: ",").map(String.init)))
        }
        for row in output.rows("D") where row.count == 2 { defaultPartitions[row[0]] = row[1] }
        for row in output.rows("V") where row.count == 2 { viewTables[row[0], default: []].append(row[1]) }
    }

    static func relation(_ row: [String]) -> ServerRelation {
        let field = { (i: Int) in i < row.count ? row[i] : "" }
        return ServerRelation(oid: field(0), name: field(1), kind: field(2), filenode: field(3), seqScans: Int(field(4)) ?? 0,
                              bytes: Int(field(5)) ?? 0, parent: field(6).isEmpty ? nil : field(6), indexTable: field(7).isEmpty ? nil : field(7))
    }

    var relationsByName: [String: ServerRelation] {
        Dictionary(before.values.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Strongest lock per existing relation (relations the statement created are not compared).
    var strongestLocks: [String: LockMode] {
        var result: [String: LockMode] = [:]
        for (oid, mode, _) in locks {
            guard let relation = before[oid] else { continue }
            result[relation.name] = max(result[relation.name] ?? mode, mode)
        }
        return result
    }

    var rewritten: Set<String> {
        Set(before.values.filter { relation in
            guard let now = after[relation.oid], relation.kind != "p", relation.kind != "I" else { return false }
            return now.filenode != relation.filenode
        }.map(\.name))
    }

    /// Relations read in full. A relation whose storage the statement replaced with an empty
    /// one (TRUNCATE) shows a scan too: rebuilding its indexes reads the new, empty heap. That
    /// reads nothing and is not counted.
    var scanned: Set<String> {
        Set(before.values.filter { relation in
            guard let now = after[relation.oid] else { return false }
            if now.filenode != relation.filenode && now.bytes == 0 { return false }
            return now.seqScans > relation.seqScans
        }.map(\.name))
    }
}

/// What the model predicts, with its indirect locks resolved through the server's catalog.
struct ResolvedPrediction {
    var locks: [String: LockMode] = [:]
    var rewrites: Set<String> = []
    var scans: Set<String> = []

    /// Relations the model named in words although the history showed them (`historyKnown`).
    var unnamed: [String] = []

    /// With `historyKnown`, the table of an index and the tables of foreign keys must be named,
    /// not described: the replayed history shows them. Views' tables and default partitions are
    /// not kept by the catalog and are still resolved through the server.
    init(_ effects: StatementEffects, server: ServerObservation, historyKnown: Bool = false) {
        for lock in effects.strongestLocks { take(lock.relation.qualified, lock.mode) }
        rewrites = Set(effects.rewrites.map(\.qualified))
        scans = Set(effects.scans.map(\.qualified))
        let byName = server.relationsByName
        for indirect in effects.indirectLocks {
            let tables: [String]
            if historyKnown {
                switch indirect.target {
                case .tableOfIndex, .tablesReferencedBy, .tableReferencedByConstraint, .tablesReferencingColumn:
                    unnamed.append(indirect.description)
                    continue
                default:
                    break
                }
            }
            switch indirect.target {
            case .tableOfIndex(let index):
                tables = byName[index.qualified]?.indexTable.map { [$0] } ?? []
            case .tablesReferencedBy(let table):
                tables = server.foreignKeys.filter { $0.0 == table.qualified }.map(\.2)
            case .tablesReferencing(let table):
                tables = server.foreignKeys.filter { $0.2 == table.qualified }.map(\.0)
            case .tableReferencedByConstraint(let table, let constraint):
                tables = server.foreignKeys.filter { $0.0 == table.qualified && $0.1 == constraint }.map(\.2)
            case .tablesReferencingColumn(let table, let column):
                tables = server.foreignKeys.filter { $0.2 == table.qualified && $0.3.contains(column) }.map(\.0)
            case .defaultPartitionOf(let table):
                tables = server.defaultPartitions[table.qualified].map { [$0] } ?? []
            case .tablesReadBy(let view):
                tables = server.viewTables[view.qualified] ?? []
            }
            for table in tables {
                take(table, indirect.mode)
                if indirect.rewritten { rewrites.insert(table) }
                if indirect.scanned { scans.insert(table) }
            }
        }
        // A statement on a partitioned table recurses to its partitions; the partitioned table
        // itself has no storage to rewrite or scan.
        for relation in server.before.values where effects.recursesToPartitions && ["r", "p"].contains(relation.kind) {
            guard let parent = relation.parent, locks[relation.name] == nil, let mode = locks[parent] else { continue }
            locks[relation.name] = mode
            if rewrites.contains(parent) { rewrites.insert(relation.name) }
            if scans.contains(parent) { scans.insert(relation.name) }
        }
        for relation in server.before.values where relation.kind == "p" {
            rewrites.remove(relation.name)
            scans.remove(relation.name)
        }
    }

    mutating func take(_ relation: String, _ mode: LockMode) {
        locks[relation] = max(locks[relation] ?? mode, mode)
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
        observation.read(output)
        if output.status != 0 {
            guard let error = output.error else { return ["psql failed: \(output.stderr)"] }
            return effects.error == error ? [] : ["error: model \(effects.error ?? "none") / server \(error)"]
        }
        var differences = compare(effects, observation, observedLocksOnly: false)
        if let error = effects.error { differences.append("error: model \(error) / server none") }
        // Knowing only the file, the model must take the same locks (naming in words what it cannot
        // identify), and may over-report rewrites and scans but never miss one without saying what
        // it assumed.
        if let blind = try lockCase.prediction(schema: SchemaCatalog(), inTransaction: true) {
            differences += compare(blind, observation, observedLocksOnly: false, cautiousOnly: true).map { "knowing only the file: " + $0 }
        }
        if let replayed = try lockCase.prediction(schema: history, inTransaction: true, variantInHistory: true) {
            differences += compare(replayed, observation, observedLocksOnly: false, historyKnown: true).map { "history known: " + $0 }
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
                                            + ServerObservation.catalogSQL, database: "mlint_case"))

        let holder = try client.start("BEGIN;\nLOCK TABLE \(blocker) IN SHARE ROW EXCLUSIVE MODE;\nSELECT 'held';\n", database: "mlint_case")
        guard holder.waitFor("held", seconds: 10) else {
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
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let output = try client.mustRun(waitingLocks, database: "mlint_case")
            if output.rows("L").contains(where: { $0.count == 3 && $0[2] == "f" }) {
                observation.read(output)
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
                                            database: "mlint_case"))
        differences += compare(alone, observation, observedLocksOnly: true)
        if let blind = try lockCase.prediction(schema: SchemaCatalog(), inTransaction: false) {
            differences += compare(blind, observation, observedLocksOnly: true, cautiousOnly: true).map { "knowing only the file: " + $0 }
        }
        if let replayed = try lockCase.prediction(schema: history, inTransaction: false, variantInHistory: true) {
            differences += compare(replayed, observation, observedLocksOnly: true, historyKnown: true).map { "history known: " + $0 }
        }
        return differences
    }

    /// The disagreements, one line each. With `observedLocksOnly`, locks the statement had not
    /// requested yet when it started waiting are not compared.
    ///
    /// With `cautiousOnly`, a rewrite or scan the model predicts and the server did not do is no
    /// disagreement, and one the server did that the model missed is one only when the model
    /// recorded no assumption that it rests on.
    func compare(_ effects: StatementEffects, _ server: ServerObservation, observedLocksOnly: Bool,
                 cautiousOnly: Bool = false, historyKnown: Bool = false) -> [String] {
        let model = ResolvedPrediction(effects, server: server, historyKnown: historyKnown)
        let serverLocks = server.strongestLocks
        let byName = server.relationsByName
        var differences: [String] = model.unnamed.map { "named in words although the history shows it: \($0)" }
        var relations = Set(model.locks.keys.filter { byName[$0] != nil })
        for (name, _) in serverLocks where ["r", "p", "m"].contains(byName[name]?.kind ?? "") { relations.insert(name) }
        for name in relations.sorted() {
            if observedLocksOnly && serverLocks[name] == nil { continue }
            let predicted = model.locks[name], observed = serverLocks[name]
            if predicted != observed {
                differences.append("lock on \(name): model \(predicted?.description ?? "none") / server \(observed?.description ?? "none")")
            }
        }
        let comparable = { (name: String) in ["r", "m"].contains(byName[name]?.kind ?? "") }
        let modelRewrites = model.rewrites.filter { byName[$0] != nil }
        let serverRewrites = server.rewritten.filter { comparable($0) || model.rewrites.contains($0) }
        // A miss is announced only by an assumption that the rewrite (which reads the table) or
        // the scan rests on.
        let stakes = Set(effects.assumptions.map(\.stake))
        func disagrees(_ model: Bool, _ server: Bool, announcedBy: Set<Assumption.Stake>) -> Bool {
            cautiousOnly ? (server && !model && stakes.isDisjoint(with: announcedBy)) : model != server
        }
        for name in modelRewrites.union(serverRewrites).sorted()
        where disagrees(modelRewrites.contains(name), serverRewrites.contains(name), announcedBy: [.rewrite]) {
            differences.append("rewrite of \(name): model \(modelRewrites.contains(name) ? "yes" : "no") / server \(serverRewrites.contains(name) ? "yes" : "no")")
        }
        let modelScans = model.scans.filter { byName[$0] != nil }
        // A table the file created and left empty: the server opens its heap and reads no row,
        // which is no scan.
        let createdEmpty = Set(effects.locks.filter { $0.isNew && byName[$0.relation.qualified]?.bytes == 0 }.map(\.relation.qualified))
        let serverScans = server.scanned.filter { comparable($0) && !createdEmpty.contains($0) }
        for name in modelScans.union(serverScans).sorted()
        where disagrees(modelScans.contains(name), serverScans.contains(name), announcedBy: [.rewrite, .scan]) {
            differences.append("full scan of \(name): model \(modelScans.contains(name) ? "yes" : "no") / server \(serverScans.contains(name) ? "yes" : "no")")
        }
        return differences
    }
}
