import FluentKit
import FluentSQL
import SQLKit

public struct F08CreatePosts: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .id()
            .field("author_id", .uuid)
            .field("slug", .string, .required)
            .field("title", .string)
            .field("views", .int32)
            .field("legacy", .string)
            .foreignKey("author_id", references: "users", "id", onDelete: .setNull)
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
