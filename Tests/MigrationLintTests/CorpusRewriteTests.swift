import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import TestSupport

/// Lints the shared corpus of real migrations (see `TestEnvironment`)
/// with every rule: no file may crash the analysis, and no migration step of a suggested rewrite
/// may be worse than the statement it replaces: it raises no warning or error, linted on its own
/// and in the original statement's place, beyond those the original statement already raised
/// (a rewrite that fixes one problem of a CREATE TABLE leaves the others to their own rules).
/// Skipped when the corpus is absent.
@Suite(.slow, .requiresCorpus)
struct CorpusRewriteTests {
    @Test func noRewriteStepOfTheCorpusIsWorseThanItsStatement() throws {
        let root = TestEnvironment.corpus.path
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty, "no .sql file in \(root)")
        let engine = LintEngine(rules: allRules)
        var steps = 0
        var dirty: [String] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
            let source = SourceText(bytes: Array(data))
            guard let file = MigrationFile(path: path, source: source, decision: LayoutDetector.decide(path: path, source: source)) else { continue }
            let report = engine.lint(file)
            let statements = SQLParser().parse(source, ranges: file.lintRanges).map(\.range)
            for diagnostic in report.diagnostics {
                let statement = statements.last { $0.lowerBound <= diagnostic.range.lowerBound } ?? diagnostic.range
                // What the original statement already raised, less the finding this rewrite fixes.
                var allowed: [String: Int] = [:]
                for other in report.diagnostics where other.severity >= .warning && statement.contains(other.range.lowerBound) {
                    allowed[other.ruleID, default: 0] += 1
                }
                allowed[diagnostic.ruleID, default: 0] -= 1
                for step in diagnostic.rewrite?.migrationSteps ?? [] {
                    steps += 1
                    let alone = loudCounts(engine.lint(text: step, path: "step.sql").diagnostics)
                    guard alone.contains(where: { id, count in count > max(allowed[id] ?? 0, 0) }) else { continue }
                    // The same step where the original statement stood: what the file created before it
                    // (an empty table) is known there, and what it does after (the index a foreign key
                    // gets in the next statement); a step that must run without a transaction is
                    // judged alone.
                    let prefix = source.text(0..<statement.lowerBound)
                    let stepText = step + "\n"
                    let contextual = SourceText(prefix + stepText + source.text(statement.upperBound..<source.count))
                    let stepRange = prefix.utf8.count..<(prefix.utf8.count + stepText.utf8.count)
                    let decision = LayoutDetector.decide(path: path, source: contextual)
                    let inPlace = MigrationFile(path: path, source: contextual, decision: decision).map { file in
                        loudCounts(engine.lint(file).diagnostics.filter { stepRange.contains($0.range.lowerBound) })
                    } ?? alone
                    let worse = alone.filter { id, count in min(count, inPlace[id] ?? 0) > max(allowed[id] ?? 0, 0) }
                    if !worse.isEmpty {
                        dirty.append("\(path) \(diagnostic.ruleID):\n\(step)\n→ \(worse.keys.sorted())")
                    }
                }
            }
        }
        #expect(steps > 0, "the corpus produced no rewrite to check")
        #expect(dirty.isEmpty, "\(dirty.count) of \(steps) rewrite steps add a problem; first:\n\(dirty.prefix(3).joined(separator: "\n\n"))")
    }

    func loudCounts(_ diagnostics: [Diagnostic]) -> [String: Int] {
        diagnostics.filter { $0.severity >= .warning }.reduce(into: [:]) { $0[$1.ruleID, default: 0] += 1 }
    }
}
