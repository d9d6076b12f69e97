import Foundation
import Testing
import TestSupport

/// The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (`pip install pre-commit`)
/// with `pre-commit try-repo` against a temporary repository: only staged migrations are linted,
/// down migrations and files outside migration folders are not.
@Suite struct PreCommitTests {
    static let hasPreCommit = Support.onPath("pre-commit")

    static let bad = "CREATE INDEX users_email_idx ON users (email);\n"
    static let good = "CREATE TABLE audit (id bigint PRIMARY KEY);\n"

    /// Committed: an old bad migration (already ran; not staged, so not linted). Staged: a bad
    /// and a good migration, a down migration with bad SQL, a bad query outside any migration
    /// folder. Untracked: another bad migration.
    static func repository() throws -> URL {
        let repo = try Support.gitRepository("pre-commit")
        try Support.write(bad, to: "db/migrations/000_old.sql", in: repo)
        try Support.git(["add", "-A"], in: repo)
        try Support.git(["commit", "-qm", "old migrations"], in: repo)
        try Support.write(bad, to: "db/migrations/001_bad.sql", in: repo)
        try Support.write(good, to: "db/migrations/002_good.sql", in: repo)
        try Support.write(bad, to: "db/migrations/002_good.down.sql", in: repo)
        try Support.write(bad, to: "queries/report.sql", in: repo)
        try Support.git(["add", "db/migrations/001_bad.sql", "db/migrations/002_good.sql", "db/migrations/002_good.down.sql",
                         "queries/report.sql"], in: repo)
        try Support.write(bad, to: "db/migrations/003_untracked.sql", in: repo)
        return repo
    }

    static func tryRepo(_ hook: String, in repo: URL, path: String? = nil) throws -> Support.Output {
        var environment: [String: String] = ["NO_COLOR": "1"]
        if let path { environment["PATH"] = path }
        return try Support.run(["pre-commit", "try-repo", "--color", "never", Support.repositoryRoot.path, hook], in: repo,
                               environment: environment)
    }

    static func expectOnlyStagedMigrationLinted(_ output: Support.Output) {
        #expect(output.status == 1, "\(output.all)")
        #expect(output.stdout.contains("warning[create-index-concurrently]"), "\(output.all)")
        #expect(output.stdout.contains("db/migrations/001_bad.sql:1:8"), "\(output.all)")
        for notLinted in ["000_old.sql", "003_untracked.sql", "002_good.down.sql", "queries/report.sql"] {
            #expect(!output.stdout.contains(notLinted + ":"), "\(notLinted) was linted: \(output.all)")
        }
        #expect(output.stdout.contains("1 finding (1 warning) in 1 file; 2 files checked"), "\(output.all)")
        #expect(output.stdout.contains("Failed"), "\(output.all)")
    }

    @Test(.enabled(if: hasPreCommit, "pre-commit is not on PATH (pip install pre-commit): skipping the pre-commit hook test"),
          .slow) // pre-commit builds migration-lint from source
    func swiftHookBuildsAndLintsStagedMigrations() throws {
        let repo = try Self.repository()
        defer { try? FileManager.default.removeItem(at: repo) }
        // pre-commit builds this repository with `swift build -c release` in its own store.
        Self.expectOnlyStagedMigrationLinted(try Self.tryRepo("migration-lint", in: repo))
    }

    @Test(.enabled(if: hasPreCommit, "pre-commit is not on PATH (pip install pre-commit): skipping the pre-commit hook test"))
    func systemHookLintsStagedSwiftMigrations() throws {
        let binary = try #require(Support.binary, "migration-lint is not built; run `swift build` first")
        let repo = try Support.gitRepository("pre-commit-swift")
        defer { try? FileManager.default.removeItem(at: repo) }
        let migration = "struct AddIndex: AsyncMigration {\n    func prepare(on database: any Database) async throws {\n        try await sql.raw(\"CREATE INDEX users_email_idx ON users (email)\").run()\n    }\n}\n"
        try Support.write(migration, to: "Sources/App/Migrations/AddIndex.swift", in: repo)
        try Support.write(migration, to: "Sources/App/Models/User.swift", in: repo)
        try Support.git(["add", "-A"], in: repo)
        let path = URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let output = try Self.tryRepo("migration-lint-system", in: repo, path: path)
        #expect(output.status == 1, "\(output.all)")
        #expect(output.stdout.contains("Sources/App/Migrations/AddIndex.swift:3:35"), "\(output.all)")
        #expect(!output.stdout.contains("Models/User.swift:"), "a Swift file outside a migration folder is not passed: \(output.all)")
        #expect(output.stdout.contains("1 finding (1 warning) in 1 file; 1 file checked"), "\(output.all)")
    }

    @Test(.enabled(if: hasPreCommit, "pre-commit is not on PATH (pip install pre-commit): skipping the pre-commit hook test"))
    func systemHookFailsOnTheBadAndPassesOnTheGood() throws {
        let binary = try #require(Support.binary, "migration-lint is not built; run `swift build` first")
        let repo = try Self.repository()
        defer { try? FileManager.default.removeItem(at: repo) }
        let path = URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        Self.expectOnlyStagedMigrationLinted(try Self.tryRepo("migration-lint-system", in: repo, path: path))

        try Support.git(["rm", "-q", "--cached", "db/migrations/001_bad.sql"], in: repo)
        let good = try Self.tryRepo("migration-lint-system", in: repo, path: path)
        #expect(good.status == 0, "\(good.all)")
        #expect(good.stdout.contains("Passed"), "\(good.all)")
    }
}
