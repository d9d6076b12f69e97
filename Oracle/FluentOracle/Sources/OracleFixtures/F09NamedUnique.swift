import FluentKit
import FluentSQL
import SQLKit

public struct F09NamedUnique: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .unique(on: "slug", name: "posts_slug_key")
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
