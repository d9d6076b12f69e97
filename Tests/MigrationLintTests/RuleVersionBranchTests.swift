import Testing
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// The rules' advice for the versions the real-server suite cannot check (it runs PostgreSQL 15),
/// as a user reads it. Each test names the documentation it rests on; the lock model's own
/// branches are in `Tests/LockModelTests/VersionBranchTests.swift`.
@Suite struct RuleVersionBranchTests {
    func finding(_ sql: String, version: Int, rule: String) throws -> Diagnostic {
        var configuration = Configuration()
        configuration.postgresVersion = version
        let found = LintEngine(rules: allRules, configuration: configuration).lint(text: sql, path: "m.sql")
            .diagnostics.filter { $0.ruleID == rule }
        return try #require(found.first, "\(rule) did not fire on PostgreSQL \(version): \(sql)")
    }

    // PostgreSQL 19 release notes: "New REPACK command ... REPACK (CONCURRENTLY) allows repacking
    // without blocking reads and writes"; ref/repack.sgml.
    @Test func vacuumFullAndClusterAdviseRepackConcurrentlyFromNineteen() throws {
        let eighteen = try finding("VACUUM FULL users;", version: 18, rule: "table-rewrite")
        #expect(eighteen.help == "use pg_repack for an online copy, or a plain VACUUM to make space reusable without blocking")
        #expect(eighteen.rewrite?.text == """
            -- Step 1, migration: plain VACUUM: space becomes reusable, reads and writes continue (outside a transaction block)
            VACUUM (ANALYZE) users;
            -- Step 2, deploy: to give space back to the operating system, pg_repack --table=public.users copies the table online
            """)
        let repackNote = "copies the table under SHARE UPDATE EXCLUSIVE (reads and writes continue) and takes ACCESS EXCLUSIVE only to swap in the copy at the end; outside a transaction block, and it needs a free replication slot"
        let nineteen = try finding("VACUUM FULL users, app.orders;", version: 19, rule: "table-rewrite")
        #expect(nineteen.help == "use REPACK (CONCURRENTLY), new in PostgreSQL 19, for an online copy, or a plain VACUUM to make space reusable without blocking")
        #expect(nineteen.rewrite?.text == """
            -- Step 1, migration: plain VACUUM: space becomes reusable, reads and writes continue (outside a transaction block)
            VACUUM (ANALYZE) users, app.orders;
            -- Step 2, migration (PostgreSQL 19 or later): \(repackNote)
            REPACK (CONCURRENTLY) users;
            -- Step 3, migration (PostgreSQL 19 or later): \(repackNote)
            REPACK (CONCURRENTLY) app.orders;
            """)
        #expect(try finding("CLUSTER app.orders USING \"Orders_idx\";", version: 19, rule: "table-rewrite").rewrite?.newerSyntaxSteps.map(\.sql)
                == ["REPACK (CONCURRENTLY) app.orders USING INDEX \"Orders_idx\";"])
        // Plain CLUSTER reuses the index the table was clustered on, as USING INDEX without a name does.
        #expect(try finding("CLUSTER app.orders;", version: 19, rule: "table-rewrite").rewrite?.newerSyntaxSteps.map(\.sql)
                == ["REPACK (CONCURRENTLY) app.orders USING INDEX;"])
        #expect(try finding("CLUSTER app.orders;", version: 18, rule: "table-rewrite").rewrite?.text
                == "-- Step 1, deploy: pg_repack --table=app.orders --order-by=(the clustering index's columns) reorders online, ACCESS EXCLUSIVE only for a moment at the end")
        // SET TABLESPACE has no REPACK form: still pg_repack.
        #expect(try finding("ALTER TABLE users SET TABLESPACE fast;", version: 19, rule: "table-rewrite").rewrite?.newerSyntaxSteps.isEmpty == true)
    }

    // PostgreSQL 18 release notes: "Allow ALTER TABLE to set the NOT VALID attribute of NOT NULL
    // constraints"; ref/alter_table.sgml, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE).
    @Test func setNotNullAdvisesANotValidNotNullConstraintFromEighteen() throws {
        let seventeen = try finding("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", version: 17, rule: "set-not-null")
        #expect(seventeen.help == "add CHECK (email IS NOT NULL) NOT VALID, validate it separately, then SET NOT NULL")
        #expect(seventeen.rewrite?.migrationSteps.last == "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;")
        let eighteen = try finding("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", version: 18, rule: "set-not-null")
        #expect(eighteen.help == "add the NOT NULL constraint NOT VALID (PostgreSQL 18), then validate it separately")
        #expect(eighteen.rewrite?.text == """
            -- Step 1, migration (PostgreSQL 18 or later): new and updated rows must not be NULL from now on; no scan
            SET lock_timeout = '2s';
            ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;
            -- Step 2, migration: scan under SHARE UPDATE EXCLUSIVE: reads and writes continue; the column is then NOT NULL
            SET statement_timeout = '15min';
            ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
            """)
    }

    // The same release-18 item, at the end of the add-column plans that backfill then enforce NOT NULL.
    @Test func addColumnPlansEndWithANotValidNotNullConstraintFromEighteen() throws {
        let notNull = "ALTER TABLE users ADD CONSTRAINT users_token_not_null NOT NULL token NOT VALID;"
        for (sql, rule) in [("ALTER TABLE users ADD COLUMN token uuid NOT NULL;", "add-column-not-null-without-default"),
                            ("ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT uuidv7();", "add-column-volatile-default")] {
            let seventeen = try finding(sql, version: 17, rule: rule).rewrite
            #expect(seventeen?.newerSyntaxSteps.isEmpty == true, "\(rule)")
            #expect(seventeen?.text.contains("CHECK (token IS NOT NULL) NOT VALID") == true, "\(rule)")
            let eighteen = try #require(try finding(sql, version: 18, rule: rule).rewrite)
            #expect(eighteen.newerSyntaxSteps.map(\.version) == [18], "\(rule)")
            #expect(eighteen.newerSyntaxSteps.first?.sql.contains(notNull) == true, "\(rule)")
            #expect(!eighteen.text.contains("CHECK (token IS NOT NULL)"), "\(rule)")
            #expect(eighteen.text.contains("ALTER TABLE users VALIDATE CONSTRAINT users_token_not_null;"), "\(rule)")
        }
    }

    // PostgreSQL 18 release notes: virtual generated columns, the default kind; ddl.sgml "Generated
    // Columns": "A virtual generated column occupies no storage and is computed when it is read".
    @Test func storedGeneratedColumnsAdviseAVirtualOneFromEighteen() throws {
        let sql = "ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (price_cents * quantity) STORED;"
        let seventeen = try finding(sql, version: 17, rule: "add-column-generated")
        #expect(seventeen.help == "add a plain nullable column, backfill it in batches, then enforce NOT NULL with a validated CHECK")
        #expect(seventeen.rewrite?.newerSyntaxSteps.isEmpty == true)
        let eighteen = try finding(sql, version: 18, rule: "add-column-generated")
        #expect(eighteen.help == "on PostgreSQL 18 add it as a VIRTUAL generated column, computed when read: no rewrite")
        #expect(eighteen.rewrite?.text == """
            -- Step 1, migration (PostgreSQL 18 or later): a virtual generated column is computed when read: no row is written (it cannot be indexed, and its expression may use built-in functions only)
            SET lock_timeout = '2s';
            ALTER TABLE orders ADD COLUMN IF NOT EXISTS total_cents bigint GENERATED ALWAYS AS (price_cents * quantity) VIRTUAL;
            -- Step 2, deploy: if the value must be stored (to index it, or for user-defined functions), add a plain column kept up to date by a trigger and backfill it in batches instead
            """)
        // A virtual column cannot carry NOT NULL in this advice (nor an index, a key): the stored plan stays.
        let notNull = try finding("ALTER TABLE orders ADD COLUMN total_cents bigint NOT NULL GENERATED ALWAYS AS (price_cents * quantity) STORED;",
                                  version: 18, rule: "add-column-generated")
        #expect(notNull.help == "add a plain nullable column, backfill it in batches, then enforce NOT NULL with a validated CHECK")
        #expect(notNull.rewrite?.text.contains("VIRTUAL") == false)
        // An identity column is no generated expression: no virtual form, but its NOT NULL comes
        // the PostgreSQL 18 way.
        let identity = try finding("ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;", version: 18, rule: "add-column-generated")
        #expect(identity.rewrite?.text.contains("VIRTUAL") == false)
        #expect(identity.rewrite?.newerSyntaxSteps.map(\.sql) == ["SET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_n_not_null NOT NULL n NOT VALID;"])
    }

    // Syntax of 17, 18 and 19 that changes a lock, a rewrite or a scan, which the PostgreSQL 15.1
    // grammar cannot read: a syntax-error warning that says so on a target that has it, never a
    // silent pass. Release notes 17 (ALTER COLUMN ... SET EXPRESSION, which rewrites), 18 (NOT NULL
    // ... NOT VALID; virtual generated columns), 19 (REPACK).
    @Test func newerSyntaxIsAWarningOnItsOwnVersion() throws {
        for (sql, version) in [("ALTER TABLE orders ALTER COLUMN total SET EXPRESSION AS (price * 2);", 17),
                               ("ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;", 18),
                               ("ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (price * 2) VIRTUAL;", 18),
                               ("ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (price * 2);", 18),
                               ("REPACK (CONCURRENTLY) users;", 19)] {
            let warning = try finding(sql, version: version, rule: "syntax-error")
            #expect(warning.severity == .warning, "\(sql)")
            #expect(warning.notes == ["the target is PostgreSQL \(version), and MigrationLint reads statements with the PostgreSQL \(GrammarVersion.text) grammar: this may be newer syntax that it cannot read, not a mistake"])
        }
    }
}

extension RuleVersionBranchTests {
    /// A rule whose advice uses syntax newer than the grammar says so in the documentation that
    /// `migration-lint rules ID` prints, naming the grammar `migration-lint --version` reports.
    @Test func rulesOfferingNewerSyntaxDocumentTheGrammar() {
        var offering: [String] = []
        for rule in allRules {
            let description = rule.description
            let offers = description.badExamples.contains { example in
                var configuration = Configuration()
                configuration.postgresVersion = example.postgresVersion ?? 15
                configuration.ruleSettings[rule.id] = RuleSetting(description.defaultSeverity ?? .warning)
                return LintEngine(rules: [rule], configuration: configuration).lint(example, text: example.withoutMarkers.sql, path: "m.sql")
                    .diagnostics.contains { !($0.rewrite?.newerSyntaxSteps.isEmpty ?? true) }
            }
            guard offers else { continue }
            offering.append(rule.id)
            #expect(RuleDocumentation.page(description).contains("the PostgreSQL \(GrammarVersion.text) grammar"), "\(rule.id)")
        }
        #expect(offering.sorted() == ["add-column-generated", "add-column-not-null-without-default", "add-column-volatile-default",
                                      "set-not-null", "table-rewrite"])
    }
}
