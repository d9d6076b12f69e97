import ArgumentParser
import Foundation
import MigrationInput
import MigrationLint
#if Database
import LockModel
import MigrationDatabase
import PostgresSyntax
#endif

/// `migration-lint verify`: runs migrations on a real server inside a transaction it rolls back,
/// and compares what the server did with what the model says, statement by statement.
struct VerifyCommand: ParsableCommand {
    enum Format: String, CaseIterable, ExpressibleByArgument { case text, json, markdown }

    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run migrations on a development or CI database inside a rolled-back transaction and compare the locks, rewrites and scans with the model's.",
        discussion: """
            The URL must name a development or CI database, never production: every statement really runs \
            (and takes its locks, and rewrites tables) before the transaction is rolled back. Each file runs in \
            BEGIN ... ROLLBACK with lock_timeout set (--lock-timeout), so verify gives up instead of queueing \
            behind other sessions; a server with default_transaction_read_only on is refused. Statements that \
            cannot run inside a transaction block (CREATE INDEX CONCURRENTLY and the rest of that family, VACUUM) \
            and the file's own BEGIN/COMMIT are not run, and are reported as such. Not rolled back by PostgreSQL \
            itself: sequence values that a statement advances (nextval, setval).
            The model starts from the database's own catalog. A disagreement is a bug in migration-lint's lock \
            model: the output says how to report it.
            Exit codes: 0 every statement run agrees; 1 a disagreement or a statement the server refused; \
            2 usage, connection or permission error.
            Without --database-url (a throwaway server) is not available yet. Needs a build with the Database \
            trait (`swift build --traits Database`).
            """)

    @Argument(help: "SQL migration files or directories (searched for *.sql), in the order to verify them.")
    var paths: [String] = []

    @Option(help: ArgumentHelp("A development or CI database (libpq URL or key=value pairs). DATABASE_URL is not read here.", valueName: "URL"))
    var databaseUrl: String?

    @Option(help: ArgumentHelp("How long a statement may wait for a lock before it fails (PostgreSQL's lock_timeout).", valueName: "DURATION"))
    var lockTimeout = "2s"

    @Option(help: "Output format")
    var format: Format = .text

    func run() throws {
        #if Database
        guard let databaseUrl else {
            throw UsageError(description: """
                error: give --database-url URL (a development or CI database); verifying on a throwaway server \
                started by migration-lint is not available yet
                """)
        }
        guard !paths.isEmpty else { throw UsageError(description: "error: name the migration files to verify") }
        let (files, errors) = FileDiscovery().collect(paths)
        if let error = errors.first { throw UsageError(description: error.description) }
        let string = try DatabaseSupport.connectionString(databaseUrl, useEnvironment: false)
        let verifier = Verifier(lockTimeout: lockTimeout)
        var results: [Verifier.FileResult] = []
        let serverVersion: String
        do {
            let connection = try PostgresConnection(string)
            try verifier.prepare(connection)
            let snapshot = try CatalogReader().read(connection)
            serverVersion = snapshot.serverVersion
            let settings = RunSettings(postgresVersion: snapshot.serverMajorVersion, existingSchema: SchemaCatalog(snapshot: snapshot))
            for path in files {
                let source: SourceText
                switch SourceReader.read(path: path) {
                case .success(let text): source = text
                case .failure(let error): throw UsageError(description: error.description)
                }
                results.append(try verifier.verify(path: path, source: source, settings: settings, on: connection))
            }
        } catch let error as DatabaseError {
            throw UsageError(description: "error: \(error.description)")
        }
        let output = VerifyOutput(files: results, serverVersion: serverVersion)
        switch format {
        case .text: writeOutput(output.text())
        case .json: writeOutput(try output.json())
        case .markdown: writeOutput(output.markdown())
        }
        if output.failing > 0 { throw ExitCode(1) }
        #else
        throw DatabaseSupport.notBuilt
        #endif
    }
}

#if Database
/// `verify`'s results as text, JSON or Markdown.
struct VerifyOutput {
    var files: [Verifier.FileResult]
    var serverVersion: String

    static let howToFile = """
        A disagreement is a bug in migration-lint's lock model. Please report it as an issue of migration-lint \
        with the statement, the table definitions it touches, the PostgreSQL version and this output.
        """

    var statements: [Verifier.StatementResult] { files.flatMap(\.statements) }
    var failing: Int { statements.filter { $0.status == .disagrees || $0.status == .failed }.count }

    func count(_ status: Verifier.StatementResult.Status) -> Int { statements.filter { $0.status == status }.count }

    var summary: String {
        "\(statements.count) statements in \(files.count) files on PostgreSQL \(serverVersion): \(count(.agrees)) agree, "
            + "\(count(.disagrees)) disagree, \(count(.failed)) failed, \(count(.notRun)) not run; everything was rolled back"
    }

    static func describe(_ effects: Verifier.Effects?) -> (locks: String, rewrites: String, scans: String) {
        guard let effects else { return ("-", "-", "-") }
        let locks = effects.locks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return (locks.isEmpty ? "none" : locks, effects.rewrites.isEmpty ? "none" : effects.rewrites.joined(separator: ", "),
                effects.scans.isEmpty ? "none" : effects.scans.joined(separator: ", "))
    }

    static func firstLine(_ sql: String) -> String {
        let line = sql.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? sql
        return line.count > 100 ? String(line.prefix(97)) + "..." : line
    }

    func text() -> String {
        var out = ""
        for file in files {
            for statement in file.statements {
                let place = "\(file.path):\(statement.position.line):\(statement.position.column)"
                out += "\(place): \(statement.status.rawValue): \(Self.firstLine(statement.sql))\n"
                switch statement.status {
                case .agrees, .disagrees:
                    let model = Self.describe(statement.model), server = Self.describe(statement.server)
                    out += "    locks    model: \(model.locks)\n             server: \(server.locks)\n"
                    out += "    rewrite  model: \(model.rewrites) | server: \(server.rewrites)\n"
                    out += "    scan     model: \(model.scans) | server: \(server.scans)\n"
                    out += "    time     \(String(format: "%.1f", statement.milliseconds ?? 0)) ms\n"
                    for disagreement in statement.disagreements { out += "    DISAGREES: \(disagreement)\n" }
                case .failed:
                    out += "    error: \(statement.reason ?? "")\n"
                case .notRun:
                    out += "    not run: \(statement.reason ?? "")\n"
                }
            }
        }
        out += summary + "\n"
        if count(.disagrees) > 0 { out += Self.howToFile + "\n" }
        return out
    }

    func markdown() -> String {
        var out = "### migration-lint verify\n\n| Statement | Status | Locks (model / server) | Rewrite (model / server) | Scan (model / server) | Time |\n|---|---|---|---|---|---|\n"
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        for file in files {
            for statement in file.statements {
                let model = Self.describe(statement.model), server = Self.describe(statement.server)
                let status = statement.status == .disagrees ? "**disagrees**: " + statement.disagreements.joined(separator: "; ")
                    : statement.status.rawValue + (statement.reason.map { ": " + $0 } ?? "")
                let time = statement.milliseconds.map { String(format: "%.1f ms", $0) } ?? ""
                out += "| `\(cell(file.path)):\(statement.position.line)` `\(cell(Self.firstLine(statement.sql)))` | \(cell(status)) | "
                    + "\(cell(model.locks)) / \(cell(server.locks)) | \(cell(model.rewrites)) / \(cell(server.rewrites)) | "
                    + "\(cell(model.scans)) / \(cell(server.scans)) | \(time) |\n"
            }
        }
        out += "\n" + summary + "\n"
        if count(.disagrees) > 0 { out += "\n" + Self.howToFile + "\n" }
        return out
    }

    struct JSONStatement: Encodable {
        struct Side: Encodable { var locks: [String: String]; var rewrites: [String]; var scans: [String] }
        var path: String
        var line: Int
        var column: Int
        var sql: String
        var status: String
        var model: Side?
        var server: Side?
        var milliseconds: Double?
        var disagreements: [String]
        var reason: String?
    }

    struct JSONReport: Encodable {
        var serverVersion: String
        var statements: [JSONStatement]
        var summary: String
        var howToReportADisagreement: String
    }

    func json() throws -> String {
        let side = { (effects: Verifier.Effects?) in effects.map { JSONStatement.Side(locks: $0.locks, rewrites: $0.rewrites, scans: $0.scans) } }
        let report = JSONReport(serverVersion: serverVersion, statements: files.flatMap { file in
            file.statements.map { statement in
                JSONStatement(path: file.path, line: statement.position.line, column: statement.position.column, sql: statement.sql,
                              status: statement.status.rawValue, model: side(statement.model), server: side(statement.server),
                              milliseconds: statement.milliseconds.map { ($0 * 10).rounded() / 10 }, disagreements: statement.disagreements,
                              reason: statement.reason)
            }
        }, summary: summary, howToReportADisagreement: Self.howToFile)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
#endif
