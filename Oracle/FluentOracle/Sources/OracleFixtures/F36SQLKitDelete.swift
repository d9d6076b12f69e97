import FluentKit
import FluentSQL
import SQLKit

public struct F36SQLKitDelete: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.delete(from: "prices").where("n", .lessThan, 0).where("note", .notEqual, "keep").run()
        try await sql.delete(from: "prices").`where`("note", .like, "tmp-%").orWhere("note", .isNot, SQLLiteral.null).run()
        try await sql.delete(from: "prices").run()
    }

    public func revert(on database: any Database) async throws {}
}
