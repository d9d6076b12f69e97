import Foundation
import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules

/// The README's rules table is generated from the rule values; this fails when it drifts.
/// Regenerate with `swift run migration-lint rules --markdown`.
@Suite struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func rulesTableMatchesTheRules() throws {
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- rules-table:start -->\n"))
        let end = try #require(readme.range(of: "<!-- rules-table:end -->"))
        let table = String(readme[start.upperBound..<end.lowerBound])
        let expected = RuleDocumentation.markdownTable(allRules.map(\.description) + EngineDiagnostics.all)
        #expect(table == expected, "README rules table is out of date: run `swift run migration-lint rules --markdown`")
    }
}

extension ReadmeTests {
    /// The example output in the README is the real output (the CLI golden test checks the
    /// golden file against the binary).
    @Test func exampleOutputIsTheGoldenOutput() throws {
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let golden = try String(contentsOfFile: Self.root + "/Fixtures/golden/lint/examples.txt", encoding: .utf8)
        #expect(readme.contains("$ migration-lint lint Fixtures/examples\n" + golden + "```"),
                "README example output differs from Fixtures/golden/lint/examples.txt")
    }
}

extension ReadmeTests {
    /// The squawk mapping in the README is the table `init --from-squawk` and `squawk-compat` use.
    @Test func squawkTableMatchesTheCode() throws {
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- squawk-table:start -->\n"))
        let end = try #require(readme.range(of: "<!-- squawk-table:end -->"))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == SquawkRules.markdownTable(),
                "README squawk table is out of date: run scripts/update-goldens.sh (it prints `migration-lint rules --squawk`)")
    }
}
