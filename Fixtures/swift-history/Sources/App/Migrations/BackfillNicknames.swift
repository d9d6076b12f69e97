import Fluent
import SQLKit

/// Fills in nicknames in batches; each statement is made at run time.
struct BackfillNicknames: AsyncMigration {
    func prepare(on database: Database) async throws {
        let sql = database as! SQLDatabase
        for statement in Self.batches(size: 1_000) {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: Database) async throws {}

    static func batches(size: Int) -> [String] {
        (0..<10).map { batch in
            "UPDATE users SET nickname = split_part(email, '@', 1) WHERE id IN (SELECT id FROM users WHERE nickname IS NULL LIMIT \(size))"
        }
    }
}
