import FluentKit
import FluentSQL
import SQLKit

public struct F23SQLKitUniqueIndex: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "teams_name_key").unique().on("teams").column("name").run()
    }

    public func revert(on database: any Database) async throws {}
}
