import FluentKit
import FluentSQL
import SQLKit

public struct F01CreateTeams: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("teams")
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
