import FluentKit
import FluentSQL
import SQLKit

public struct F21RawInterpolation: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX \(ident: "users_nickname_idx") ON \(ident: "users") (nickname)").run()
    }

    public func revert(on database: any Database) async throws {}
}
