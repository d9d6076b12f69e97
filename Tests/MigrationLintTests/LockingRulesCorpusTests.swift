import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax

/// The blocking-lock rules' fixes applied to real migration files: the result still parses and
/// the finding is gone. Runs only where the shared corpus is present (`../shared/corpus` next to
/// the repository, or `MIGRATION_LINT_CORPUS`); elsewhere it is reported as skipped.
@Suite struct LockingRulesCorpusTests {
    static let corpus: String = {
        if let path = ProcessInfo.processInfo.environment["MIGRATION_LINT_CORPUS"] { return path }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    static var corpusIsPresent: Bool { FileManager.default.fileExists(atPath: corpus) }

    static let fixableRules: Set<String> = [
        "drop-index-concurrently", "reindex-concurrently", "add-foreign-key-not-valid", "add-check-not-valid",
        "require-lock-timeout", "require-statement-timeout", "detach-partition-concurrently",
    ]

    @Test(.enabled(if: corpusIsPresent, "the shared migration corpus is not present"))
    func fixesKeepRealMigrationsParseableAndSilenceTheRule() throws {
        var configuration = Configuration()
        for id in Self.fixableRules { configuration.ruleSettings[id] = .warning }
        let rules = allRules.filter { Self.fixableRules.contains($0.id) }
        var applied = 0
        let files = (FileManager.default.enumerator(atPath: Self.corpus)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".sql") }.sorted()
        for relative in files {
            guard let data = FileManager.default.contents(atPath: Self.corpus + "/" + relative) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for rule in rules {
                let engine = LintEngine(rules: [rule], configuration: configuration)
                guard let before = lint(engine, text, relative) else { continue }
                let fixes = before.filter { $0.ruleID == rule.id }.compactMap(\.fix)
                guard !fixes.isEmpty else { continue }
                applied += fixes.count
                let fixed = String(decoding: FixApplier.apply(fixes, to: Array(text.utf8)).bytes, as: UTF8.self)
                guard let after = lint(engine, fixed, relative) else { continue }
                let syntaxErrors = { (list: [Diagnostic]) in list.filter { $0.ruleID == "syntax-error" }.count }
                #expect(syntaxErrors(after) <= syntaxErrors(before), "\(rule.id) fix breaks \(relative)")
                #expect(!after.contains { $0.ruleID == rule.id && $0.fix != nil }, "\(rule.id) still fixable after its fix in \(relative)")
            }
        }
        #expect(applied > 0, "no fix was applied anywhere in the corpus")
    }

    func lint(_ engine: LintEngine, _ text: String, _ path: String) -> [Diagnostic]? {
        let source = SourceText(text)
        guard let file = MigrationFile(path: path, source: source, decision: LayoutDetector.decide(path: path, source: source)) else { return nil }
        return engine.lint(file).diagnostics
    }
}
