import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import Reporters

/// Input a repository may hold that no migration should: each becomes a finding or an input
/// error, never a crash, a hang or unbounded memory. Everything runs through `LintRunner`, on
/// the same large-stack threads as the CLI.
@Suite struct HostileInputTests {
    let runner = LintRunner(engine: LintEngine(rules: allRules))

    func lint(_ text: String) -> FileReport? {
        lint(bytes: Array(text.utf8))
    }

    func lint(bytes: [UInt8], path: String = "hostile.sql") -> FileReport? {
        switch SourceReader.decode(bytes, path: path) {
        case .failure: return nil
        case .success(let source):
            let outcome = runner.run(count: 1) { _ in runner.lint(path: path, source: source) }[0]
            guard case .linted(let report) = outcome else { return nil }
            return report
        }
    }

    func syntaxErrors(_ report: FileReport?) -> [Diagnostic] {
        report?.diagnostics.filter { $0.ruleID == "syntax-error" } ?? []
    }

    /// Its peak memory is measured in a process of its own: CLITests/HostileInputMemoryTests.
    @Test func fiftyMegabyteStatementIsRefusedAndTheOneBeforeItLinted() throws {
        // One statement of 50 MB (a literal, as a data dump might hold) after an ordinary one.
        var bytes = Array("CREATE INDEX idx_a ON accounts (a);\nINSERT INTO blobs VALUES ('".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
        bytes += Array("');\n".utf8)
        let report = try #require(lint(bytes: bytes))
        #expect(report.diagnostics.contains { $0.ruleID == "create-index-concurrently" }, "the statement before it is still linted")
        let refusal = try #require(syntaxErrors(report).first)
        #expect(refusal.message.contains("statement of 52428"))
        #expect(refusal.message.contains("refuses more than"))
    }

    @Test func hundredThousandStatementsInOneFile() throws {
        let text = String(repeating: "SELECT 1;\n", count: 100_000) + "CREATE INDEX idx_last ON accounts (a);\n"
        let report = try #require(lint(text))
        #expect(report.statementCount == 100_001)
        let finding = try #require(report.diagnostics.first { $0.ruleID == "create-index-concurrently" })
        #expect(report.source.position(of: finding.range.lowerBound).line == 100_001)
    }

    @Test func tenThousandNestedParenthesesBecomeAFinding() throws {
        let text = "SELECT " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + ";\n"
        let error = try #require(syntaxErrors(lint(text)).first)
        #expect(error.message.contains("nested 10000 deep"))
        #expect(error.message.contains("PostgreSQL \(GrammarVersion.text) grammar"))
    }

    static let longExpressions: [(String, String)] = {
        let sum: String = "SELECT " + Array(repeating: "1", count: 100_000).joined(separator: " + ") + ";"
        let concatenation: String = "SELECT " + Array(repeating: "'a'", count: 100_000).joined(separator: " || ") + ";"
        let casts: String = "SELECT 1" + String(repeating: "::int", count: 100_000) + ";"
        let collations: String = "SELECT a" + String(repeating: " COLLATE \"C\"", count: 100_000) + ";"
        let million: String = "SELECT " + Array(repeating: "a", count: 1_000_000).joined(separator: "+") + ";"
        return [("sum", sum), ("concatenation", concatenation), ("casts", casts), ("collations", collations), ("a million terms", million)]
    }()

    @Test(arguments: longExpressions)
    func hundredThousandTermExpressionBecomesAFinding(_ name: String, _ sql: String) throws {
        // libpg_query recurses once per term when it writes the tree: a million overflowed the
        // 64 MiB worker stack and killed the process.
        let error = try #require(syntaxErrors(lint("CREATE TABLE t (id bigint PRIMARY KEY);\n" + sql + "\n")).first, "\(name)")
        #expect(error.message.contains("chains"), "\(name): \(error.message)")
        #expect(error.message.contains("refuses more than 10000"))
    }

    @Test func longFlatConditionsAreStillParsed() throws {
        // AND and OR lists are flat in the tree, so they are not refused however long.
        let conditions = (0..<20_000).map { "c\($0) = \($0)" }.joined(separator: " AND ")
        let report = try #require(lint("DELETE FROM events WHERE \(conditions);\n"))
        #expect(syntaxErrors(report).isEmpty)
    }

    @Test func nulByteIsAnInputErrorWithItsPlace() {
        let bytes = Array("SELECT 1;\nSELECT '".utf8) + [0] + Array("';\n".utf8)
        guard case .failure(let error) = SourceReader.decode(bytes, path: "nul.sql") else {
            Issue.record("a NUL byte was accepted")
            return
        }
        #expect(error.line == 2 && error.column == 9)
        #expect(error.message.contains("NUL byte"))
        // The parser refuses it too when handed such text directly.
        let parsed = SQLParser().parse(SourceText(bytes: bytes))
        #expect(parsed.contains { if case .syntaxError(let message, _) = $0.content { return message.contains("NUL") } else { return false } })
    }

    @Test(arguments: [
        ("string", "UPDATE t SET a = 'never closed;\n", "unterminated string literal starting at line 2, column 18"),
        ("quoted identifier", "ALTER TABLE \"never closed ADD COLUMN a int;\n", "unterminated quoted identifier starting at line 2, column 13"),
        ("block comment", "/* never closed\nALTER TABLE t ADD COLUMN a int;\n", "unterminated block comment starting at line 2, column 1"),
        ("dollar quote", "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1;\n", "unterminated dollar-quoted string $body$ starting at line 2, column 36"),
    ])
    func unterminatedConstructsAreExplainedAndEarlierStatementsLinted(_ name: String, _ tail: String, _ note: String) throws {
        let report = try #require(lint("CREATE INDEX idx_a ON accounts (a);\n" + tail))
        #expect(report.diagnostics.contains { $0.ruleID == "create-index-concurrently" }, "\(name): earlier statement lost")
        let error = try #require(syntaxErrors(report).first, "\(name)")
        #expect(error.notes.contains(note), "\(name): \(error.notes)")
    }

    @Test func symlinkLoopInALintedDirectoryEndsWithEachFileOnce() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ml-loop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("migrations/nested")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "SELECT 1;\n".write(to: root.appendingPathComponent("migrations/001.sql"), atomically: true, encoding: .utf8)
        try "SELECT 2;\n".write(to: nested.appendingPathComponent("002.sql"), atomically: true, encoding: .utf8)
        // nested/back -> migrations, and migrations/self -> itself: both loops.
        try FileManager.default.createSymbolicLink(atPath: nested.appendingPathComponent("back").path,
                                                   withDestinationPath: root.appendingPathComponent("migrations").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("migrations/self").path, withDestinationPath: ".")
        let (files, errors) = FileDiscovery().collect([root.appendingPathComponent("migrations").path])
        #expect(errors.isEmpty)
        #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["001.sql", "002.sql"])
    }

    @Test func fileThatVanishesAfterListingIsAnInputError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ml-vanish-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for name in ["001.sql", "002.sql"] {
            try "CREATE INDEX i ON t (a);\n".write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let (files, _) = FileDiscovery().collect([root.path])
        #expect(files.count == 2)
        try FileManager.default.removeItem(at: root.appendingPathComponent("001.sql"))
        let outcomes = runner.lint(paths: files)
        guard case .failed(let error) = outcomes[0] else { Issue.record("vanished file was not reported"); return }
        #expect(error.message == "no such file or directory")
        guard case .linted(let report) = outcomes[1] else { Issue.record("the other file was not linted"); return }
        #expect(report.diagnostics.map(\.ruleID) == ["create-index-concurrently"])
    }

    @Test func filesOfEverySizeAreReadWhole() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ml-read-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for size in [0, 1, 4_095, 4_096, 65_537, 300_000] {
            let text = String(repeating: "abcdefghi\n", count: size / 10) + String(repeating: "x", count: size % 10)
            let path = root.appendingPathComponent("\(size).sql").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            guard case .success(let source) = SourceReader.read(path: path) else { Issue.record("\(size) bytes unread"); continue }
            #expect(source.bytes == Array(text.utf8), "\(size) bytes")
        }
        guard case .failure(let error) = SourceReader.read(path: root.path) else { Issue.record("a directory was read"); return }
        #expect(error.message == "is a directory, not a migration file (a path ending in .sql is read as a file)")
    }

    @Test func thirtyThousandFindingsRenderInOrder() throws {
        // Once quadratic (a state copy per statement): 56 s and 14 GB in release.
        let text = (0..<30_000).map { "CREATE INDEX idx_\($0) ON accounts (c\($0));\n" }.joined()
        let report = try #require(lint(text))
        #expect(report.diagnostics.count == 30_000)
        let result = LintResult(outcomes: [.linted(report)])
        let output = TextReporter().render(result)
        #expect(output.hasSuffix("30000 findings (30000 warnings) in 1 file; 1 file checked\n30000 statements, 30000 analyzed\n"))
        #expect(output.contains("--> hostile.sql:30000:8\n"))
    }
}
