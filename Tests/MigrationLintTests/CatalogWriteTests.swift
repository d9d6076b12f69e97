import Testing
import MigrationLint
import MigrationLintRules

/// A direct write to a system catalog is one finding, catalog-write's, not batching advice.
@Suite struct CatalogWriteTests {
    @Test func aCatalogDeleteGetsNoBackfillAdvice() throws {
        let report = LintEngine(rules: allRules).lint(text: "DELETE FROM pg_catalog.pg_constraint;\n", path: "m.sql")
        #expect(report.diagnostics.map(\.ruleID) == ["catalog-write"])
        let finding = try #require(report.diagnostics.first)
        #expect(finding.severity == .error)
        #expect(finding.message == "DELETE writes the system catalog pg_catalog.pg_constraint directly, bypassing PostgreSQL's own checks")
    }

    @Test func anOrdinaryTableKeepsItsBackfillAdvice() {
        let report = LintEngine(rules: allRules).lint(text: "DELETE FROM pg_catalog_backup;\n", path: "m.sql")
        #expect(report.diagnostics.map(\.ruleID) == ["backfill-in-migration"])
    }
}
