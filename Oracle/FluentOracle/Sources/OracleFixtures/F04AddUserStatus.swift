import FluentKit
import FluentSQL
import SQLKit

public struct F04AddUserStatus: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let status = try await database.enum("user_status").read()
        try await database.schema("users")
            .field("status", status)
            .update()
    }

    public func revert(on database: any Database) async throws {}
}
