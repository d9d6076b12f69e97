import FluentKit
import FluentSQL
import SQLKit

public struct F16Defaults: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .field("score", .int, .required, .sql(.default(0)))
            .field("headline", .string, .sql(.default("untitled")))
            .field("published", .bool, .required, .sql(.default(false)))
            .field("edited_at", .datetime, .sql(.default(SQLFunction("now"))))
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
