import Fluent
import SQLKit

struct WidenNickname: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await (database as! SQLDatabase).raw("ALTER TABLE users ALTER COLUMN nickname TYPE varchar(100)").run()
    }

    func revert(on database: Database) async throws {
        try await (database as! SQLDatabase).raw("ALTER TABLE users ALTER COLUMN nickname TYPE varchar(50)").run()
    }
}
