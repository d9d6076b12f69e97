import FluentKit
import FluentSQL
import SQLKit

public struct F27SQLKitDropTable: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(table: "kv").ifExists().run()
    }

    public func revert(on database: any Database) async throws {}
}
