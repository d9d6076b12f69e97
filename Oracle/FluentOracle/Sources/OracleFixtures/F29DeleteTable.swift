import FluentKit
import FluentSQL
import SQLKit

public struct F29DeleteTable: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("scratch").id().create()
        try await database.schema("scratch").delete()
    }

    public func revert(on database: any Database) async throws {}
}
