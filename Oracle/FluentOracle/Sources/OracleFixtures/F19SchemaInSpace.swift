import FluentKit
import FluentSQL
import SQLKit

public struct F19SchemaInSpace: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("audit", space: "fluent_oracle")
            .id()
            .field("event", .string, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
