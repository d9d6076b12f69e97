import FluentKit
import FluentSQL
import SQLKit

public struct F06CreateProfiles: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("profiles")
            .id()
            .field("age", .int)
            .field("tiny", .int8)
            .field("small", .int16)
            .field("medium", .int32)
            .field("big", .int64)
            .field("u8", .uint8)
            .field("u16", .uint16)
            .field("u32", .uint32)
            .field("u64", .uint64)
            .field("active", .bool)
            .field("ratio", .double)
            .field("weight", .float)
            .field("birthday", .date)
            .field("wakes_at", .time)
            .field("avatar", .data)
            .field("settings", .json)
            .field("extra", .dictionary)
            .field("tags", .array(of: .string))
            .field("friend_ids", .array(of: .uuid))
            .field("anything", .array)
            .field("uuid", .uuid)
            .create()
    }

    public func revert(on database: any Database) async throws {}
}
