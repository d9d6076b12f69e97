import FluentKit
import FluentSQL
import SQLKit

public struct F25SQLKitCreateTable: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(table: "kv")
            .ifNotExists()
            .column("k", type: .text, .primaryKey(autoIncrement: false))
            .column("v", type: .text, .notNull)
            .run()
    }

    public func revert(on database: any Database) async throws {}
}
