import Foundation
import Testing
import LockModel
import PostgresSyntax
import Reporters

/// `explain` output compared whole with the golden files in `Fixtures/golden/explain`. After an
/// intended change, regenerate them with MIGRATION_LINT_UPDATE_GOLDEN=1 and review the diff.
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
        let golden = Self.directory.appendingPathComponent(Self.goldenName(format))
        if ProcessInfo.processInfo.environment["MIGRATION_LINT_UPDATE_GOLDEN"] == "1" {
            try output.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(output == expected)
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

/// Every file of the shared corpus of real migrations goes through the model and all three
/// formats without a crash, and the JSON stays valid. Skipped when the corpus is absent.
@Suite struct ExplainCorpusTests {
    static let corpus = URL(fileURLWithPath: "/work/shared/corpus")

    static var corpusFiles: [URL] {
        guard let enumerator = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "sql" }.sorted { $0.path < $1.path }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus.path), "the corpus at /work/shared/corpus is absent"))
    func explainsEveryCorpusFile() throws {
        var statements = 0
        for url in Self.corpusFiles {
            let source = SourceText(bytes: Array(try Data(contentsOf: url)))
            let analysis = MigrationAnalyzer(settings: RunSettings()).analyze(SQLParser().parse(source))
            statements += analysis.statements.count
            let file = ExplainedFile(path: url.lastPathComponent, source: source, analysis: analysis)
            #expect(!renderExplain([file], format: .text).isEmpty)
            #expect(!renderExplain([file], format: .markdown).isEmpty)
            let json = renderExplain([file], format: .json)
            #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "invalid JSON for \(url.path)")
        }
        #expect(statements > 0)
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
