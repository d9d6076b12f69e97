import FluentKit
import FluentSQL
import SQLKit

public struct F36SQLKitDelete: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.delete(from: "kv").where("updated", .lessThan, 0).where("v", .notEqual, "keep").run()
        try await sql.delete(from: "kv").`where`("v", .like, "tmp-%").orWhere("v", .isNot, SQLLiteral.null).run()
        try await sql.delete(from: "kv").run()
    }

    public func revert(on database: any Database) async throws {}
}
