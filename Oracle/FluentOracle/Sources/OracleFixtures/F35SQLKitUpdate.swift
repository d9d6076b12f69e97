import FluentKit
import FluentSQL
import SQLKit

public struct F35SQLKitUpdate: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.update("prices").set("note", to: "pending").where("note", .is, SQLLiteral.null).run()
        try await sql.update("prices")
            .set("note", to: SQLRaw("upper(note)"))
            .set("n", to: 1)
            .where("code", .in, ["a", "b"])
            .orWhere("code", .equal, column: "note")
            .run()
        try await sql.update("prices")
            .set(SQLColumn("n"), to: SQLLiteral.default)
            .where(SQLRaw("length(code) > 3"))
            .where(SQLIdentifier("n"), .greaterThanOrEqual, -2)
            .run()
    }

    public func revert(on database: any Database) async throws {}
}
