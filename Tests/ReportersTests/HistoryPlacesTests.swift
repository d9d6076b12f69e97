import Foundation
import Testing
import MigrationLint
import PostgresSyntax
import Reporters

/// What the history replay could not read, as the reporters show it: once per run, in its own
/// file, naming the files whose history holds it, and not again for a file the run lints.
@Suite struct HistoryPlacesTests {
    static let typo = Coverage.EarlierPlace(path: "m/001_orders.sql", line: 2, column: 1, reason: "syntax error", text: "CREAT TABLE audit (id bigint)")
    /// A place in 002, which the run lints too: its own coverage lists it.
    static let inLinted = Coverage.EarlierPlace(path: "m/002_widen.sql", line: 3, column: 1, reason: "syntax error", text: "ALTR")

    static var result: LintResult {
        func report(_ path: String, history: [Coverage.EarlierPlace]) -> FileReport {
            var report = FileReport(path: path, source: SourceText("SELECT 1;\n"), diagnostics: [], statementCount: 1)
            report.coverage.history = history
            return report
        }
        return LintResult(outcomes: [.linted(report("m/002_widen.sql", history: [typo])),
                                     .linted(report("m/003_more.sql", history: [typo, inLinted]))])
    }

    @Test func eachPlaceComesOnceWithTheFilesItPrecedes() {
        let places = Self.result.historyPlaces
        #expect(places.map(\.path) == ["m/001_orders.sql"])
        #expect(places.first?.message == "not replayed: syntax error, in the history of m/002_widen.sql and 1 more file")
        #expect(Self.result.coverage.line == "2 statements, 2 analyzed; not replayed from earlier migrations: 1 syntax error")
    }

    @Test func gccAndGitLabListThemOnceAfterTheFiles() throws {
        #expect(GCCReporter().render(Self.result)
            == "m/001_orders.sql:2:1: note: not replayed: syntax error, in the history of m/002_widen.sql and 1 more file [not-analyzed]\n")
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(GitLabReporter().render(Self.result).utf8)) as? [[String: Any]])
        #expect(issues.count == 1)
        #expect((issues.first?["location"] as? [String: Any])?["path"] as? String == "m/001_orders.sql")
    }
}
