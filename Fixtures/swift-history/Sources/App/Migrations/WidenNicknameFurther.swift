import Fluent
import SQLKit

/// Written, not registered yet: configure.swift does not add it, so nothing says when it runs.
struct WidenNicknameFurther: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await (database as! SQLDatabase).raw("ALTER TABLE users ALTER COLUMN nickname TYPE varchar(200)").run()
    }

    func revert(on database: Database) async throws {}
}
