import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules

/// What the blocking-lock rules tell the user: the lock model's words, the plan built from the
/// user's own statement, and one finding where one fix covers the rest.
@Suite struct LockingRuleMessageTests {
    func diagnostics(_ sql: String, rule id: String, version: Int = 15, policy: TransactionPolicy = .none) -> [Diagnostic] {
        var configuration = Configuration()
        configuration.postgresVersion = version
        configuration.ruleSettings[id] = .warning
        let rules = allRules.filter { $0.id == id }
        return LintEngine(rules: rules, configuration: configuration)
            .lint(text: sql, path: "m.sql", transactionPolicy: policy).diagnostics.filter { $0.ruleID == id }
    }

    @Test func setNotNullQuotesTheLockAndBuildsThePlanFromTheStatement() throws {
        let found = diagnostics("ALTER TABLE app.\"Orders\" ALTER COLUMN total SET NOT NULL;", rule: "set-not-null", policy: .whole)
        let finding = try #require(found.first)
        #expect(finding.message == "SET NOT NULL on total scans app.Orders to prove no row is NULL")
        #expect(finding.notes.first == "takes ACCESS EXCLUSIVE on app.Orders: blocks reads and writes until commit while every row is read")
        let plan = try #require(finding.rewrite)
        #expect(plan.migrationSteps.first == "SET lock_timeout = '2s';\nALTER TABLE app.\"Orders\" ADD CONSTRAINT \"Orders_total_not_null\" CHECK (total IS NOT NULL) NOT VALID;")
    }

    @Test func typeChangeWithUnknownOldTypeSaysItMayRewriteAndWhy() throws {
        let finding = try #require(diagnostics("ALTER TABLE users ALTER COLUMN email TYPE varchar(200);", rule: "alter-column-type").first)
        #expect(finding.message.hasPrefix("changing email to varchar(200) may rewrite public.users"))
        #expect(finding.notes.contains { $0.hasPrefix("may rewrite: the old type of users.email is not known") })
        // The file shows the old type: growing a varchar is free, so nothing is reported.
        #expect(diagnostics("ALTER TABLE users ADD COLUMN email varchar(100);\nALTER TABLE users ALTER COLUMN email TYPE varchar(200);",
                            rule: "alter-column-type").isEmpty)
    }

    @Test func foreignKeyNamesBothLockedTables() throws {
        let finding = try #require(diagnostics("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES app.users (id);",
                                               rule: "add-foreign-key-not-valid").first)
        #expect(finding.notes.contains("takes SHARE ROW EXCLUSIVE on public.orders: blocks writes while every row is checked"))
        #expect(finding.notes.contains("takes SHARE ROW EXCLUSIVE on app.users: blocks writes while every row is checked"))
        // No name to VALIDATE later: the plan names it as PostgreSQL would, and no edit is offered.
        #expect(finding.rewrite?.migrationSteps.last == "SET statement_timeout = '15min';\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;")
        #expect(finding.fix == nil)
    }

    @Test func notValidFixIsWithheldInsideATransaction() {
        let sql = "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);"
        #expect(diagnostics(sql, rule: "add-check-not-valid").first?.fix != nil)
        #expect(diagnostics(sql, rule: "add-check-not-valid", policy: .whole).first?.fix == nil)
    }

    @Test func heldLockPointsBackAtTheStatementThatTookIt() throws {
        let sql = "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nCREATE INDEX users_name_idx ON users (name);\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;"
        let found = diagnostics(sql, rule: "lock-held-across-statements")
        #expect(found.count == 1, "one finding per transaction")
        #expect(found.first?.message == "public.users is already locked ACCESS EXCLUSIVE since line 2, and stays locked while this statement scans public.users")
        #expect(found.first?.notes.contains("CONCURRENTLY or NOT VALID cannot shorten this inside the transaction: public.users is already locked since line 2; commit after line 2 first, then they help") == true)
        // The CONCURRENTLY advice cannot help on a table locked since line 2: only this finding speaks.
        #expect(diagnostics(sql, rule: "create-index-concurrently").isEmpty)
        #expect(found.first?.notes.last == "1 later statement of this transaction extends the lock further")
    }

    @Test func lockTimeoutIsReportedOncePerFileAndItsFixCoversTheRest() throws {
        let sql = "ALTER TABLE users ADD COLUMN note text;\nALTER TABLE orders DROP COLUMN legacy;\nCREATE INDEX i ON users (note);"
        let found = diagnostics(sql, rule: "require-lock-timeout")
        #expect(found.count == 1)
        #expect(found.first?.notes.last == "2 later statements in this file also take blocking locks; one SET at the top covers them all")
        let fixed = String(decoding: FixApplier.apply(found.compactMap(\.fix), to: Array(sql.utf8)).bytes, as: UTF8.self)
        #expect(diagnostics(fixed, rule: "require-lock-timeout").isEmpty)
    }

    @Test func concurrentlyInATransactionSaysWhereTheTransactionComesFrom() throws {
        let explicit = try #require(diagnostics("BEGIN;\nDROP INDEX CONCURRENTLY i;\nCOMMIT;", rule: "concurrently-in-transaction").first)
        #expect(explicit.message == "DROP INDEX CONCURRENTLY cannot run inside a transaction block: the migration fails")
        #expect(explicit.notes == ["the transaction comes from the BEGIN on line 1"])
        #expect(explicit.help == "move the statement after COMMIT, or into a migration without BEGIN")
    }
}
