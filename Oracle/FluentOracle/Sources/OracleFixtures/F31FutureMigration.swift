import FluentKit
import NIOCore

/// The pre-async `Migration` protocol, as older Vapor 4 projects write it.
public struct F31FutureMigration: Migration {
    public init() {}

    public func prepare(on database: any Database) -> EventLoopFuture<Void> {
        database.schema("labels")
            .id()
            .field("text", .string, .required)
            .create()
    }

    public func revert(on database: any Database) -> EventLoopFuture<Void> {
        database.schema("labels").delete()
    }
}
