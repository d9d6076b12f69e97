import FluentKit
import FluentSQL
import SQLKit

public struct F22SQLKitCreateIndex: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "posts_score_idx").on("posts").column("score").run()
    }

    public func revert(on database: any Database) async throws {}
}
