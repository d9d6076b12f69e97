import FluentKit
import FluentSQL
import SQLKit

public struct F35SQLKitUpdate: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.update("kv").set("v", to: "pending").where("v", .is, SQLLiteral.null).run()
        try await sql.update("kv")
            .set("v", to: SQLRaw("upper(v)"))
            .set("updated", to: 1)
            .where("k", .in, ["a", "b"])
            .orWhere("k", .equal, column: "v")
            .run()
        try await sql.update("kv")
            .set(SQLColumn("updated"), to: SQLLiteral.default)
            .where(SQLRaw("length(k) > 3"))
            .where(SQLIdentifier("updated"), .greaterThanOrEqual, -2)
            .run()
    }

    public func revert(on database: any Database) async throws {}
}
