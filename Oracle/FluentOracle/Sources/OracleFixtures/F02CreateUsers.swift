import FluentKit
import FluentSQL
import SQLKit

public struct F02CreateUsers: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("team_id", .uuid, .references("teams", "id", onDelete: .cascade))
            .field("nickname", .string)
            .unique(on: "email")
            .ignoreExisting()
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
