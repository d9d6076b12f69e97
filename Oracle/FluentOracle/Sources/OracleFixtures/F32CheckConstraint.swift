import FluentKit
import FluentSQL
import SQLKit

public struct F32CheckConstraint: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("posts")
            .constraint(.sql(unsafeRaw: "CHECK (score >= 0)"))
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
