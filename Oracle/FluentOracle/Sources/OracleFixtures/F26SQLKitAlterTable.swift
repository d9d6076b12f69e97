import FluentKit
import FluentSQL
import SQLKit

public struct F26SQLKitAlterTable: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.alter(table: "kv").column("updated", type: .bigint).run()
    }

    public func revert(on database: any Database) async throws {}
}
