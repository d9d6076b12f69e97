import FluentKit
import FluentSQL
import SQLKit

public struct F20RawIndex: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX posts_title_idx ON posts (title)").run()
    }

    public func revert(on database: any Database) async throws {}
}
