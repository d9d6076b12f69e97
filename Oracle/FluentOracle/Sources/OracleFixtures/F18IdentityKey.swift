import FluentKit
import FluentSQL
import SQLKit

public struct F18IdentityKey: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("counters")
            .field("id", .int, .identifier(auto: true))
            .field("label", .string, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
