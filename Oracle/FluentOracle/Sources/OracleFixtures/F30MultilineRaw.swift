import FluentKit
import FluentSQL
import SQLKit

public struct F30MultilineRaw: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("""
            UPDATE posts
            SET headline = 'untitled'
            WHERE headline IS NULL
            """).run()
    }

    public func revert(on database: any Database) async throws {}
}
