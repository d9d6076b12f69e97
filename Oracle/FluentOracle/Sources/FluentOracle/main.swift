import CPgQueryOracle
import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import MigrationLint
import NIOCore
import NIOPosix
import OracleFixtures
import PostgresSyntax
import SwiftMigrations

// Runs each fixture migration with the real FluentKit 1.57 + FluentPostgresDriver 2.14 + SQLKit
// 3.36 on the PostgreSQL at MIGRATION_LINT_PGHOST (a Unix socket directory) and
// MIGRATION_LINT_PGPORT, records the SQL each one sends, and compares it statement for statement
// with what MigrationLint's Swift front end reads from the same file. Both sides are parsed with
// libpg_query and compared as parse trees without positions. Exit 0 when every fixture agrees.

/// Collects the SQL SQLKit logs ("Executing query", metadata `sql`) for each statement it sends.
final class SQLRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String] = []

    func append(_ sql: String) { lock.lock(); statements.append(sql); lock.unlock() }

    func take() -> [String] {
        lock.lock(); defer { lock.unlock() }
        let taken = statements
        statements = []
        return taken
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: SQLRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        if case .string(let sql)? = metadata?["sql"] { recorder.append(sql) }
    }
}

/// libpg_query's parse tree of one statement, without positions; nil when it does not parse.
func parseTree(_ sql: String) -> String? {
    let result = pg_query_parse(sql)
    defer { pg_query_free_parse_result(result) }
    guard result.error == nil, let tree = result.parse_tree else { return nil }
    let json = String(cString: tree)
    let positions = try! NSRegularExpression(pattern: #""(location|stmt_location|stmt_len)":-?[0-9]+,?"#)
    return positions.stringByReplacingMatches(in: json, range: NSRange(json.startIndex..., in: json), withTemplate: "")
        .replacingOccurrences(of: ",}", with: "}")
}

/// Statements of Fluent's own bookkeeping (`_fluent_enums`) and transaction control, which
/// PostgresNIO sends outside SQLKit's log: not part of the comparison.
func isBookkeeping(_ sql: String) -> Bool {
    let trimmed = sql.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))).uppercased()
    return sql.contains("\"_fluent_enums\"") || ["BEGIN", "COMMIT", "ROLLBACK"].contains(trimmed)
}

/// What the front end reads from a fixture file, statement by statement.
func translated(_ path: String) throws -> [String] {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let swift = SwiftMigrationReader.read(SourceText(bytes: bytes))
    for item in swift.notAnalyzed { print("    not analyzed: \(item.reason)") }
    return SQLParser().parse(swift.sql).map { swift.sql.text($0.range) }
}

let environment = ProcessInfo.processInfo.environment
guard let host = environment["MIGRATION_LINT_PGHOST"], !host.isEmpty else {
    print("fluent-oracle: MIGRATION_LINT_PGHOST is not set: skipped (no PostgreSQL to run the fixtures on)")
    exit(0)
}
let port = environment["MIGRATION_LINT_PGPORT"] ?? "54329"
let recorder = SQLRecorder()
var logger = Logger(label: "fluent-oracle") { _ in RecordingLogHandler(recorder: recorder) }
logger.logLevel = .info

var configuration = SQLPostgresConfiguration(unixDomainSocketPath: "\(host)/.s.PGSQL.\(port)", username: "postgres",
                                             password: nil, database: "postgres")
configuration.searchPath = ["fluent_oracle"]
let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 1, sqlLogLevel: .info), as: .psql)
let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
guard let database = databases.database(.psql, logger: logger, on: eventLoop) else { fatalError("no database") }
let sql = database as! any SQLDatabase

var failures = 0
do {
    try await sql.raw("DROP SCHEMA IF EXISTS fluent_oracle CASCADE").run()
    try await sql.raw("CREATE SCHEMA fluent_oracle").run()
    _ = recorder.take()
    var compared = 0
    for (file, migration) in fixtures {
        try await migration.prepare(on: database).get()
        let sent = recorder.take().filter { !isBookkeeping($0) }
        let read = try translated(fixturesDirectory + "/" + file).filter { !isBookkeeping($0) }
        var problems: [String] = []
        if sent.count != read.count { problems.append("Fluent sent \(sent.count) statements, MigrationLint read \(read.count)") }
        for (index, (fluent, ours)) in zip(sent, read).enumerated() {
            guard let fluentTree = parseTree(fluent) else { problems.append("statement \(index + 1): libpg_query cannot parse what Fluent sent: \(fluent)"); continue }
            if parseTree(ours) != fluentTree {
                problems.append("statement \(index + 1) differs:\n      Fluent:       \(fluent)\n      MigrationLint: \(ours)")
            }
        }
        compared += sent.count
        if problems.isEmpty {
            print("ok    \(file): \(sent.count) statement\(sent.count == 1 ? "" : "s")")
        } else {
            failures += 1
            print("FAIL  \(file)")
            for problem in problems { print("    \(problem)") }
        }
    }
    print("fluent-oracle: \(fixtures.count) fixtures, \(compared) statements compared, \(failures) fixture\(failures == 1 ? "" : "s") differ")
    try await sql.raw("DROP SCHEMA IF EXISTS fluent_oracle CASCADE").run()
} catch {
    print("fluent-oracle: \(String(reflecting: error))")
    failures += 1
}
await databases.shutdownAsync()
exit(failures == 0 ? 0 : 1)
