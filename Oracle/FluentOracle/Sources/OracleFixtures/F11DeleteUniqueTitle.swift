import FluentKit
import FluentSQL
import SQLKit

public struct F11DeleteUniqueTitle: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .deleteUnique(on: "title")
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
