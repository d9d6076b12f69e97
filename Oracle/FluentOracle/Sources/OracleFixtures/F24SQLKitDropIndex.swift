import FluentKit
import FluentSQL
import SQLKit

public struct F24SQLKitDropIndex: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "posts_title_idx").ifExists().run()
    }

    public func revert(on database: any Database) async throws {}
}
