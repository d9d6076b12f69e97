import Foundation
import Testing
import MigrationLint
import MigrationLintRules
import Reporters
import TestSupport

/// Every rule's bad examples (and the engine's own diagnostics'), rendered as `migration-lint
/// lint` prints them, kept in `Fixtures/golden/rules/<rule-id>.txt`: a change of a message, a
/// note, a help text or a rewrite is reviewed as the output it changes.
enum RuleGolden {
    struct Case: CustomTestStringConvertible, Sendable {
        let description: RuleDescription
        var testDescription: String { description.id }
    }

    static let directory = "rules"

    static var cases: [Case] {
        (allRules.map(\.description) + EngineDiagnostics.all).map(Case.init)
    }

    static func path(_ id: String) -> String { "\(directory)/\(id).txt" }

    /// The example linted with every rule, this one on (at its default severity, or as a warning
    /// when it is off by default), as the example asks (version, transaction); only this rule's
    /// findings are kept, so that another rule's change does not touch this file.
    static func rendering(of description: RuleDescription, _ example: RuleExample) -> String {
        var configuration = Configuration()
        configuration.postgresVersion = example.postgresVersion ?? 15
        configuration.ruleSettings[description.id] = RuleSetting(description.defaultSeverity ?? .warning)
        let engine = LintEngine(rules: allRules, configuration: configuration)
        let sql = example.withoutMarkers.sql
        var report = engine.lint(example, text: sql)
        report.diagnostics = report.diagnostics.filter { $0.ruleID == description.id }
        return TextReporter(color: false).render(LintResult(outcomes: [.linted(report)]))
    }

    /// The whole golden file of one rule.
    static func file(for description: RuleDescription) -> String {
        var out = "\(description.id): the bad examples as `migration-lint lint` prints them (text, no colour).\n"
        out += "Written by RuleGoldenTests: regenerate with scripts/update-goldens.sh and review the diff.\n"
        let examples = description.badExamples
        for (index, example) in examples.enumerated() {
            let transaction = example.inTransaction == true ? "inside the migration tool's transaction" : "autocommit"
            // Not "n of m": an added example would then change every header.
            out += "\n=== bad example \(index + 1): PostgreSQL \(example.postgresVersion ?? 15), \(transaction) ===\n"
            if let earlier = example.earlierMigration {
                out += "--- \(RuleExample.earlierPath) (replayed before example.sql)\n" + earlier + (earlier.hasSuffix("\n") ? "" : "\n")
            }
            let sql = example.withoutMarkers.sql
            out += "--- example.sql\n" + sql + (sql.hasSuffix("\n") ? "" : "\n")
            out += "--- output\n" + rendering(of: description, example)
        }
        return out
    }
}

@Suite struct RuleGoldenTests {
    @Test(arguments: RuleGolden.cases)
    func badExamplesRenderAsTheGoldenFileShows(_ item: RuleGolden.Case) {
        #expect(!item.description.badExamples.isEmpty, "\(item.description.id) has no bad example to render")
        if let mismatch = Golden.check(RuleGolden.file(for: item.description), against: RuleGolden.path(item.description.id)) {
            Issue.record(Comment(rawValue: mismatch))
        }
    }

    /// A file for a rule that was removed or renamed would otherwise be kept and never read.
    @Test func everyGoldenFileBelongsToARule() throws {
        let folder = Golden.url(RuleGolden.directory)
        let ids = Set(RuleGolden.cases.map(\.description.id))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where !ids.contains(String(name.dropLast(".txt".count))) || !name.hasSuffix(".txt") {
            if Golden.isUpdating {
                // Only golden files: the other tests write theirs atomically, through temporary
                // files in this folder that must not be taken for orphans.
                guard name.hasSuffix(".txt") else { continue }
                try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            } else {
                Issue.record("Fixtures/golden/rules/\(name) belongs to no rule: delete it (scripts/update-goldens.sh does)")
            }
        }
    }

    /// What a reviewer reads: each example's SQL, then the finding with its place, note, help
    /// and rewrite, then the summary line.
    @Test func aGoldenFileShowsTheSQLAndEverythingTheUserSees() throws {
        let description = try #require(RuleGolden.cases.first { $0.description.id == "add-column-volatile-default" }).description
        let file = RuleGolden.file(for: description)
        #expect(file.contains("=== bad example 1: PostgreSQL 15, autocommit ===\n--- example.sql\n"))
        #expect(file.components(separatedBy: "\n=== bad example ").count - 1 == description.badExamples.count)
        #expect(file.contains("\n--- output\nerror[add-column-volatile-default]: "))
        #expect(file.contains(" --> example.sql:"))
        #expect(file.contains("  = note: "))
        #expect(file.contains("  = help: "))
        #expect(file.contains("  = suggested rewrite:\n"))
        #expect(file.contains("\n1 finding (1 error) in 1 file; 1 file checked\n"))
        #expect(!file.contains("\u{1B}["), "no colour codes")
        #expect(!file.contains("↓"), "the markers are not part of the SQL")
    }
}

/// The comparison that the golden tests rely on: it must fail, and say how, when the output moves.
@Suite struct GoldenComparisonTests {
    static func rendering() throws -> String {
        try RuleGolden.file(for: #require(allRules.first { $0.id == "create-index-concurrently" }).description)
    }

    @Test func identicalTextIsNoMismatch() throws {
        let golden = try Self.rendering()
        #expect(Golden.mismatch(expected: golden, actual: golden, name: "rules/x.txt") == nil)
    }

    @Test func aChangedMessageIsShownAsADiffWithHowToRegenerate() throws {
        let golden = try Self.rendering()
        let changed = golden.replacingOccurrences(of: "without CONCURRENTLY blocks writes", with: "without CONCURRENTLY stops writes")
        try #require(changed != golden, "the message this test alters is gone: pick another phrase of the rule")
        let name = "Fixtures/golden/rules/create-index-concurrently.txt"
        let report = try #require(Golden.mismatch(expected: golden, actual: changed, name: name))
        #expect(report.contains("--- a/\(name)\n+++ b/\(name)\n@@ -"))
        let lines = report.split(separator: "\n")
        let removed = lines.filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }
        let added = lines.filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }
        // Exactly the changed lines, each once on each side.
        #expect(!removed.isEmpty && removed.count == added.count)
        #expect(removed.allSatisfy { $0.contains("blocks writes") })
        #expect(added.allSatisfy { $0.contains("stops writes") })
        #expect(report.contains("scripts/update-goldens.sh"))
        #expect(report.contains("MIGRATION_LINT_UPDATE_GOLDENS=1"))
    }

    @Test func aMissingFinalNewlineIsAMismatch() throws {
        let golden = try Self.rendering()
        let report = try #require(Golden.mismatch(expected: golden, actual: String(golden.dropLast()), name: "g.txt"))
        #expect(report.contains("final newline"))
    }

    @Test func aMissingGoldenFileSaysHowToCreateIt() throws {
        let report = try #require(Golden.mismatch(expected: nil, actual: try Self.rendering(), name: "Fixtures/golden/rules/new-rule.txt"))
        #expect(report.hasPrefix("Fixtures/golden/rules/new-rule.txt does not exist."))
        #expect(report.contains("scripts/update-goldens.sh"))
    }
}
