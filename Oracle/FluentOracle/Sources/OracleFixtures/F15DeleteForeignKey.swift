import FluentKit
import FluentSQL
import SQLKit

public struct F15DeleteForeignKey: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .deleteForeignKey(name: "fk:posts.author_id+posts.id")
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
