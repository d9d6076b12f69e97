import FluentKit
import FluentSQL
import SQLKit

public struct F05AddStatusCase: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        _ = try await database.enum("user_status").case("pending").update()
    }

    public func revert(on database: any Database) async throws {}
}
