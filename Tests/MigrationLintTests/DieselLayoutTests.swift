import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax

/// diesel runs every migration folder's `up.sql` in its own transaction, even a one-statement
/// file, unless the `metadata.toml` beside it says `run_in_transaction = false`.
@Suite struct DieselLayoutTests {
    /// Lints `up.sql` in a fresh diesel migration folder, with `metadata` beside it when given.
    func lintDieselMigration(_ sql: String, metadata: String?) throws -> [Diagnostic] {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mlint-diesel-\(UUID().uuidString)/migrations/2024-05-01-101500_index_email")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        try sql.write(to: folder.appendingPathComponent("up.sql"), atomically: true, encoding: .utf8)
        if let metadata { try metadata.write(to: folder.appendingPathComponent("metadata.toml"), atomically: true, encoding: .utf8) }
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let outcome = runner.lint(path: folder.appendingPathComponent("up.sql").path)
        guard case .linted(let report) = outcome else {
            Issue.record("not linted: \(outcome)")
            return []
        }
        return report.diagnostics
    }

    @Test func aOneStatementConcurrentIndexFailsInsideDieselsTransaction() throws {
        let found = try lintDieselMigration("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n", metadata: nil)
        let finding = try #require(found.first { $0.ruleID == "concurrently-in-transaction" })
        #expect(finding.message == "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: the migration fails")
        #expect(finding.help == "put the statement in its own migration with a `metadata.toml` beside `up.sql` that says `run_in_transaction = false`")
    }

    @Test func runInTransactionFalseInMetadataLetsItRun() throws {
        let found = try lintDieselMigration("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
                                            metadata: "# built outside a transaction\nrun_in_transaction = false\n")
        #expect(found.map(\.ruleID) == [])
        let stillInTransaction = try lintDieselMigration("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
                                                         metadata: "run_in_transaction = true\n")
        #expect(stillInTransaction.map(\.ruleID) == ["concurrently-in-transaction"])
    }

    @Test func folderPairsAreDieselAndVersionedFilePairsAreNot() {
        let up = LayoutDetector.decide(path: "migrations/2024-05-01-101500_index_email/up.sql", source: SourceText("SELECT 1;\n"))
        #expect(up.layout == .diesel)
        #expect(up.transactionPolicy == .whole)
        #expect(LayoutDetector.decide(path: "migrations/2024-05-01-101500_index_email/down.sql", source: SourceText("SELECT 1;\n")).lintRanges == nil)
        #expect(LayoutDetector.decide(path: "db/000001_init.up.sql", source: SourceText("SELECT 1;\n")).layout == .upDownFiles)
        #expect(LayoutDetector.dieselRunsInTransaction(metadata: "run_in_transaction=false # no tx\n") == false)
        #expect(LayoutDetector.dieselRunsInTransaction(metadata: "# run_in_transaction = false\n") == true)
    }
}
