import Testing
import LockModel
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// Rules react to the lock model's assumptions by their kind, not their wording, and quote them
/// and the locks as the model renders them, only where they concern the finding.
@Suite struct AssumptionNoteTests {
    func diagnostics(_ sql: String, rule id: String, version: Int = 15) -> [Diagnostic] {
        var configuration = Configuration()
        configuration.postgresVersion = version
        configuration.ruleSettings[id] = .warning
        return LintEngine(rules: allRules.filter { $0.id == id }, configuration: configuration)
            .lint(text: sql, path: "m.sql").diagnostics.filter { $0.ruleID == id }
    }

    let users = QualifiedName(schema: "public", name: "users")

    /// alter-column-type says "may rewrite" because the model's rewrite rests on an assumption
    /// (its stake), and quotes the model's own sentence for it.
    @Test func alterColumnTypeSaysMayRewriteWhenTheRewriteIsAssumed() throws {
        let finding = try #require(diagnostics("ALTER TABLE users ALTER COLUMN email TYPE varchar(200);", rule: "alter-column-type").first)
        let assumed = Assumption.oldColumnTypeUnknown(table: users, column: "email")
        #expect(assumed.stake == .rewrite)
        #expect(finding.message == "changing email to varchar(200) may rewrite public.users: the old type of users.email is not known")
        #expect(finding.notes == [
            "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes while every row is copied and every index rebuilt",
            assumed.text,
        ])
        #expect(assumed.text == "may rewrite: the old type of users.email is not known")
        // A USING clause rewrites for certain: nothing is assumed, and the message says so.
        let using = try #require(diagnostics("ALTER TABLE users ALTER COLUMN id TYPE bigint USING id::bigint;", rule: "alter-column-type").first)
        #expect(using.message == "changing id to bigint rewrites public.users: a USING expression recomputes every row")
    }

    /// Whether a type change rewrites is the lock model's answer even where the file shows the old
    /// type: timestamp to timestamptz is free under UTC, and depends on the time zone otherwise.
    @Test func alterColumnTypeFollowsTheModelWhereTheFileShowsTheOldType() throws {
        let added = "ALTER TABLE events ADD COLUMN at timestamp;\n"
        #expect(diagnostics(added + "SET TIME ZONE 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;", rule: "alter-column-type").isEmpty)
        let unknownZone = try #require(diagnostics(added + "ALTER TABLE events ALTER COLUMN at TYPE timestamptz;", rule: "alter-column-type").first)
        #expect(unknownZone.message == "changing at to timestamptz may rewrite public.events: timestamp to timestamptz rewrites unless the session time zone is UTC")
        #expect(unknownZone.notes.last == Assumption.sessionTimeZoneUnknown(table: QualifiedName(schema: "public", name: "events"), column: "at",
                                                                           from: "timestamp", to: "timestamptz").text)
        #expect(unknownZone.notes.last == "may rewrite: the session time zone is not known (timestamp to timestamptz is free only under UTC)")
        let paris = try #require(diagnostics(added + "SET TIME ZONE 'Europe/Paris';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;",
                                             rule: "alter-column-type").first)
        #expect(paris.message == "changing at to timestamptz rewrites public.events: timestamp to timestamptz is not binary-coercible")
    }

    /// drop-constraint quotes what concerns its constraint: the table it may reference, not an
    /// assumption of another subcommand that happens to contain the constraint's name.
    @Test func dropConstraintQuotesOnlyWhatConcernsItsConstraint() throws {
        let finding = try #require(diagnostics("ALTER TABLE users DROP CONSTRAINT users, DROP COLUMN users CASCADE;",
                                               rule: "drop-constraint").first)
        #expect(finding.notes == [
            "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes",
            "also takes ACCESS EXCLUSIVE on the table referenced by users on public.users, if it is a foreign key: blocks reads and writes",
        ])
    }

    /// table-rewrite reports the subcommands the lock model says copy the table, each with its own
    /// assumption; a column change that rewrites is left to its own rule.
    @Test func tableRewriteReportsWhatTheModelSaysRewrites() {
        let found = diagnostics("ALTER TABLE users SET TABLESPACE fast, ADD COLUMN n int DEFAULT random(), SET LOGGED;", rule: "table-rewrite")
        #expect(found.map(\.message) == ["SET TABLESPACE rewrites public.users and rebuilds its indexes",
                                         "SET LOGGED rewrites public.users and rebuilds its indexes"])
        #expect(found.map(\.notes) == [
            ["takes ACCESS EXCLUSIVE on public.users: blocks reads and writes while the copy is written",
             Assumption.notInTablespaceAlready(table: users).text],
            ["takes ACCESS EXCLUSIVE on public.users: blocks reads and writes while the copy is written",
             "public.users is rewritten unless it already is logged"],
        ])
        // A table created in the file is empty: the model copies nothing, the rule says nothing.
        #expect(diagnostics("CREATE TABLE t (id int);\nALTER TABLE t SET TABLESPACE fast;", rule: "table-rewrite").isEmpty)
    }

    /// A lock taken by an earlier statement of the transaction is quoted with its line: it is
    /// still held.
    @Test func validateInTheSameTransactionQuotesTheLockStillHeld() throws {
        let sql = "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
            + "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;"
        let finding = try #require(diagnostics(sql, rule: "validate-in-same-transaction").first)
        #expect(finding.notes == [
            "line 2 takes SHARE ROW EXCLUSIVE on public.orders: blocks writes until commit; this VALIDATE scans while it is held",
            "line 2 takes SHARE ROW EXCLUSIVE on public.users: blocks writes until commit; this VALIDATE scans while it is held",
        ])
    }

    /// reindex-concurrently quotes the model's assumption about a schema, named as written.
    @Test func reindexOfASchemaNamesTheSchema() throws {
        let finding = try #require(diagnostics("REINDEX SCHEMA app;", rule: "reindex-concurrently").first)
        #expect(finding.notes == ["every table of the schema app is locked SHARE while its indexes are rebuilt"])
    }
}
