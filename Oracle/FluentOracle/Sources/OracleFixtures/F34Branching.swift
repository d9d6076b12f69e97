import FluentKit
import FluentSQL
import SQLKit

public struct F34Branching: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw(#"ALTER TABLE "posts" ALTER COLUMN "score" SET DEFAULT 1"#).run()
        } else {
            try await database.schema("posts").deleteField("score").update()
        }
    }

    public func revert(on database: any Database) async throws {}
}
