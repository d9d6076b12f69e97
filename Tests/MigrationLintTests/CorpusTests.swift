import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import TestSupport

/// The shared corpus of real migrations (see `TestEnvironment`). It is never copied into the
/// repository, so without it these tests are skipped, visibly.
@Suite(.slow, .requiresCorpus) struct CorpusTests {
    @Test
    func everyCorpusFileLintsWithoutACrashAndEverySyntaxErrorIsExplained() throws {
        var configuration = Configuration()
        configuration.includeDown = true // up and down
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration))
        let root = TestEnvironment.corpus.path
        let (files, errors) = FileDiscovery().collect([root])
        #expect(errors.isEmpty)
        #expect(files.count > 1_500, "the corpus holds about 1,800 migrations")

        let outcomes = runner.lint(paths: files)
        var linted = 0
        var syntaxErrors: [(path: String, line: Int, message: String)] = []
        for outcome in outcomes {
            switch outcome {
            case .failed(let error):
                Issue.record("input error: \(error)")
            case .skipped:
                break
            case .linted(let report):
                linted += 1
                for diagnostic in report.diagnostics where diagnostic.ruleID == "syntax-error" {
                    syntaxErrors.append((report.path, report.source.position(of: diagnostic.range.lowerBound).line, diagnostic.message))
                    // Explained: libpg_query's own message, and which grammar said so.
                    #expect(diagnostic.message.hasSuffix("(PostgreSQL \(GrammarVersion.text) grammar)"), "\(report.path): \(diagnostic.message)")
                    #expect(diagnostic.help?.contains("PostgreSQL 15 would reject this statement too") == true)
                }
            }
        }
        #expect(linted == files.count)
        print("corpus: \(files.count) files linted, \(syntaxErrors.count) syntax errors")
        for error in syntaxErrors {
            print("  \(error.path.dropFirst(root.count + 1)):\(error.line): \(error.message)")
        }
        // Real migrations that ran on PostgreSQL: a parse failure here is either psql-only
        // syntax or newer grammar, so there are few.
        #expect(syntaxErrors.count < files.count / 100)
    }

    @Test func outputOrderDoesNotDependOnThreadTiming() throws {
        let (files, _) = FileDiscovery().collect([TestEnvironment.corpus.path])
        let sample = Array(files.prefix(300))
        let engine = LintEngine(rules: allRules)
        let parallel = LintRunner(engine: engine, threadCount: 4).lint(paths: sample)
        let serial = LintRunner(engine: engine, threadCount: 1).lint(paths: sample)
        func summary(_ outcomes: [FileOutcome]) -> [String] {
            outcomes.map { outcome in
                guard case .linted(let report) = outcome else { return outcome.path }
                return report.path + report.diagnostics.map { "|\($0.ruleID)@\($0.range)" }.joined()
            }
        }
        #expect(summary(parallel) == summary(serial))
    }
}
