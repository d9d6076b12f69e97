import FluentKit
import FluentSQL
import SQLKit

public struct F14DeleteConstraintByName: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .deleteConstraint(name: "posts_slug_key")
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
