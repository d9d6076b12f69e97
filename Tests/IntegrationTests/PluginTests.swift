import Foundation
import Testing
import TestSupport

/// `swift package lint` in a consumer package that depends on this one by path, run by the real
/// SwiftPM. Slow (it builds migration-lint inside the consumer), so it is one test covering a
/// bad folder, a clean folder and --fix.
@Suite struct PluginTests {

    static let swiftMigration = """
        struct AddNameIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await (database as! any SQLDatabase).raw("CREATE INDEX users_name_idx ON users (name)").run()
            }
        }

        """

    /// A migration beside its model, outside any Migrations folder, as some Vapor projects keep them.
    static let modelWithMigration = """
        final class Todo {}
        struct CreateTodoIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await (database as! any SQLDatabase).raw("CREATE INDEX todos_title_idx ON todos (title)").run()
            }
        }

        """

    static func consumer() throws -> URL {
        let directory = try Support.temporaryDirectory("plugin-consumer")
        let manifest = """
            // swift-tools-version:6.0
            import PackageDescription

            let package = Package(
                name: "Consumer",
                dependencies: [.package(path: "\(Support.repositoryRoot.path)")],
                targets: [.target(name: "Consumer")]
            )
            """
        try Support.write(manifest, to: "Package.swift", in: directory)
        try Support.write("public let version = 1\n", to: "Sources/Consumer/Consumer.swift", in: directory)
        // Found without configuration: db/migrations is a conventional folder.
        try Support.write("-- Speeds up login.\nCREATE INDEX users_email_idx ON users (email);\n", to: "db/migrations/001_index_email.sql", in: directory)
        try Support.write("CREATE TABLE audit (id bigint PRIMARY KEY);\nCREATE INDEX audit_id_idx ON audit (id);\n", to: "clean/001_audit.sql", in: directory)
        // A Fluent migration in the target's Migrations folder, found without configuration. The
        // plugin never compiles the consumer, so Fluent need not be a dependency here.
        try Support.write(swiftMigration, to: "Sources/Consumer/Migrations/AddNameIndex.swift", in: directory)
        try Support.write(modelWithMigration, to: "Sources/Consumer/Models/Todo.swift", in: directory)
        return directory
    }

    @Test(.slow) // builds a consumer package
    func swiftPackageLintInAConsumerPackage() throws {
        let consumer = try Self.consumer()
        defer { try? FileManager.default.removeItem(at: consumer) }
        func swiftPackage(_ arguments: [String]) throws -> Support.Output {
            // The consumer's own scratch folder: never the build folder of the running tests.
            try Support.run(["swift", "package", "--scratch-path", consumer.appendingPathComponent(".build").path] + arguments,
                            in: consumer)
        }

        let bad = try swiftPackage(["lint"])
        #expect(bad.status != 0, "\(bad.all)")
        #expect(bad.stdout.contains("db/migrations/001_index_email.sql:2:8: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]"),
                "\(bad.all)")
        #expect(bad.stdout.contains("Sources/Consumer/Migrations/AddNameIndex.swift:3:62: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]"),
                "\(bad.all)")
        #expect(bad.stdout.contains("Sources/Consumer/Models/Todo.swift:4:62: warning: CREATE INDEX on public.todos without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]"),
                "a file of the target that declares a migration type is linted wherever it is: \(bad.all)")
        #expect(bad.stderr.contains("error: migration-lint: findings at or above the failure threshold"), "\(bad.all)")

        let clean = try swiftPackage(["lint", "--path", "clean"])
        #expect(clean.status == 0, "\(clean.all)")
        #expect(!clean.stdout.contains("warning:"), "\(clean.all)")
        #expect(clean.stdout.contains("migration-lint: no findings at or above the failure threshold in clean"), "\(clean.all)")

        // Other arguments reach the tool: the rule turned off, the same folder passes.
        let passThrough = try swiftPackage(["lint", "--rule", "create-index-concurrently=off"])
        #expect(passThrough.status == 0, "\(passThrough.all)")

        let fixed = try swiftPackage(["--allow-writing-to-package-directory", "lint", "--fix"])
        #expect(fixed.status == 0, "\(fixed.all)")
        let text = try String(contentsOf: consumer.appendingPathComponent("db/migrations/001_index_email.sql"), encoding: .utf8)
        #expect(text == "-- Speeds up login.\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n")
        let swift = try String(contentsOf: consumer.appendingPathComponent("Sources/Consumer/Migrations/AddNameIndex.swift"), encoding: .utf8)
        #expect(swift == Self.swiftMigration.replacingOccurrences(of: "CREATE INDEX users_name_idx", with: "CREATE INDEX CONCURRENTLY users_name_idx"))
        let after = try swiftPackage(["lint"])
        #expect(after.status == 0, "\(after.all)")
    }
}
