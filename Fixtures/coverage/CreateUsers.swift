import Fluent
import SQLKit

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX users_name_idx ON users (name)").run()
        try await sql.raw(SQLQueryString(makeIndexSQL())).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
