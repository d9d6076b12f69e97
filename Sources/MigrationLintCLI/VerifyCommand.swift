import ArgumentParser
import Foundation
import MigrationInput
import MigrationLint
import MigrationLintRules
#if Database
import LockModel
import MigrationDatabase
import PostgresSyntax
#endif

/// `migration-lint verify`: runs migrations on a real server inside a transaction it rolls back,
/// and compares what the server did with what the model says, statement by statement.
struct VerifyCommand: ParsableCommand {
    enum Format: String, ArgumentChoice { case text, json, markdown }

    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run migrations on a real PostgreSQL and compare the locks, rewrites and scans with the model's.",
        discussion: """
            Without --database-url, verify starts a throwaway PostgreSQL of its own (the newest installed: \
            /usr/lib/postgresql/<N>/bin, else `pg_config --bindir`, or --postgres-bin): initdb into a temporary \
            directory, a Unix socket in it and no TCP port, stopped and removed afterwards, also when verify fails. \
            As root the server runs as the `postgres` system user. On it each file gets a fresh database holding the \
            starting schema (`schema:` or --schema; without one, the tables, columns, constraints, indexes, enums \
            and domains of a snapshot, `snapshot:` or --snapshot) and the earlier migrations of the file's folder, \
            applied for real; then the file is verified as below, except that statements that cannot run inside a transaction \
            block (CREATE INDEX CONCURRENTLY and its family, VACUUM) run too: alone, after what came before them is \
            committed, with their locks read while they wait behind a lock on their table.
            With --database-url URL (a development or CI database, never production; DATABASE_URL is not read \
            here) every statement really runs (and takes its locks, and rewrites tables) before the transaction \
            is rolled back. Each file runs in BEGIN ... ROLLBACK with lock_timeout set (--lock-timeout), so \
            verify gives up instead of queueing behind other sessions; a server with default_transaction_read_only \
            on is refused. Statements that cannot run inside a transaction block and the file's own BEGIN/COMMIT \
            are not run there, and are reported as such. Not rolled back by PostgreSQL itself: sequence values \
            that a statement advances (nextval, setval).
            The model starts from the database's own catalog. A disagreement is a bug in migration-lint's lock \
            model: the output says how to report it. Swift migrations are verified through the same front end as \
            `lint`, with positions in the Swift file.
            Exit codes: 0 every statement run agrees; 1 a disagreement or a statement the server refused; \
            2 usage, connection or permission error, no PostgreSQL server binaries for the throwaway server \
            (install postgresql-15, or give --database-url), or an earlier migration or the schema failing there.
            Needs a build with the Database trait (`swift build --traits Database`).
            """)

    @Argument(help: "SQL or Swift migration files or directories (searched for *.sql and Swift migrations), in the order to verify them.")
    var paths: [String] = []

    @Option(help: ArgumentHelp("A development or CI database (libpq URL or key=value pairs). DATABASE_URL is not read here. Without it: a throwaway server.", valueName: "URL"))
    var databaseUrl: String?

    @Option(help: ArgumentHelp("How long a statement may wait for a lock before it fails (PostgreSQL's lock_timeout).", valueName: "DURATION"))
    var lockTimeout = "2s"

    @Option(help: "Output format")
    var format: Format = .text

    @Option(help: ArgumentHelp("Throwaway server: the directory of initdb, pg_ctl and postgres (default: the newest /usr/lib/postgresql/<N>/bin, else `pg_config --bindir`).", valueName: "DIR"))
    var postgresBin: String?

    @Option(help: ArgumentHelp("Throwaway server: a `pg_dump --schema-only` file applied before the migrations (overrides `schema:`).", valueName: "FILE"))
    var schema: String?

    @Option(help: ArgumentHelp("Throwaway server, when no schema file is given: a snapshot from `migration-lint snapshot` (overrides `snapshot:`); its tables, columns, constraints, indexes, enums and domains are created first. Defaults, views and function bodies are not in a snapshot: a migration that needs them fails there.", valueName: "FILE"))
    var snapshot: String?

    @Option(help: "Configuration file (default: the nearest .migration-lint.yml from the working directory up); its `schema:`, `snapshot:`, `exclude` and `history` apply.")
    var config: String?

    @Flag(help: "Throwaway server: do not apply the earlier migrations of each file's folder first.")
    var noHistory = false

    func run() throws {
        #if Database
        guard !paths.isEmpty else { throw UsageError(description: "error: name the migration files to verify") }
        let (paths, errors) = FileDiscovery().collect(self.paths)
        if let error = errors.first { throw UsageError(description: error.description) }
        let runner = LintRunner(engine: LintEngine(rules: [], configuration: try resolveConfiguration()), threadCount: 1)
        let files = try paths.map { path -> MigrationFile in
            switch SourceReader.read(path: path) {
            case .success(let source):
                guard path.hasSuffix(".swift") else { return MigrationFile(path: path, source: source) }
                guard let file = runner.migrationFile(path: path, source: source) else {
                    throw UsageError(description: "error: \(path): no migration type in this Swift file")
                }
                return file
            case .failure(let error): throw UsageError(description: error.description)
            }
        }
        let verified: (results: [Verifier.FileResult], serverVersion: String)
        do {
            verified = try databaseUrl.map { try verify(files, on: try DatabaseSupport.connectionString($0, useEnvironment: false)) }
                ?? verifyOnThrowawayServer(files, runner: runner)
        } catch let error as DatabaseError {
            throw UsageError(description: "error: \(error.description)")
        }
        let output = VerifyOutput(files: verified.results, serverVersion: verified.serverVersion, throwaway: databaseUrl == nil)
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

    #if Database
    /// The configuration file with --schema and --no-history over it.
    func resolveConfiguration() throws -> Configuration {
        var configuration = try InputOptions.configurationFile(config)
        if let schema { configuration.schemaFile = schema }
        if noHistory { configuration.history = false }
        if let path = snapshot ?? configuration.snapshotPath { try InputOptions.applySnapshot(path: path, to: &configuration) }
        try InputOptions.checkSchemaFile(of: configuration)
        return configuration
    }

    /// Each file in its own rolled-back transaction on the database `string` names, the model
    /// starting from that database's catalog.
    func verify(_ files: [MigrationFile], on string: ConnectionString, throwaway: Bool = false) throws -> ([Verifier.FileResult], String) {
        let verifier = Verifier(lockTimeout: lockTimeout, throwawayDatabase: throwaway ? string : nil)
        let connection = try PostgresConnection(string)
        try verifier.prepare(connection)
        let snapshot = try CatalogReader().read(connection)
        let settings = RunSettings(postgresVersion: snapshot.serverMajorVersion, existingSchema: SchemaCatalog(snapshot: snapshot))
        return (try files.map { try verifier.verify($0, settings: settings, on: connection) }, snapshot.serverVersion)
    }

    /// verify without a URL: a server of its own, and on it a database per file holding the
    /// starting schema and the file's earlier migrations, applied for real.
    func verifyOnThrowawayServer(_ files: [MigrationFile], runner: LintRunner) throws -> ([Verifier.FileResult], String) {
        let candidates = postgresBin.map { [$0] } ?? ThrowawayServer.binaryDirectories()
        guard let binaries = ThrowawayServer.findBinaries(in: candidates) else { throw DatabaseError.noServerBinaries(searched: candidates) }
        let server = try ThrowawayServer(binaries: binaries)
        defer { server.stop() }
        let admin = try PostgresConnection(server.connectionString())
        try admin.query("CREATE DATABASE verify_base", what: "creating the starting database")
        if let path = runner.engine.configuration.schemaFile {
            guard case .success(let source) = SourceReader.read(path: path) else {
                throw UsageError(description: "error: \(path): cannot read the schema file (`schema:` / --schema)")
            }
            // Closed before the database is copied: CREATE DATABASE refuses a template in use.
            do {
                let base = try PostgresConnection(server.connectionString(database: "verify_base"))
                try server.apply(runner.engine.parse(MigrationFile(path: path, source: source)), on: base)
            }
        } else if let database = runner.engine.configuration.database {
            // The snapshot as the DDL the catalog is learned from (`DatabaseSnapshot.schemaSQL`),
            // closed before the database is copied, as above.
            do {
                let base = try PostgresConnection(server.connectionString(database: "verify_base"))
                let path = snapshot ?? runner.engine.configuration.snapshotPath ?? "snapshot"
                try server.apply(runner.engine.parse(MigrationFile(path: path, source: SourceText(database.schemaSQL))), on: base)
            }
        }
        var results: [Verifier.FileResult] = []
        var serverVersion = ""
        for (index, file) in files.enumerated() {
            let database = "verify_\(index)"
            try admin.query("CREATE DATABASE \(database) TEMPLATE verify_base", what: "creating the database for \(file.path)")
            let history = try PostgresConnection(server.connectionString(database: database))
            for earlier in runner.earlierMigrations(of: file.path) { try server.apply(runner.engine.parse(earlier), on: history) }
            let verified = try verify([file], on: server.connectionString(database: database), throwaway: true)
            results += verified.0
            serverVersion = verified.1
        }
        return (results, serverVersion)
    }
    #endif
}

#if Database
/// `verify`'s results as text, JSON or Markdown.
struct VerifyOutput {
    var files: [Verifier.FileResult]
    var serverVersion: String
    /// On verify's own server, which is gone afterwards, rather than in a rolled-back transaction.
    var throwaway = false

    static let howToFile = """
        A disagreement is a bug in migration-lint's lock model. Please report it as an issue of migration-lint \
        with the statement, the table definitions it touches, the PostgreSQL version and this output.
        """

    var statements: [Verifier.StatementResult] { files.flatMap(\.statements) }
    var failing: Int { statements.filter { $0.status == .disagrees || $0.status == .failed }.count }

    func count(_ status: Verifier.StatementResult.Status) -> Int { statements.filter { $0.status == status }.count }

    var summary: String {
        "\(statements.count) statements in \(files.count) files on PostgreSQL \(serverVersion): \(count(.agrees)) agree, "
            + "\(count(.disagrees)) disagree, \(count(.failed)) failed, \(count(.notRun)) not run; "
            + (throwaway ? "the throwaway server was stopped and removed" : "everything was rolled back")
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
                let refused = statement.model == nil && statement.server == nil
                switch statement.status {
                case .agrees where refused, .disagrees where refused:
                    // Refused by the server, as the model said (or not): only the note says more.
                    if let note = statement.reason { out += "    note     \(note)\n" }
                    for disagreement in statement.disagreements { out += "    DISAGREES: \(disagreement)\n" }
                case .agrees, .disagrees:
                    let model = Self.describe(statement.model), server = Self.describe(statement.server)
                    out += "    locks    model: \(model.locks)\n             server: \(server.locks)\n"
                    out += "    rewrite  model: \(model.rewrites) | server: \(server.rewrites)\n"
                    out += "    scan     model: \(model.scans) | server: \(server.scans)\n"
                    out += "    time     \(String(format: "%.1f", statement.milliseconds ?? 0)) ms\n"
                    if let note = statement.reason { out += "    note     \(note)\n" }
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
