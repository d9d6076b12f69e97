import Foundation
import Testing
import LockModel
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import TestSupport

/// Each project of the shared corpus replayed in full: no crash, and what the history settles.
/// The figures it prints are the table in docs/history.md.
@Suite(.slow, .requiresCorpus) struct HistoryCorpusTests {
    struct Tally {
        var files = 0
        var oldTypeUnknown = (blind: 0, history: 0)
        var unnamed = (blind: 0, history: 0)
        var findings: [String: Int] = [:]
    }

    @Test func everyProjectReplaysAndTheHistoryOnlySettlesAssumptions() throws {
        let root = TestEnvironment.corpus.path
        let (files, errors) = FileDiscovery().collect([root])
        #expect(errors.isEmpty)
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let schemas = runner.schemasBefore(files)
        let results = runner.run(count: files.count) { index -> (String, Tally)? in
            let path = files[index]
            guard case .success(let source) = SourceReader.read(path: path),
                  let file = runner.migrationFile(path: path, source: source) else { return nil }
            let project = String(path.dropFirst(root.count + 1).prefix { $0 != "/" })
            var tally = Tally()
            tally.files = 1
            let before = schemas[path] ?? SchemaCatalog()
            for (analysis, history) in [(runner.engine.analyze(file), false), (runner.engine.analyze(file, before: before), true)] {
                let old = analysis.statements.flatMap(\.effects.assumptions).filter {
                    if case .oldColumnTypeUnknown = $0 { return true } else { return false }
                }.count
                let unnamed = analysis.statements.map(\.effects.indirectLocks.count).reduce(0, +)
                if history { tally.oldTypeUnknown.history = old; tally.unnamed.history = unnamed }
                else { tally.oldTypeUnknown.blind = old; tally.unnamed.blind = unnamed }
            }
            for diagnostic in runner.engine.lint(file, before: before).diagnostics
            where ["foreign-key-without-index", "redundant-set-not-null", "duplicate-column"].contains(diagnostic.ruleID) {
                tally.findings[diagnostic.ruleID, default: 0] += 1
            }
            return (project, tally)
        }
        var byProject: [String: Tally] = [:]
        for case let (project, tally)? in results {
            var total = byProject[project, default: Tally()]
            total.files += tally.files
            total.oldTypeUnknown.blind += tally.oldTypeUnknown.blind
            total.oldTypeUnknown.history += tally.oldTypeUnknown.history
            total.unnamed.blind += tally.unnamed.blind
            total.unnamed.history += tally.unnamed.history
            total.findings.merge(tally.findings, uniquingKeysWith: +)
            byProject[project] = total
        }
        print("| project | files | \"may rewrite\": old type unknown (file only → with history) | relations named in words (file only → with history) | foreign-key-without-index | redundant-set-not-null | duplicate-column |")
        for (project, tally) in byProject.sorted(by: { $0.key < $1.key }) {
            print("| \(project) | \(tally.files) | \(tally.oldTypeUnknown.blind) → \(tally.oldTypeUnknown.history) | \(tally.unnamed.blind) → \(tally.unnamed.history) | "
                  + "\(tally.findings["foreign-key-without-index"] ?? 0) | \(tally.findings["redundant-set-not-null"] ?? 0) | \(tally.findings["duplicate-column"] ?? 0) |")
            #expect(tally.oldTypeUnknown.history <= tally.oldTypeUnknown.blind, "\(project): the history added assumptions")
            #expect(tally.unnamed.history <= tally.unnamed.blind, "\(project): the history unnamed relations")
        }
        let blind = byProject.values.map(\.oldTypeUnknown.blind).reduce(0, +)
        let history = byProject.values.map(\.oldTypeUnknown.history).reduce(0, +)
        #expect(history < blind, "replaying the corpus settles some old column types")
    }

    /// The corpus linted whole walks each migration set once, each file's walk learning the
    /// schema of the next (one worker walks every set, whatever their lengths): every file's
    /// findings and coverage are what linting it alone after the replay of its history gives.
    @Test func theCorpusLintedWholeIsEachFileLintedAfterItsReplay() throws {
        let root = TestEnvironment.corpus.path
        let (files, errors) = FileDiscovery().collect([root])
        #expect(errors.isEmpty)
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let whole = LintRunner(engine: runner.engine, threadCount: 1).lint(paths: files)
        let history = runner.history(of: files)
        let alone = runner.run(count: files.count) { index -> FileOutcome in
            let path = files[index]
            guard case .success(let source) = SourceReader.read(path: path) else { return runner.lint(path: path) }
            guard case .linted(var report) = runner.lint(path: path, source: source, before: history.schemas[path]) else {
                return runner.lint(path: path, source: source, before: history.schemas[path])
            }
            report.coverage.history = history.earlier[path] ?? []
            return .linted(report)
        }
        var differing: [String] = []
        for (path, (walked, replayed)) in zip(files, zip(whole, alone)) {
            switch (walked, replayed) {
            case (.linted(let walked), .linted(let replayed)):
                if walked.diagnostics != replayed.diagnostics || walked.coverage != replayed.coverage { differing.append(path) }
            case (.skipped, .skipped), (.failed, .failed): break
            default: differing.append(path)
            }
        }
        #expect(files.count > 1_000)
        #expect(differing.isEmpty, "\(differing.count) files differ, first \(differing.prefix(3))")
    }
}
