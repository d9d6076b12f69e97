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
/// On a throwaway database (`throwawayDatabase`) the statements that refuse a transaction block
/// are run too, and what came before them is committed.
public struct Verifier {
    /// How long a statement may wait for a lock before it gives up: verify must never queue
    /// behind live traffic.
    public var lockTimeout: String
    /// The database verify runs on is a throwaway copy on verify's own server (`ThrowawayServer`):
    /// a statement that cannot run inside a transaction block is run after all, outside one, on a
    /// connection of its own to this database, and observed as the lock-model suite observes it
    /// (what came before it in the file is committed first).
    public var throwawayDatabase: ConnectionString?

    public init(lockTimeout: String = "2s", throwawayDatabase: ConnectionString? = nil) {
        self.lockTimeout = lockTimeout
        self.throwawayDatabase = throwawayDatabase
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
    /// `settings` carries the schema the model starts from (the database's own catalog). Positions
    /// are in the file the user wrote (a Swift migration's, through its source map).
    public func verify(_ file: MigrationFile, settings: RunSettings, on connection: PostgresConnection) throws -> FileResult {
        let source = file.source
        var runSettings = settings
        // On a throwaway database the statements that refuse a transaction block run alone, as
        // the migration tool runs them.
        runSettings.fileRunsInTransaction = throwawayDatabase == nil
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
            var result = StatementResult(position: file.position(of: range.lowerBound),
                                         sql: source.text(range).trimmingCharacters(in: .whitespacesAndNewlines),
                                         status: .notRun)
            if failed {
                result.reason = "an earlier statement failed"
                results.append(result)
                continue
            }
            switch statement.parsed.content {
            case .syntaxError(let message, let offset):
                result.position = file.position(of: offset)
                result.status = .failed
                result.reason = "syntax error: \(message)"
                failed = true
            case .psqlMetaCommand, .psqlVariable:
                result.reason = "a psql meta-command or variable: only psql can run it"
            case .statement(let syntax):
                if case .transaction = syntax {
                    result.reason = "transaction control: verify runs the file in its own transaction and rolls it back"
                } else if statement.effects?.cannotRunInTransactionBlock == true {
                    if let throwawayDatabase, let effects = statement.effects {
                        result = try runAlone(result, effects: effects, range: range, file: file, on: connection, database: throwawayDatabase)
                        failed = result.status == .failed
                    } else {
                        result.reason = "cannot run inside a transaction block, and verify runs nothing on your database outside one"
                    }
                } else {
                    result = try self.run(result, effects: statement.effects ?? StatementEffects(), range: range, file: file, on: connection)
                    failed = result.status == .failed
                }
            }
            results.append(result)
        }
        return FileResult(path: file.path, statements: results)
    }

    func run(_ pending: StatementResult, effects: StatementEffects, range: Range<Int>, file: MigrationFile,
             on connection: PostgresConnection) throws -> StatementResult {
        var tagged: [String: [[String]]] = [:]
        try read([ServerObservation.snapshotSQL(tag: "B", statistics: "pg_stat_xact_user_tables", schemas: ServerObservation.userSchemas)]
                 + ServerObservation.catalogQueries + [ServerObservation.ownLocksSQL], on: connection, into: &tagged)
        let heldBefore = (tagged.removeValue(forKey: "L") ?? []).compactMap { row in
            row.count == 3 ? LockMode(name: row[1]).map { (row[0], $0) } : nil
        }
        try connection.query("SAVEPOINT verify_statement", what: "a savepoint")
        let start = Date()
        do {
            try connection.query(file.source.text(range), what: "the statement")
        } catch let DatabaseError.query(_, _, sqlState, message) {
            let result = failed(pending, sqlState: sqlState, message: message, range: range, file: file, connection: connection, start: start)
            try connection.query("ROLLBACK TO SAVEPOINT verify_statement", what: "rolling back the statement")
            return result
        }
        let milliseconds = Date().timeIntervalSince(start) * 1000
        try read([ServerObservation.ownLocksSQL, ServerObservation.snapshotSQL(tag: "A", statistics: "pg_stat_xact_user_tables",
                                                                                schemas: ServerObservation.userSchemas)],
                 on: connection, into: &tagged)
        var observation = ServerObservation()
        observation.heldBefore = heldBefore
        observation.read { tagged[$0] ?? [] }
        return compared(pending, effects: effects, observation: observation, milliseconds: milliseconds, observedLocksOnly: false)
    }

    /// A statement that refuses a transaction block, on the throwaway database. What the file did
    /// so far is committed; the statement runs alone on a connection of its own while another
    /// holds SHARE ROW EXCLUSIVE on a table the model says it locks, so that the locks it asks
    /// for show in `pg_locks` while it waits (as the lock-model suite runs its `outside:` cases);
    /// then its rewrites and scans, from `pg_stat_user_tables`. The file's transaction opens
    /// again after it.
    func runAlone(_ pending: StatementResult, effects: StatementEffects, range: Range<Int>, file: MigrationFile,
                  on connection: PostgresConnection, database: ConnectionString) throws -> StatementResult {
        try connection.query("COMMIT", what: "committing the file so far")
        defer { _ = try? connection.query("BEGIN", what: "starting the transaction") }
        var tagged: [String: [[String]]] = [:]
        try read([ServerObservation.snapshotSQL(tag: "B", statistics: "pg_stat_user_tables", schemas: ServerObservation.userSchemas)]
                 + ServerObservation.catalogQueries, on: connection, into: &tagged)
        var before = ServerObservation()
        before.read { tagged[$0] ?? [] }
        let tables = before.relationsByName
        // A statement the model says the server refuses takes no lock worth watching.
        let blocker = effects.error != nil ? nil : effects.strongestLocks.map(\.relation.qualified)
            .filter { ["r", "p", "m"].contains(tables[$0]?.kind ?? "") }.sorted().first
        let holder = try blocker.map { table -> PostgresConnection in
            let holder = try PostgresConnection(database)
            try holder.query("BEGIN; LOCK TABLE \(table.split(separator: ".").map { quoteIdentifier(String($0)) }.joined(separator: ".")) IN SHARE ROW EXCLUSIVE MODE",
                             what: "locking \(table) to watch the statement wait")
            return holder
        }
        let statement = try PostgresConnection(database)
        try statement.send(file.source.text(range), what: "the statement")
        var waited = false
        if let holder {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && statement.isBusy {
                var locks: [String: [[String]]] = [:]
                try read([ServerObservation.locksSQL(ofBackend: String(statement.backendPID))], on: connection, into: &locks)
                if let rows = locks["L"], rows.contains(where: { $0.count == 3 && $0[2] == "f" }) {
                    tagged["L"] = rows
                    waited = true
                    break
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            try holder.query("ROLLBACK", what: "releasing the lock")
        }
        let start = Date()
        do {
            try statement.finish(what: "the statement")
        } catch let DatabaseError.query(_, _, sqlState, message) {
            guard let error = effects.error else {
                return failed(pending, sqlState: sqlState, message: message, range: range, file: file, connection: statement, start: start)
            }
            var result = pending
            result.status = error == message ? .agrees : .disagrees
            result.reason = "the server refused it: \(message)"
            if error != message { result.disagreements = ["error: model \(error) / server \(message)"] }
            return result
        }
        let milliseconds = Date().timeIntervalSince(start) * 1000
        // The statistics of another session reach the shared counters when it flushes them.
        if statement.serverVersionNumber >= 150000 {
            try statement.query("SELECT pg_stat_force_next_flush()", what: "flushing the statistics")
        } else {
            Thread.sleep(forTimeInterval: 1)
        }
        try statement.query("SELECT 1", what: "flushing the statistics")
        try read([ServerObservation.snapshotSQL(tag: "A", statistics: "pg_stat_user_tables", schemas: ServerObservation.userSchemas)],
                 on: connection, into: &tagged)
        var observation = ServerObservation()
        observation.read { tagged[$0] ?? [] }
        var result = compared(pending, effects: effects, observation: observation, milliseconds: milliseconds, observedLocksOnly: true)
        if let blocker, !waited {
            result.disagreements.append("the statement never waited behind the lock on \(blocker): its locks were not seen")
            result.status = .disagrees
        }
        result.reason = blocker.map { "run alone, outside a transaction block; its locks were read while it waited behind one on \($0)" }
            ?? "run alone, outside a transaction block; the model names no table it locks, so its locks were not watched"
        return result
    }

    /// Runs `queries` and files their rows by their first column, the tag `ServerObservation` reads.
    func read(_ queries: [String], on connection: PostgresConnection, into tagged: inout [String: [[String]]]) throws {
        for query in queries {
            for row in try connection.query(query, what: "reading the catalog").rows {
                guard let tag = row.first ?? nil else { continue }
                tagged[tag, default: []].append(row.dropFirst().map { $0 ?? "" })
            }
        }
    }

    /// The statement the server refused, placed at the server's error position.
    func failed(_ pending: StatementResult, sqlState: String?, message: String, range: Range<Int>, file: MigrationFile,
                connection: PostgresConnection, start: Date) -> StatementResult {
        var result = pending
        // The server's position is in characters from the statement's start.
        if let position = connection.lastErrorPosition, position > 0 {
            result.position = file.position(of: file.source.byteOffset(ofCharacter: position, in: range))
        }
        result.milliseconds = Date().timeIntervalSince(start) * 1000
        result.status = .failed
        result.reason = message + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
        if sqlState == "55P03" { result.reason! += "; lock_timeout \(lockTimeout) expired: another session holds a conflicting lock" }
        return result
    }

    /// The model's prediction and the server's observation side by side, and where they differ.
    func compared(_ pending: StatementResult, effects: StatementEffects, observation: ServerObservation, milliseconds: Double,
                  observedLocksOnly: Bool) -> StatementResult {
        var result = pending
        result.milliseconds = milliseconds
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
        result.disagreements = observation.disagreements(with: effects, observedLocksOnly: observedLocksOnly)
        if let error = effects.error { result.disagreements.append("error: model \(error) / server none") }
        result.status = result.disagreements.isEmpty ? .agrees : .disagrees
        return result
    }
}
#endif
