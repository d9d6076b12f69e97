import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import TestSupport

/// DO blocks, EXECUTE strings and placeholders across the shared corpus: reading them only ever
/// adds statements, never a syntax error, and every new finding lies inside a DO block, a
/// called function's body or a statement with a placeholder. With MIGRATION_LINT_HIDDEN_REPORT
/// set it prints the table of docs/hidden-sql.md and the new findings, for reading.
@Suite(.slow, .requiresCorpus) struct HiddenSQLCorpusTests {
    struct Row {
        var files = 0, doBlocks = 0, doStatements = 0, executeConstant = 0, executeDynamic = 0, unreadBodies = 0
        var placeholders: [String: Int] = [:]
        var before = Coverage(), after = Coverage()
        var newFindings = 0
    }

    @Test
    func readingHiddenSQLOnlyAddsStatementsAndFindingsInsideThem() throws {
        var plain = LintEngine(rules: allRules, configuration: { var c = Configuration(); c.recognizePlaceholders = false; return c }())
        plain.readsHiddenSQL = false
        let before = LintRunner(engine: plain)
        let after = LintRunner(engine: LintEngine(rules: allRules))
        let report = ProcessInfo.processInfo.environment["MIGRATION_LINT_HIDDEN_REPORT"] != nil
        var rows: [String: Row] = [:]
        var samples: [String] = []
        let projects = try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.corpus.path).filter { $0.contains("__") }.sorted()
        for project in projects {
            let (files, _) = FileDiscovery().collect([TestEnvironment.corpus.path + "/" + project])
            var row = Row()
            for (old, new) in zip(before.lint(paths: files), after.lint(paths: files)) {
                guard case .linted(let was) = old, case .linted(let now) = new else { continue }
                row.files += 1
                row.before = row.before + was.coverage
                row.after = row.after + now.coverage
                #expect(now.coverage.statements >= was.coverage.statements, "\(now.path)")
                #expect(now.diagnostics.filter { $0.ruleID == "syntax-error" }.count <= was.diagnostics.filter { $0.ruleID == "syntax-error" }.count, "\(now.path)")
                let source = now.source
                var doRanges: [Range<Int>] = []
                for parsed in SQLParser().parse(source) {
                    if let body = PLpgSQL.doBody(of: parsed, in: source) {
                        doRanges.append(parsed.range)
                        row.doBlocks += 1
                        let found = PLpgSQL.statements(ofBody: body, in: source)
                        row.doStatements += found.statements.filter { $0.execute == nil }.count
                        row.executeConstant += found.statements.filter { $0.execute != nil }.count
                        row.executeDynamic += found.unread.filter { $0.reason == "dynamic EXECUTE" }.count
                        row.unreadBodies += found.unread.filter { $0.reason != "dynamic EXECUTE" }.count
                    } else if PLpgSQL.functionBody(of: parsed, in: source) != nil {
                        doRanges.append(parsed.range) // a body, if a later statement calls it
                    }
                }
                let placeholders = Placeholders.substitute(source)?.found ?? []
                for found in placeholders { row.placeholders[found.kind.rawValue, default: 0] += 1 }
                let old = Set(was.diagnostics.map { "\($0.ruleID)@\($0.range)" })
                for diagnostic in now.diagnostics where !old.contains("\(diagnostic.ruleID)@\(diagnostic.range)") {
                    row.newFindings += 1
                    let explained = doRanges.contains { $0.contains(diagnostic.range.lowerBound) }
                        || placeholders.contains { _ in true } || diagnostic.notes.contains { $0.contains("calls") }
                    #expect(explained, "\(now.path): \(diagnostic.ruleID) \(diagnostic.message)")
                    let position = source.position(of: diagnostic.range.lowerBound)
                    samples.append("\(now.path.dropFirst(TestEnvironment.corpus.path.count + 1)):\(position.line):\(position.column) \(diagnostic.ruleID): \(diagnostic.message) | \(diagnostic.notes.first ?? "")")
                }
            }
            rows[project] = row
        }
        guard report else { return }
        print("| project | files | DO blocks | statements in DO | constant EXECUTE | dynamic EXECUTE | unread bodies | placeholders | statements before / after | analyzed before / after | not analyzed after | new findings |")
        print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|")
        for project in projects {
            guard let row = rows[project] else { continue }
            let placeholders = row.placeholders.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("| \(project) | \(row.files) | \(row.doBlocks) | \(row.doStatements) | \(row.executeConstant) | \(row.executeDynamic) | \(row.unreadBodies) | \(placeholders.isEmpty ? "0" : placeholders) | \(row.before.statements) / \(row.after.statements) | \(row.before.analyzed) / \(row.after.analyzed) | \(row.after.reasonSummary.isEmpty ? "-" : row.after.reasonSummary) | \(row.newFindings) |")
        }
        print("NEW FINDINGS")
        for sample in samples { print(sample) }
    }
}
