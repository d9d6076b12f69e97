import Foundation
import Testing

/// `migration-lint lint` on Swift migrations, as a user runs it.
@Suite struct SwiftLintCommandTests {
    static let migration = """
    struct AddIndex: AsyncMigration {
        func prepare(on database: any Database) async throws {
            try await (database as! any SQLDatabase).raw(\"\"\"
                CREATE INDEX users_email_idx ON users (email)
                \"\"\").run()
        }
    }

    """

    @Test func aDirectoryWalkLintsSwiftMigrationsAndLeavesOtherSwiftFilesAlone() throws {
        let sandbox = try Sandbox()
        try sandbox.write("Sources/App/Migrations/AddIndex.swift", Self.migration)
        try sandbox.write("Sources/App/Models/User.swift", "final class User { var email = \"\" }\n")
        try sandbox.write("Sources/App/Migrations/Old.swift", Self.migration)
        let result = try CLI.run(["lint", "--format", "gcc", "--exclude", "Old.swift", "Sources"], in: sandbox.path)
        #expect(result.status == 1)
        #expect(result.stdout == "Sources/App/Migrations/AddIndex.swift:4:20: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]\n", "\(result.stdout)\(result.stderr)")
    }

    @Test func fixAddsConcurrentlyInsideTheSwiftLiteral() throws {
        let sandbox = try Sandbox()
        try sandbox.write("AddIndex.swift", Self.migration)
        let fixed = try CLI.run(["lint", "--fix", "AddIndex.swift"], in: sandbox.path)
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(sandbox.read("AddIndex.swift") == Self.migration.replacingOccurrences(of: "CREATE INDEX users", with: "CREATE INDEX CONCURRENTLY users"))
    }

    @Test func fixNeverEditsSQLABuilderCallGenerated() throws {
        // The index is built by SQLKit's builder: its SQL is not in the file, so `--fix` has no
        // literal to edit. The file stays as it was, byte for byte, and the finding stays.
        let migration = "struct AddIndex: AsyncMigration {\r\n\tfunc prepare(on database: any Database) async throws {\r\n\t\ttry await sql.create(index: \"ix\").on(\"users\").column(\"email\").run()\r\n\t\ttry await sql.raw(#\"CREATE INDEX \"é\" ON users (name)\"#).run()\r\n\t}\r\n}\r\n"
        let sandbox = try Sandbox()
        try sandbox.write("AddIndex.swift", migration)
        let fixed = try CLI.run(["lint", "--fix", "--format", "gcc", "AddIndex.swift"], in: sandbox.path)
        #expect(fixed.status == 1, "\(fixed.stdout)\(fixed.stderr)")
        #expect(fixed.stdout.contains("AddIndex.swift:3:17: warning: CREATE INDEX on public.users without CONCURRENTLY"), "\(fixed.stdout)")
        // The raw string's index got CONCURRENTLY; CRLF, tabs and the raw string's delimiters are kept.
        #expect(sandbox.read("AddIndex.swift") == migration.replacingOccurrences(of: "CREATE INDEX \"é\"", with: "CREATE INDEX CONCURRENTLY \"é\""))
    }

    @Test func changedSinceAndPathsSelectSwiftMigrationsAsTheyDoSQL() throws {
        let sandbox = try Sandbox()
        try sandbox.write("Sources/App/Migrations/Old.swift", Self.migration)
        func git(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: sandbox.path)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        try git(["init", "-q", "-b", "main"])
        try git(["add", "."])
        try git(["commit", "-q", "-m", "old"])
        try sandbox.write("Sources/App/Migrations/New.swift", Self.migration.replacingOccurrences(of: "AddIndex", with: "AddOtherIndex"))
        let changed = try CLI.run(["lint", "--format", "gcc", "--changed-since", "main", "Sources"], in: sandbox.path)
        #expect(changed.status == 1)
        #expect(changed.stdout == "Sources/App/Migrations/New.swift:4:20: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]\n", "\(changed.stdout)\(changed.stderr)")
        // `paths` in the configuration reach Swift files too.
        try sandbox.write(".migration-lint.yml", "paths:\n  - Sources/App/Migrations/Old.swift\n")
        let configured = try CLI.run(["lint", "--format", "gcc"], in: sandbox.path)
        #expect(configured.stdout == "Sources/App/Migrations/Old.swift:4:20: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]\n", "\(configured.stdout)\(configured.stderr)")
    }

    @Test func aSwiftFileThatDoesNotParseFailsWithOneFinding() throws {
        let sandbox = try Sandbox()
        try sandbox.write("Broken.swift", "struct M: AsyncMigration {\n    func prepare(on database: any Database) async throws {\n        try await sql.raw(\"SELECT 1\"\n    }\n}\n")
        let result = try CLI.run(["lint", "--format", "gcc", "Broken.swift"], in: sandbox.path)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("Broken.swift:3:") && lines[0].hasSuffix("[syntax-error]"), "\(result.stdout)")
    }
}
