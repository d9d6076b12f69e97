import Foundation
import Testing
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// Lints the shared corpus of real migrations (`../shared/corpus`, or `MIGRATIONLINT_CORPUS`)
/// with every rule: no file may crash the analysis, and every migration step of every suggested
/// rewrite, linted on its own, must raise no warning or error. Skipped when the corpus is absent.
/// Where the corpus is, if it is there.
enum CorpusLocation {
    static let path: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let path = ProcessInfo.processInfo.environment["MIGRATIONLINT_CORPUS"] ?? root + "/shared/corpus"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
    }()
}

@Suite(.enabled(if: CorpusLocation.path != nil, "corpus not found: set MIGRATIONLINT_CORPUS or place it at ../shared/corpus"))
struct CorpusRewriteTests {
    @Test func everyRewriteStepOfTheCorpusLintsClean() throws {
        let root = try #require(CorpusLocation.path)
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
            for diagnostic in engine.lint(file).diagnostics {
                for step in diagnostic.rewrite?.migrationSteps ?? [] {
                    steps += 1
                    let loud = engine.lint(text: step, path: "step.sql").diagnostics.filter { $0.severity >= .warning }
                    if !loud.isEmpty {
                        dirty.append("\(path) \(diagnostic.ruleID):\n\(step)\n→ \(loud.map { "\($0.ruleID): \($0.message)" })")
                    }
                }
            }
        }
        #expect(steps > 0, "the corpus produced no rewrite to check")
        #expect(dirty.isEmpty, "\(dirty.count) of \(steps) rewrite steps are not clean; first:\n\(dirty.prefix(3).joined(separator: "\n\n"))")
    }
}
