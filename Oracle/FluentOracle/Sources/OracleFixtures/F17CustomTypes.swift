import FluentKit
import FluentSQL
import SQLKit

public struct F17CustomTypes: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("prices")
            .id()
            .field("amount", .sql(unsafeRaw: "NUMERIC(10,2)"), .required)
            .field("code", .custom("VARCHAR(16)"))
            .field("n", .sql(.int))
            .field("note", .sql(.text))
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
