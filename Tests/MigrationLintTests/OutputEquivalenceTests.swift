import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
@testable import Reporters

/// The fast paths must produce exactly what the simple ones did.
@Suite struct OutputEquivalenceTests {
    static let text = """
        -- migration-lint-ignore: no-such-rule typo
        CREATE INDEX idx_a ON "Accounts/Ünïcode" (a);
        ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
        SELECT E'\\t tab', 'quote " and \\\\ backslash';
        CREATE TABLEX broken;
        UPDATE t SET a = 'never closed;

        """

    @Test func handWrittenJSONIsByteForByteJSONEncoder() {
        let engine = LintEngine(rules: allRules)
        var reports = [engine.lint(text: Self.text, path: "a/b.sql")]
        reports.append(engine.lint(text: "SELECT 1;\n", path: "empty \"quoted\".sql"))
        let result = LintResult(outcomes: reports.map { .linted($0) },
                                errors: [InputError(path: "gone.sql", message: "the file disappeared\u{1} before it could be read"),
                                         InputError(path: "bin.sql", line: 2, column: 3, message: "binary\u{8}\u{c}\r\n")],
                                rules: allRules.map(\.description))
        let reporter = JSONReporter()
        #expect(result.summary.findings >= 4)
        #expect(reporter.render(result) == reporter.encodedWithFoundation(result))
        let none = LintResult(outcomes: [])
        #expect(reporter.render(none) == reporter.encodedWithFoundation(none))
    }

    /// A rewrite step in newer syntax carries the version it needs (`needsPostgres`), written the
    /// same way by both paths.
    @Test func aStepInNewerSyntaxSaysWhichVersionItNeeds() {
        var configuration = Configuration()
        configuration.postgresVersion = 19
        let report = LintEngine(rules: allRules, configuration: configuration).lint(text: "VACUUM FULL users;\n", path: "m.sql")
        let result = LintResult(outcomes: [.linted(report)], rules: allRules.map(\.description))
        let reporter = JSONReporter()
        let json = reporter.render(result)
        #expect(json == reporter.encodedWithFoundation(result))
        let indent = String(repeating: " ", count: 14)
        #expect(json.contains("\(indent)\"kind\" : \"migration\",\n\(indent)\"needsPostgres\" : 19,\n"))
    }

    /// Parsing and rule checks of a long file run on several threads; the findings, their order
    /// and the suppressions they meet must not depend on it, nor those inside DO blocks (read
    /// while the workers parse).
    @Test func lintingALongFileOnSeveralThreadsGivesTheSameFindings() {
        let statements = (0..<3_000).map { index -> String in
            switch index % 6 {
            case 0: return "CREATE INDEX idx_\(index) ON t (a);"
            case 1: return "-- comment \(index)\nALTER TABLE t ADD COLUMN c\(index) int;"
            case 2 where index % 12 == 2: return "DO $$\nBEGIN\n  CREATE INDEX idx_do_\(index) ON t (c);\nEND\n$$;"
            case 2: return "SELECT (((\(index))));"
            case 3: return "-- migration-lint-ignore: create-index-concurrently small table\nCREATE INDEX idx_\(index) ON t (b);"
            case 4: return "ALTER TABLE t DROP COLUMN legacy_\(index);"
            default: return "CREATE TABLEX broken_\(index);"
            }
        }
        let text = statements.joined(separator: "\n") + "\n"
        var serial = LintEngine(rules: allRules)
        serial.parseThreads = 1
        var parallel = serial
        parallel.parseThreads = 3
        let a = serial.lint(text: text, path: "long.sql")
        let b = parallel.lint(text: text, path: "long.sql")
        // The file's 3,000 and the 250 inside its DO blocks.
        #expect(a.statementCount == 3_250)
        #expect(Set(a.diagnostics.map(\.ruleID)).isSuperset(of: ["create-index-concurrently", "drop-column", "syntax-error"]))
        // One in each DO block (250), one for each plain CREATE INDEX that no comment silences (500).
        #expect(a.diagnostics.filter { $0.ruleID == "create-index-concurrently" }.count == 750)
        #expect(!a.diagnostics.contains { $0.ruleID == "unused-ignore" })
        #expect(a.diagnostics == b.diagnostics)
    }
}
