import FluentKit
import FluentSQL
import SQLKit

public struct F03CreateStatusEnum: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        _ = try await database.enum("user_status")
            .case("active")
            .case("banned")
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
