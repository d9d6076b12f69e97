import PostgresSyntax

/// Diagnostics the engine itself raises, with descriptions so that configuration, `rules` and
/// the docs treat them like any rule.
public enum EngineDiagnostics {
    public static let syntaxError = RuleDescription(
        id: "syntax-error", category: .correctness, defaultSeverity: .error,
        summary: "A statement the bundled PostgreSQL grammar cannot read.",
        rationale: "MigrationLint parses every statement with libpg_query, PostgreSQL's own parser, whose grammar is that of PostgreSQL \(GrammarVersion.text) (`migration-lint --version` says so). A statement it cannot read is not checked by any rule. When the target version (`postgres-version`) is not newer than the grammar, PostgreSQL would reject the statement too, and the finding is an error; when the target is newer, the statement may use newer syntax, and the finding is a warning that says so.",
        safeAlternative: "Fix the statement. If it is valid on your newer server, it is simply not checked: silence it for that statement with `-- migration-lint-ignore: syntax-error <reason>`, or set `rules: {syntax-error: info}`.",
        badExamples: [RuleExample("CREATE ↓TABLEX users (id bigint);")],
        goodExamples: [RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);")])

    public static let unusedIgnore = RuleDescription(
        id: "unused-ignore", category: .hygiene, defaultSeverity: .warning,
        summary: "A migration-lint-ignore comment that names an unknown rule or silences nothing.",
        rationale: "A suppression that silences nothing hides the next real finding on that statement, and a misspelled rule id silences nothing at all.",
        safeAlternative: "Remove the comment, or correct the rule id.",
        badExamples: [RuleExample("↓-- migration-lint-ignore: drop-column the column is unused\nCREATE TABLE t (id bigint PRIMARY KEY);")],
        goodExamples: [RuleExample("-- migration-lint-ignore: create-index-concurrently the table is tiny\nCREATE INDEX idx ON t (a);")])

    public static let psqlMetaCommand = RuleDescription(
        id: "psql-meta-command", category: .correctness, defaultSeverity: .info,
        summary: "A psql meta-command or psql variable that only psql understands.",
        rationale: "Lines such as `\\set`, `\\c` or `\\i` and interpolations such as `:'name'` are expanded by psql before PostgreSQL sees the text. MigrationLint cannot know their values, so the statement is not checked, and the migration only runs through psql.",
        safeAlternative: "Keep migrations plain SQL, or accept that these statements are not linted.",
        badExamples: [RuleExample("↓\\set ON_ERROR_STOP on\nCREATE TABLE t (id bigint PRIMARY KEY);")],
        goodExamples: [RuleExample("CREATE TABLE t (id bigint PRIMARY KEY);")])

    public static let all = [syntaxError, unusedIgnore, psqlMetaCommand]
}

/// The core: a function from a migration file, rules and configuration to findings. It never
