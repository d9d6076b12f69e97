import FluentKit
import FluentSQL
import SQLKit

public struct F07CreateMemberships: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("memberships")
            .field("user_id", .uuid, .required, .references("users", .id))
            .field("team_id", .uuid, .required, .references("teams", .id, onDelete: .cascade, onUpdate: .restrict))
            .compositeIdentifier(over: "user_id", "team_id")
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
