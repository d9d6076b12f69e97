import Testing
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// Every report says how much was analyzed and names what was not, with its place.
@Suite struct CoverageTests {
    @Test func parsedStatementsAreAnalyzedAndTheRestIsNamed() throws {
        let sql = "CREATE TABLE t (id bigint PRIMARY KEY);\n\\set ON_ERROR_STOP on\nCREATE TABLEX u ();\nSELECT 1;\n"
        let report = LintEngine(rules: allRules).lint(text: sql, path: "m.sql")
        #expect(report.coverage.statements == 4)
        #expect(report.coverage.analyzed == 2)
        #expect(report.coverage.unanalyzed.map(\.reason) == ["psql meta-command", "syntax error"])
        let syntax = try #require(report.coverage.unanalyzed.last)
        #expect(report.source.position(of: syntax.range.lowerBound).line == 3)
        #expect(report.coverage.reasonSummary == "1 psql meta-command, 1 syntax error")
    }

    @Test func onANewerTargetASyntaxErrorMayBeNewerSyntax() {
        var configuration = Configuration()
        configuration.postgresVersion = 17
        let report = LintEngine(rules: allRules, configuration: configuration)
            .lint(text: "SELECT count(*) FROM (SELECT 1);\n", path: "m.sql")
        #expect(report.coverage.unanalyzed.map(\.reason) == ["syntax error (PostgreSQL 16+ syntax?)"])
    }

    @Test func whatAFrontEndCouldNotReadCountsAndKeepsItsPlace() {
        let swift = "try await db.raw(SQLQueryString(name)).run()\ntry await db.raw(\"SELECT 1\").run()\n"
        let literal = swift.utf8.count - "\").run()\n".utf8.count - 8
        var file = MigrationFile(path: "M.swift", source: SourceText("SELECT 1"), origin: MigrationFile.Origin(
            file: SourceText(swift), map: SourceMap([SourceMap.Segment(sql: 0..<8, file: literal..<(literal + 8))])))
        file.unanalyzed = [Coverage.Entry(range: 17..<37, reason: "SQL built at run time")]
        let coverage = LintEngine(rules: allRules).lint(file).coverage
        #expect(coverage == Coverage(statements: 2, analyzed: 1, unanalyzed: [Coverage.Entry(range: 17..<37, reason: "SQL built at run time")]))
    }
}
