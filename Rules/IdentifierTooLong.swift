import LockModel
import MigrationLint
import PostgresSyntax

/// An identifier longer than PostgreSQL's 63-byte limit.
public struct IdentifierTooLong: Rule {
    public init() {}

    static let limit = 63

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "identifier-too-long",
        category: .hygiene,
        defaultSeverity: .warning,
        summary: "An identifier longer than 63 bytes is silently truncated by PostgreSQL.",
        rationale: """
            PostgreSQL keeps at most 63 bytes of a name (NAMEDATALEN - 1) and truncates longer ones with only a \
            NOTICE. The object then exists under a name that appears nowhere in the code: ORMs and schema-diff \
            tools that compare names see a mismatch on every run, and two long names that share their first 63 \
            bytes collide ("relation already exists") in a later migration. The limit counts bytes, so names \
            with accented or non-Latin letters reach it sooner.
            """,
        safeAlternative: """
            Choose a shorter name. The fix writes the name as PostgreSQL stores it (the first 63 bytes), which \
            changes nothing in the database but makes the migration say what the catalog will hold.
            """,
        badExamples: [
            RuleExample("CREATE INDEX CONCURRENTLY ↓index_subscriptions_on_account_id_and_plan_id_and_status_and_created_at ON subscriptions (account_id);"),
            RuleExample("ALTER TABLE app.\"Orders\" ADD CONSTRAINT ↓\"Orders_customer_reference_must_match_the_customer_accounts_table_key\" CHECK (customer_ref <> '') NOT VALID;"),
            RuleExample("CREATE TABLE ↓überlange_tabelle_für_die_größenprüfung_der_bezeichner_in_postgres (id bigint PRIMARY KEY);"),
            RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_note CHECK (note <> E'it\'s') NOT VALID, ADD COLUMN ↓a_column_name_that_is_far_too_long_for_postgres_to_keep_it_whole_x text NOT NULL DEFAULT '';"#),
            RuleExample(#"CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL DEFAULT $$it's$$ /* don't */, ↓another_column_name_that_is_far_too_long_for_postgres_to_keep_whole text NOT NULL);"#),
        ],
        goodExamples: [
            RuleExample("CREATE INDEX CONCURRENTLY subscriptions_account_plan_status_idx ON subscriptions (account_id);"),
            RuleExample("CREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY, note text NOT NULL DEFAULT 'a string literal that is much longer than sixty-three bytes is fine');"),
            RuleExample("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 AS a_column_alias_inside_a_function_body_that_is_very_long_indeed $$;"),
            RuleExample("CREATE TABLE exactly_sixty_three_bytes_long_table_name_abcdefghijklmnopqrstu (id bigint PRIMARY KEY);"),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE INDEX CONCURRENTLY index_subscriptions_on_account_id_and_plan_id_and_status_and_created_at ON subscriptions (account_id);"),
                       "CREATE INDEX CONCURRENTLY index_subscriptions_on_account_id_and_plan_id_and_status_and_cr ON subscriptions (account_id);"),
            FixExample(RuleExample("ALTER TABLE app.\"Orders\" ADD CONSTRAINT \"Orders_customer_reference_must_match_the_customer_accounts_table_key\" CHECK (customer_ref <> '') NOT VALID;"),
                       "ALTER TABLE app.\"Orders\" ADD CONSTRAINT \"Orders_customer_reference_must_match_the_customer_accounts_tabl\" CHECK (customer_ref <> '') NOT VALID;"),
            FixExample(RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_note CHECK (note <> E'it\'s') NOT VALID, ADD COLUMN a_column_name_that_is_far_too_long_for_postgres_to_keep_it_whole_x text NOT NULL DEFAULT '';"#),
                       #"ALTER TABLE orders ADD CONSTRAINT o_note CHECK (note <> E'it\'s') NOT VALID, ADD COLUMN a_column_name_that_is_far_too_long_for_postgres_to_keep_it_whol text NOT NULL DEFAULT '';"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        // Almost no statement has a 64-byte name: the splitter measured the longest one.
        guard context.parsed.slice.longestName > Self.limit else { return [] }
        let names = context.tokens.filter { $0.keyword == nil && context.isName($0) }
        var findings: [Finding] = []
        var reported: Set<String> = []
        for token in names {
            let name = context.identifierName(token)
            guard name.utf8.count > Self.limit else { continue }
            let truncated = Self.truncate(name)
            let replacement = spelling(truncated, quoted: context.source.text(token.range).hasPrefix("\""))
            // One finding per name and statement: a name repeated in a statement is the same mistake.
            guard reported.insert(name).inserted else { continue }
            let edits = names.filter { context.identifierName($0) == name }.map { Edit(range: $0.range, replacement: replacement) }
            findings.append(Finding(
                message: "identifier is \(name.utf8.count) bytes: PostgreSQL truncates it to \(replacement)",
                range: token.range,
                help: "use a name of at most \(Self.limit) bytes",
                rewrite: RewritePlan([.migration(sql: context.withLockTimeoutIfBlocking(context.statementSQL(applying: edits)),
                                                 note: "the name as PostgreSQL stores it; a shorter, meaningful name is better")]),
                fix: Fix(message: "write the name as PostgreSQL stores it", edits: edits)))
        }
        return findings
    }

    /// PostgreSQL cuts at a character boundary at or below the limit.
    static func truncate(_ name: String) -> String {
        var result = ""
        for character in name {
            if result.utf8.count + String(character).utf8.count > limit { break }
            result.append(character)
        }
        return result
    }

    /// An unquoted name stays unquoted (no keyword is 63 bytes long); a quoted one is quoted where needed.
    func spelling(_ truncated: String, quoted: Bool) -> String {
        quoted ? quoteIdentifier(truncated) : truncated
    }
}
