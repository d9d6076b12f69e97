import Foundation
import Testing
import MigrationLint
import MigrationLintRules
import MigrationInput
import TestSupport
import LockModel
import PostgresSyntax
import Reporters

/// `explain` output compared whole with the golden files in `Fixtures/golden/explain`. After an
/// intended change, regenerate them with scripts/update-goldens.sh and review the diff.
@Suite struct ExplainTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/golden/explain")

    /// The first file runs in autocommit with an explicit BEGIN ... COMMIT; the second inside the
    /// migration tool's transaction; the third in autocommit only.
    static func files() throws -> [ExplainedFile] {
        try [("add_sessions.sql", false), ("in_tool_transaction.sql", true), ("autocommit_only.sql", false)].map { name, inTransaction in
            let source = SourceText(bytes: Array(try Data(contentsOf: directory.appendingPathComponent(name))))
            let statements = SQLParser().parse(source)
            let analysis = MigrationAnalyzer(settings: RunSettings(postgresVersion: 15, fileRunsInTransaction: inTransaction))
                .analyze(statements)
            return ExplainedFile(path: "migrations/\(name)", source: source, analysis: analysis)
        }
    }

    static func goldenName(_ format: ExplainFormat) -> String {
        switch format {
        case .text: return "explain.txt"
        case .markdown: return "explain.md"
        case .json: return "explain.json"
        }
    }

    @Test(arguments: ExplainFormat.allCases)
    func outputMatchesTheGoldenFile(format: ExplainFormat) throws {
        let output = renderExplain(try Self.files(), format: format)
        if let mismatch = Golden.check(output, against: "explain/" + Self.goldenName(format)) {
            Issue.record(Comment(rawValue: mismatch))
        }
    }

    /// With the history replayed, what the file does not show is known, and each known thing
    /// names the earlier file and line it came from (`Fixtures/golden/explain/history/`).
    @Test(arguments: [ExplainFormat.text, .markdown])
    func assumptionsFromHistoryNameTheirEarlierFile(format: ExplainFormat) throws {
        let path = Self.directory.appendingPathComponent("history/013_change.sql").path
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let source = SourceText(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let file = try #require(runner.migrationFile(path: path, source: source))
        let analysis = runner.engine.analyze(file, before: try #require(runner.schemasBefore([path])[path]))
        let output = renderExplain([ExplainedFile(path: "migrations/013_change.sql", source: source, analysis: analysis)], format: format)
        #expect(!output.contains("assumes:"))
        if let mismatch = Golden.check(output, against: "explain/history." + (format == .text ? "txt" : "md")) {
            Issue.record(Comment(rawValue: mismatch))
        }
    }

    @Test func outputIsTheSameOnEveryRun() throws {
        for format in ExplainFormat.allCases {
            #expect(renderExplain(try Self.files(), format: format) == renderExplain(try Self.files(), format: format))
        }
    }

    /// The shape the issue promises: files, statements with line, sql, transaction, locks (relation,
    /// mode, blocksReads, blocksWrites), rewrites, scans, assumptions, error.
    @Test func jsonHasThePromisedShape() throws {
        let output = renderExplain(try Self.files(), format: .json)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let files = try #require(root["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String }
                == ["migrations/add_sessions.sql", "migrations/in_tool_transaction.sql", "migrations/autocommit_only.sql"])
        let statements = try #require(files[0]["statements"] as? [[String: Any]])
        let addColumn = try #require(statements.first { ($0["sql"] as? String)?.hasPrefix("ALTER TABLE users ADD COLUMN") == true })
        #expect(addColumn["line"] as? Int == 9)
        #expect(addColumn["transaction"] as? Int == 2)
        let locks = try #require(addColumn["locks"] as? [[String: Any]])
        #expect(locks.count == 1)
        #expect(locks[0]["relation"] as? String == "public.users")
        #expect(locks[0]["mode"] as? String == "ACCESS EXCLUSIVE")
        #expect(locks[0]["blocksReads"] as? Bool == true)
        #expect(locks[0]["blocksWrites"] as? Bool == true)
        #expect(addColumn["rewrites"] as? [String] == ["public.users"])
        #expect(addColumn["scans"] as? [String] == ["public.users"])
        #expect(addColumn["assumptions"] as? [String] == [])
        #expect(addColumn["error"] is NSNull)

        let second = try #require(files[1]["statements"] as? [[String: Any]])
        let concurrently = try #require(second.first { ($0["sql"] as? String)?.hasPrefix("CREATE INDEX CONCURRENTLY") == true })
        #expect(concurrently["error"] as? String == "CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
        let modes = Set(try #require(files.flatMap { ($0["statements"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["locks"] as? [[String: Any]]) ?? [] }.compactMap { $0["mode"] as? String } as [String]?))
        #expect(modes.isSubset(of: Set(LockMode.allCases.map(\.description))))
    }
}

/// What `explain` says the model assumed: each sentence once, as the model renders it.
@Suite struct ExplainAssumptionTests {
    @Test func assumptionsReadAsTheModelRendersThemOnce() {
        let source = SourceText("ALTER TABLE users ADD COLUMN a quantity, ADD COLUMN b quantity;\n")
        let analysis = MigrationAnalyzer(settings: RunSettings(postgresVersion: 15, fileRunsInTransaction: false))
            .analyze(SQLParser().parse(source))
        #expect(analysis.statements[0].effects.assumptions.count == 2)
        let text = renderExplain([ExplainedFile(path: "m.sql", source: source, analysis: analysis)], format: .text)
        let assumes = text.split(separator: "\n").filter { $0.contains("assumes:") }.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(assumes == ["assumes: quantity is assumed not to be a domain with a CHECK constraint (that would rewrite the table)"])
    }
}

/// A DO block outside a transaction block runs in a transaction of its own: explain names it so,
/// not as the migration tool's.
@Suite struct ExplainDoBlockTests {
    @Test func aDoBlocksOwnTransactionIsNamedAsSuch() {
        let sql = "DO $$\nBEGIN\n  CREATE INDEX i ON t (a);\n  ALTER TABLE t ADD COLUMN b integer;\nEND $$;\n"
        let engine = LintEngine(rules: allRules)
        let file = MigrationFile(path: "m.sql", source: SourceText(sql))
        let text = renderExplain([ExplainedFile(file, analysis: engine.analyze(file))], format: .text)
        #expect(text.contains("transaction 1 (the DO block's own transaction, lines 1-4)"), "\(text)")
        #expect(!text.contains("the migration tool's transaction"))
    }
}
