import Foundation
import Testing
import TestSupport

/// The history of a Swift migration as a user meets it: the migrations `configure.swift`
/// registers before it are replayed, so the later file alone is linted against the schema the
/// earlier ones built (Fixtures/swift-history, a Vapor app).
@Suite struct SwiftHistoryCommandLineTests {
    static let migration = "Fixtures/swift-history/Sources/App/Migrations/WidenNickname.swift"

    @Test func theRegisteredEarlierMigrationSettlesTheOldType() throws {
        // CreateUser made nickname varchar(50): widening it is no rewrite. What the replay could
        // not read is named in the earlier files, once.
        let withHistory = try CLI.run(["lint", "--color", "never", Self.migration])
        #expect(withHistory.status == 0)
        #expect(withHistory.stdout == """
            0 findings in 0 files; 1 file checked
            1 statement, 1 analyzed; not replayed from earlier migrations: 1 SQL built at run time, 1 migration not found in the package
              Fixtures/swift-history/Sources/App/configure.swift:15:24: `SessionRecord.migration` is registered here but not declared in this package: what it changes is not known, in the history of \(Self.migration)
              Fixtures/swift-history/Sources/App/Migrations/BackfillNicknames.swift:9:31: SQL built at run time (`SQLQueryString(statement)`) is not analyzed, in the history of \(Self.migration)

            """)
        let alone = try CLI.run(["lint", "--color", "never", "--no-history", Self.migration])
        #expect(alone.status == 1)
        #expect(alone.stdout.hasPrefix("warning[alter-column-type]: changing nickname to varchar(100) may rewrite public.users: the old type of users.nickname is not known\n"))
    }

    @Test func aMigrationRegisteredNowhereIsLintedAlone() throws {
        // configure.swift does not add WidenNicknameFurther: when it runs is not known.
        let result = try CLI.run(["lint", "--color", "never", "Fixtures/swift-history/Sources/App/Migrations/WidenNicknameFurther.swift"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("warning[alter-column-type]: changing nickname to varchar(200) may rewrite public.users: the old type of users.nickname is not known\n"))
        #expect(result.stdout.hasSuffix("1 finding (1 warning) in 1 file; 1 file checked\n1 statement, 1 analyzed\n"))
    }

    @Test func aMigrationRegisteredFirstHasNoHistory() throws {
        let result = try CLI.run(["lint", "--color", "never", "Fixtures/swift-history/Sources/App/Migrations/CreateUser.swift"])
        #expect(result.status == 0)
        #expect(result.stdout == "0 findings in 0 files; 1 file checked\n1 statement, 1 analyzed\n")
    }
}
