import FluentKit
import FluentSQL
import SQLKit

public struct F13DeleteField: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .deleteField("legacy")
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
