import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules

/// Coming from squawk: its configuration file converts, and its ignore comments keep working.
@Suite struct SquawkCompatTests {
    /// The example of squawk's configuration docs.
    static let docsExample = """
    # .squawk.toml
    pg_version = "11.0"
    excluded_rules = [
        "require-concurrent-index-creation",
        "require-concurrent-index-deletion",
    ]
    assume_in_transaction = true
    excluded_paths = [
        "005_user_ids.sql",
        "009_account_emails.sql"
    ]

    [upload_to_github]
    fail_on_violations = true

    """

    static let knownRuleIDs = Set(allRules.map(\.id) + EngineDiagnostics.all.map(\.id))

    func converted(_ toml: String) throws -> (text: String, configuration: Configuration) {
        let squawk = try SquawkConfiguration.parse(toml, path: ".squawk.toml")
        let text = squawk.migrationLintConfiguration(rules: allRules.map(\.description), source: ".squawk.toml")
        let loaded = try ConfigurationFile.parse(text, path: ".migration-lint.yml", knownRuleIDs: Self.knownRuleIDs)
        return (text, loaded)
    }

    @Test func squawksDocumentedExampleKeepsItsIntent() throws {
        let (text, configuration) = try converted(Self.docsExample)
        #expect(configuration.postgresVersion == 11)
        #expect(configuration.assumeInTransaction)
        #expect(configuration.exclude == ["005_user_ids.sql", "009_account_emails.sql"])
        #expect(configuration.squawkCompat)
        #expect(configuration.ruleSettings["create-index-concurrently"] == .off)
        #expect(configuration.ruleSettings["drop-index-concurrently"] == .off)
        #expect(configuration.ruleSettings.count == 2)
        #expect(text.contains("fail_on_violations: use `fail-on`"), "what could not be carried over is said in the file")
    }

    @Test func aRuleThatChecksMoreStaysOnUntilEverySquawkCounterpartIsExcluded() throws {
        let one = try converted(#"excluded_rules = ["prefer-bigint-over-int"]"#)
        #expect(one.configuration.ruleSettings["prefer-bigint"] == nil)
        #expect(one.text.contains("`prefer-bigint` stays on: it also checks what squawk's prefer-bigint-over-smallint checks"))
        let both = try converted(#"excluded_rules = ["prefer-bigint-over-int", "prefer-bigint-over-smallint"]"#)
        #expect(both.configuration.ruleSettings["prefer-bigint"] == .off)
    }

    @Test func includedOptInRulesAreTurnedOnAndUnknownNamesAreNamed() throws {
        let (text, configuration) = try converted(#"included_rules = ["require-timeout-settings", "require-table-schema", "no-such-rule"]"#)
        #expect(configuration.ruleSettings["require-lock-timeout"] == .warning)
        #expect(configuration.ruleSettings["require-statement-timeout"] == .warning)
        #expect(text.contains("squawk's `require-table-schema` has no MigrationLint counterpart"))
        #expect(text.contains("`no-such-rule` is not a squawk rule name"))
    }

    @Test func malformedTOMLNamesItsPlace() {
        #expect(throws: InputError(path: ".squawk.toml", line: 2, column: 23, message: "expected `,` or `]` in the array")) {
            _ = try SquawkConfiguration.parse("pg_version = \"15\"\nexcluded_rules = [\"a\" \"b\"]\n", path: ".squawk.toml")
        }
        #expect(throws: InputError(path: ".squawk.toml", line: 1, column: 1, message: "`excluded_rule` is not a squawk setting this command knows")) {
            _ = try SquawkConfiguration.parse("excluded_rule = []\n", path: ".squawk.toml")
        }
    }

    func lint(_ sql: String, squawkCompat: Bool) -> [Diagnostic] {
        var configuration = Configuration()
        configuration.squawkCompat = squawkCompat
        return LintEngine(rules: allRules, configuration: configuration).lint(text: sql, path: "m.sql").diagnostics
    }

    @Test func squawkIgnoreSilencesTheCounterpartOnlyWithSquawkCompat() {
        let sql = "-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN nickname;\n"
        #expect(lint(sql, squawkCompat: true).map(\.ruleID) == [])
        #expect(lint(sql, squawkCompat: false).map(\.ruleID) == ["drop-column"])
    }

    @Test func aSquawkIgnoreThatSilencesNothingIsReported() {
        let sql = "-- squawk-ignore renaming-column, require-table-schema\nALTER TABLE users DROP COLUMN nickname;\n"
        let found = lint(sql, squawkCompat: true)
        #expect(found.map(\.ruleID) == ["unused-ignore", "unused-ignore", "drop-column"])
        #expect(found.map(\.message).contains("squawk-ignore for `renaming-column` (MigrationLint's `rename-column`) silences nothing in the next statement"))
        #expect(found.map(\.message).contains("squawk rule `require-table-schema` has no MigrationLint counterpart: squawk-ignore for it silences nothing"))
    }

    @Test func namesAreSeparatedByCommasAsSquawkReadsThem() {
        let sql = "-- squawk-ignore ban-drop-column renaming-column\nALTER TABLE users DROP COLUMN nickname;\n"
        let found = lint(sql, squawkCompat: true)
        #expect(found.map(\.ruleID) == ["unused-ignore", "drop-column"])
        #expect(found.first?.message == "unknown squawk rule `ban-drop-column renaming-column` in squawk-ignore; separate rule names with commas")
    }

    @Test func squawkIgnoreFileWithoutNamesSilencesEveryRule() {
        let sql = "-- squawk-ignore-file\nALTER TABLE users DROP COLUMN nickname;\nCREATE INDEX i ON users (email);\n"
        #expect(lint(sql, squawkCompat: true).isEmpty)
        let unused = lint("-- squawk-ignore-file\nCREATE TABLE t (id bigint PRIMARY KEY);\n", squawkCompat: true)
        #expect(unused.map(\.message) == ["squawk-ignore-file silences nothing in this file"])
    }

    @Test func everySquawkCounterpartIsARuleOfOurs() {
        for (name, ids) in SquawkRules.counterparts {
            for id in ids { #expect(Self.knownRuleIDs.contains(id), "\(name) maps to unknown \(id)") }
        }
    }
}
