import FluentKit
import FluentSQL
import SQLKit

public struct F28EnumLifecycle: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        _ = try await database.enum("mood").case("happy").case("sad").create()
        try await database.enum("mood").delete()
    }

    public func revert(on database: any Database) async throws {}
}
