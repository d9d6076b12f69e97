import Foundation
import Testing
import MigrationLint
import MigrationInput

/// `--changed-since REF` against a real git repository: a branch with a rename, a file changed on
/// the base branch after the branch point, an uncommitted edit and an untracked file.
@Suite struct ChangedSinceTests {

    static func migration(_ table: String) -> String {
        "CREATE INDEX \(table)_idx ON \(table) (x);\n"
    }

    /// main: 001, 002, 003 committed. feature: renames 002, adds 004; then 005 untracked and 003
    /// edited without commit. After the branch point main edits 001, which the branch never touched.
    static func repository() throws -> URL {
        let repo = try Support.gitRepository("changed-since")
        for (name, table) in [("001_users", "users"), ("002_orders", "orders"), ("003_items", "items")] {
            try Support.write(migration(table), to: "db/migrations/\(name).sql", in: repo)
        }
        try Support.write("CREATE INDEX other_idx ON other (x);\n", to: "other/seed.sql", in: repo)
        try Support.git(["add", "-A"], in: repo)
        try Support.git(["commit", "-qm", "base"], in: repo)
        try Support.git(["checkout", "-q", "-b", "feature"], in: repo)
        try Support.git(["mv", "db/migrations/002_orders.sql", "db/migrations/002_orders_renamed.sql"], in: repo)
        try Support.write(migration("payments"), to: "db/migrations/004_payments.sql", in: repo)
        try Support.write("CREATE INDEX other2_idx ON other (y);\n", to: "other/new.sql", in: repo)
        try Support.git(["add", "-A"], in: repo)
        try Support.git(["commit", "-qm", "feature work"], in: repo)
        // main moves on: `git diff main..HEAD` would list 001, the merge base does not.
        try Support.git(["checkout", "-q", "main"], in: repo)
        try Support.write(migration("users") + "-- edited on main\n", to: "db/migrations/001_users.sql", in: repo)
        try Support.git(["commit", "-qam", "main edits 001"], in: repo)
        try Support.git(["checkout", "-q", "feature"], in: repo)
        try Support.write(migration("items") + "-- edited, not committed\n", to: "db/migrations/003_items.sql", in: repo)
        try Support.write(migration("shipments"), to: "db/migrations/005_shipments.sql", in: repo)
        try Support.write("*.log\n", to: ".gitignore", in: repo)
        try Support.write("ignored\n", to: "db/migrations/ignored.log", in: repo)
        return repo
    }

    @Test func libraryListsBranchUncommittedAndUntrackedFiles() throws {
        let repo = try Self.repository()
        defer { try? FileManager.default.removeItem(at: repo) }
        let changed = try ChangedFiles.since("main", in: repo.path)
        let relative = Set(changed.paths.map { String($0.dropFirst(repo.path.count + 1)) })
        #expect(relative == ["db/migrations/002_orders_renamed.sql", "db/migrations/003_items.sql",
                             "db/migrations/004_payments.sql", "db/migrations/005_shipments.sql",
                             "other/new.sql", ".gitignore"])
    }

    @Test func cliLintsOnlyChangedFilesWithinTheGivenPaths() throws {
        let binary = try #require(Support.binary, "migration-lint is not built; run `swift build` first")
        let repo = try Self.repository()
        defer { try? FileManager.default.removeItem(at: repo) }
        let result = try Support.run([binary, "lint", "--format", "gcc", "--changed-since", "main", "db/migrations"], in: repo)
        let files = Set(result.stdout.split(separator: "\n").compactMap { $0.split(separator: ":").first.map(String.init) })
        #expect(files == ["db/migrations/002_orders_renamed.sql", "db/migrations/003_items.sql",
                          "db/migrations/004_payments.sql", "db/migrations/005_shipments.sql"])
        #expect(result.status == 1)

        // From a subdirectory, paths stay relative to where the user stands.
        let nested = try Support.run([binary, "lint", "--format", "gcc", "--changed-since", "main", "."],
                                     in: repo.appendingPathComponent("db/migrations"))
        #expect(nested.stdout.contains("004_payments.sql:1:8: warning:"))
        #expect(!nested.stdout.contains("001_users"))

        // Nothing changed under a path: nothing linted, success.
        try Support.git(["stash", "-u", "-q"], in: repo)
        try Support.git(["reset", "-q", "--hard", "main"], in: repo)
        let clean = try Support.run([binary, "lint", "--changed-since", "main", "db/migrations"], in: repo)
        #expect(clean.status == 0, "\(clean.all)")
        #expect(clean.stdout.contains("0 findings in 0 files; 0 files checked"))
    }

    @Test func unknownRefAndMissingRepositoryExitTwo() throws {
        let binary = try #require(Support.binary, "migration-lint is not built; run `swift build` first")
        let repo = try Self.repository()
        defer { try? FileManager.default.removeItem(at: repo) }
        let unknown = try Support.run([binary, "lint", "--changed-since", "no-such-branch", "db/migrations"], in: repo)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown revision `no-such-branch`"))

        let plain = try Support.temporaryDirectory("not-a-repo")
        defer { try? FileManager.default.removeItem(at: plain) }
        try Support.write(Self.migration("users"), to: "001.sql", in: plain)
        // GIT_CEILING_DIRECTORIES stops git from finding a repository above the temporary directory.
        let outside = try Support.run([binary, "lint", "--changed-since", "main", "."], in: plain,
                                      environment: ["GIT_CEILING_DIRECTORIES": plain.deletingLastPathComponent().path])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("is not inside a git repository"))
    }
}
