#if Database
import Foundation
import LockModel
import MigrationLint
import PostgresSyntax

/// `migration-lint verify` on a database the user names: each file's statements run inside
/// `BEGIN ... ROLLBACK` on one connection, and after each statement the session's locks, the
/// relations' storage (rewrites) and sequential scans are read and compared with the model's
/// prediction through `ServerObservation`, the comparison the lock-model suite uses.
///
/// Nothing is left changed because nothing is ever committed: the transaction is rolled back
/// after each file, statements that cannot run inside a transaction block are not sent, the
/// file's own transaction control (BEGIN, COMMIT, SAVEPOINT ...) is not sent, and the session
/// refuses a server whose `default_transaction_read_only` is on (a replica or a guarded primary).
public struct Verifier {
    /// How long a statement may wait for a lock before it gives up: verify must never queue
    /// behind live traffic.
    public var lockTimeout: String

    public init(lockTimeout: String = "2s") {
        self.lockTimeout = lockTimeout
    }

    /// One statement's outcome.
    public struct StatementResult: Sendable {
        public enum Status: String, Sendable {
            /// Ran; the server did what the model said.
            case agrees
            /// Ran; the server did something else.
            case disagrees
            /// The server refused it; the rest of the file was not run.
            case failed
            /// Not sent to the server (`reason` says why).
            case notRun = "not-run"
        }

        public var position: SourcePosition
        public var sql: String
        public var status: Status
        /// The model's prediction, resolved through the server's catalog.
        public var model: Effects?
        /// What the server did.
        public var server: Effects?
        public var milliseconds: Double?
        public var disagreements: [String] = []
        /// Why it was not run, or the server's error.
        public var reason: String?
    }

    /// Locks (strongest per relation), rewrites and full scans, by relation name.
    public struct Effects: Sendable, Equatable {
        public var locks: [String: String]
        public var rewrites: [String]
        public var scans: [String]
    }

    public struct FileResult: Sendable {
        public var path: String
        public var statements: [StatementResult]
    }

    /// Checks that the server is one verify may run statements on, and sets the lock timeout.
    public func prepare(_ connection: PostgresConnection) throws {
        let settings = try connection.query(
            "SELECT current_setting('default_transaction_read_only') AS read_only, pg_is_in_recovery()::text AS recovery",
            what: "reading the server's settings")
        if settings.value(0, "read_only") == "on" {
            throw DatabaseError.refused(server: connection.server, reason: """
                default_transaction_read_only is on: verify runs the migrations (and rolls them back), \
                so it needs a development or CI database that accepts writes
                """)
        }
        if settings.value(0, "recovery") == "true" {
            throw DatabaseError.refused(server: connection.server, reason: "it is a standby in recovery: verify needs a development or CI primary")
        }
        try connection.query("SET lock_timeout = '\(lockTimeout.replacingOccurrences(of: "'", with: "''"))'", what: "setting lock_timeout")
    }

    /// Runs one file inside `BEGIN ... ROLLBACK` and compares each statement with the model.
    /// `settings` carries the schema the model starts from (the database's own catalog).
    public func verify(path: String, source: SourceText, settings: RunSettings, on connection: PostgresConnection) throws -> FileResult {
        var runSettings = settings
        runSettings.fileRunsInTransaction = true
        let parsed = SQLParser().parse(source)
        // The model's side of each statement the file sends (a DO block: its body's statements).
        var run = MigrationAnalyzer.Run(analyzer: MigrationAnalyzer(settings: runSettings))
        let predicted = parsed.map { (parsed: $0, effects: run.appendAsTheServerRunsIt($0, in: source)) }
        var results: [StatementResult] = []
        try connection.query("BEGIN", what: "starting the transaction")
        defer { _ = try? connection.query("ROLLBACK", what: "rolling back") }
        var failed = false
        for statement in predicted {
            let range = statement.parsed.slice.range
            var result = StatementResult(position: source.position(of: range.lowerBound),
                                         sql: source.text(range).trimmingCharacters(in: .whitespacesAndNewlines),
                                         status: .notRun)
            if failed {
                result.reason = "an earlier statement failed"
                results.append(result)
                continue
            }
            switch statement.parsed.content {
            case .syntaxError(let message, let offset):
                result.position = source.position(of: offset)
                result.status = .failed
                result.reason = "syntax error: \(message)"
                failed = true
            case .psqlMetaCommand, .psqlVariable:
                result.reason = "a psql meta-command or variable: only psql can run it"
            case .statement(let syntax):
                if case .transaction = syntax {
                    result.reason = "transaction control: verify runs the file in its own transaction and rolls it back"
                } else if statement.effects?.cannotRunInTransactionBlock == true {
                    result.reason = "cannot run inside a transaction block, and verify runs nothing on your database outside one"
                } else {
                    result = try self.run(result, effects: statement.effects ?? StatementEffects(), range: range, source: source, on: connection)
                    failed = result.status == .failed
                }
            }
            results.append(result)
        }
        return FileResult(path: path, statements: results)
    }

    func run(_ pending: StatementResult, effects: StatementEffects, range: Range<Int>, source: SourceText,
             on connection: PostgresConnection) throws -> StatementResult {
        var result = pending
        var observation = ServerObservation()
        let schemas = ServerObservation.userSchemas
        var tagged: [String: [[String]]] = [:]
        func collect(_ sql: String, _ what: String) throws {
            for row in try connection.query(sql, what: what).rows {
                guard let tag = row.first ?? nil else { continue }
                tagged[tag, default: []].append(row.dropFirst().map { $0 ?? "" })
            }
        }
        try collect(ServerObservation.snapshotSQL(tag: "B", statistics: "pg_stat_xact_user_tables", schemas: schemas), "reading the relations")
        for query in ServerObservation.catalogQueries { try collect(query, "reading the catalog") }
        try collect(ServerObservation.ownLocksSQL, "reading the session's locks")
        observation.heldBefore = (tagged.removeValue(forKey: "L") ?? []).compactMap { row in
            row.count == 3 ? LockMode(name: row[1]).map { (row[0], $0) } : nil
        }
        try connection.query("SAVEPOINT verify_statement", what: "a savepoint")
        let start = Date()
        do {
            try connection.query(source.text(range), what: "the statement")
        } catch let DatabaseError.query(_, _, sqlState, message) {
            // The server's position is in characters from the statement's start.
            if let position = connection.lastErrorPosition, position > 0 {
                result.position = source.position(of: source.byteOffset(ofCharacter: position, in: range))
            }
            result.milliseconds = Date().timeIntervalSince(start) * 1000
            result.status = .failed
            result.reason = message + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
            if sqlState == "55P03" { result.reason! += "; lock_timeout \(lockTimeout) expired: another session holds a conflicting lock" }
            try connection.query("ROLLBACK TO SAVEPOINT verify_statement", what: "rolling back the statement")
            return result
        }
        result.milliseconds = Date().timeIntervalSince(start) * 1000
        try collect(ServerObservation.ownLocksSQL, "reading the session's locks")
        try collect(ServerObservation.snapshotSQL(tag: "A", statistics: "pg_stat_xact_user_tables", schemas: schemas), "reading the relations")
        observation.read { tagged[$0] ?? [] }
        let model = ResolvedPrediction(effects, server: observation)
        let byName = observation.relationsByName
        result.model = Effects(locks: model.locks.filter { byName[$0.key] != nil }.mapValues(\.description),
                               rewrites: model.rewrites.filter { byName[$0] != nil }.sorted(),
                               scans: model.scans.filter { byName[$0] != nil }.sorted())
        // The relations the comparison looks at: tables, partitioned tables and materialized
        // views, and whatever else the model names (an index of ALTER INDEX).
        let serverLocks = observation.strongestLocks.filter { ["r", "p", "m"].contains(byName[$0.key]?.kind ?? "") || model.locks[$0.key] != nil }
        result.server = Effects(locks: serverLocks.mapValues(\.description),
                                rewrites: observation.comparableRewrites.sorted(), scans: observation.comparableScans.sorted())
        result.disagreements = observation.disagreements(with: effects, observedLocksOnly: false)
        if let error = effects.error { result.disagreements.append("error: model \(error) / server none") }
        result.status = result.disagreements.isEmpty ? .agrees : .disagrees
        return result
    }
}
#endif
