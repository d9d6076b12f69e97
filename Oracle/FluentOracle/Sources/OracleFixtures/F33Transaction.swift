import FluentKit
import FluentSQL
import SQLKit

public struct F33Transaction: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.transaction { transaction in
            try await transaction.schema("tags").id().field("label", .string, .required).create()
            try await (transaction as! any SQLDatabase).raw("CREATE INDEX tags_label_idx ON tags (label)").run()
        }
    }

    public func revert(on database: any Database) async throws {}
}
