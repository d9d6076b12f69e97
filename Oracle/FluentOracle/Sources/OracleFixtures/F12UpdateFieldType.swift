import FluentKit
import FluentSQL
import SQLKit

public struct F12UpdateFieldType: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .updateField("views", .int64)
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
