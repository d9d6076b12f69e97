import ArgumentParser
import Foundation
import MigrationInput
import MigrationLint

/// `migration-lint snapshot`: the catalog and table sizes of a database, as a JSON file.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write a catalog snapshot of a database (schema and table sizes, no row data) for `lint --snapshot`.",
        discussion: """
            Reads only the system catalogs and statistics views, in a READ ONLY transaction: a role with LOGIN \
            and CONNECT is enough, and a read replica is the right place to run it. The file is written \
            atomically. Exit codes: 0 written; 2 usage, connection, permission or I/O error (no file is written).
            Needs a build with the Database trait (`swift build --traits Database`).
            """)

    @Option(help: ArgumentHelp("libpq connection string: a postgresql:// URL or key=value pairs; PG* variables, the service file and .pgpass fill in the rest. Default: DATABASE_URL.", valueName: "URL"))
    var databaseUrl: String?

    @Option(help: ArgumentHelp("Where to write the snapshot (JSON).", valueName: "FILE"))
    var output: String

    func run() throws {
        #if Database
        let string = try DatabaseSupport.connectionString(databaseUrl, useEnvironment: true)
        let snapshot = try DatabaseSupport.readSnapshot(string)
        do {
            try AtomicWriter().write(Array(try snapshot.encoded()), to: output)
        } catch let error as InputError {
            throw UsageError(description: error.description)
        }
        printError("wrote \(output): \(snapshot.tables.count) tables, PostgreSQL \(snapshot.serverVersion)")
        #else
        throw DatabaseSupport.notBuilt
        #endif
    }
}
