import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax

/// Statements the bundled grammar cannot read: an error when the target server would reject them
/// too, a warning that says why when the target is newer than the grammar.
@Suite struct GrammarVersionTests {
    /// A subquery in FROM without an alias: valid since PostgreSQL 16, rejected by 15.
    static let sixteenSyntax = "SELECT count(*) FROM (SELECT 1);\n"

    func syntaxErrors(_ sql: String, target: Int, override: Severity? = nil) -> [Diagnostic] {
        var configuration = Configuration()
        configuration.postgresVersion = target
        if let override { configuration.ruleSettings["syntax-error"] = RuleSetting(override) }
        return LintEngine(rules: allRules, configuration: configuration).lint(text: sql, path: "m.sql")
            .diagnostics.filter { $0.ruleID == "syntax-error" }
    }

    @Test func theGrammarVersionComesFromLibpgQuery() {
        #expect(GrammarVersion.text == "15.1")
        #expect(GrammarVersion.major == 15)
    }

    @Test func onTheGrammarsOwnVersionItIsAnError() throws {
        let finding = try #require(syntaxErrors(Self.sixteenSyntax, target: 15).first)
        #expect(finding.severity == .error)
        #expect(finding.message == "subquery in FROM must have an alias (PostgreSQL 15.1 grammar)")
        #expect(finding.help == "PostgreSQL 15 would reject this statement too: fix it")
    }

    @Test func onANewerTargetItIsAWarningThatSaysWhy() throws {
        for target in 16...19 {
            let finding = try #require(syntaxErrors(Self.sixteenSyntax, target: target).first)
            #expect(finding.severity == .warning)
            #expect(finding.notes == ["the target is PostgreSQL \(target), and MigrationLint reads statements with the PostgreSQL 15.1 grammar: this may be newer syntax that it cannot read, not a mistake"])
        }
    }

    @Test func aSeverityTheConfigurationSetsIsKept() throws {
        #expect(try #require(syntaxErrors(Self.sixteenSyntax, target: 17, override: .error).first).severity == .error)
    }

    @Test func anUnterminatedStringIsAMistakeOnAnyVersion() throws {
        let finding = try #require(syntaxErrors("SELECT 'open;\n", target: 18).first)
        #expect(finding.severity == .error)
    }

    @Test func everySupportedVersionIsAcceptedByTheConfigurationFile() throws {
        let known = Set(allRules.map(\.id) + EngineDiagnostics.all.map(\.id))
        for version in Configuration.supportedPostgresVersions {
            let loaded = try ConfigurationFile.parse("postgres-version: \(version)\n", path: ".migration-lint.yml", knownRuleIDs: known)
            #expect(loaded.postgresVersion == version)
        }
        #expect(Configuration.supportedPostgresVersions.upperBound == 19)
        #expect(throws: InputError(path: ".migration-lint.yml", line: 1, column: 19, message: "`postgres-version` must be a major version from 9 to 19")) {
            _ = try ConfigurationFile.parse("postgres-version: 20\n", path: ".migration-lint.yml", knownRuleIDs: known)
        }
    }
}
