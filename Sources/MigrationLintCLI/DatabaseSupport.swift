import Foundation
import MigrationInput
import MigrationLint
#if Database
import MigrationDatabase
#endif

/// The CLI's side of the Database trait: connecting, and the message of a build without it.
enum DatabaseSupport {
    static let notBuilt = UsageError(description: """
        error: this migration-lint was built without database support; build it with `swift build --traits Database` \
        (needs libpq: `apt-get install libpq-dev`)
        """)

    #if Database
    /// The connection string from the option or `DATABASE_URL` (when `environment` is allowed).
    static func connectionString(_ option: String?, useEnvironment: Bool) throws -> ConnectionString {
        let environment = useEnvironment ? ProcessInfo.processInfo.environment : [:]
        guard let string = ConnectionString.from(option: option, environment: environment) else {
            throw UsageError(description: "error: no database: give --database-url URL" + (useEnvironment ? " or set DATABASE_URL" : ""))
        }
        return string
    }

    /// A snapshot read live from the database.
    static func readSnapshot(_ string: ConnectionString) throws -> DatabaseSnapshot {
        do {
            let connection = try PostgresConnection(string)
            return try CatalogReader().read(connection)
        } catch let error as DatabaseError {
            throw UsageError(description: "error: \(error.description)")
        }
    }
    #endif
}
