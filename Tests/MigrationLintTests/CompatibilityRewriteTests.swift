import Testing
import MigrationLint
import MigrationInput
import MigrationLintRules

/// The SQL a user pastes from the nullable-column and backward-compatibility rules: built from
/// their own statement, names quoted only where needed, schema kept.
@Suite struct CompatibilityRewriteTests {
    func diagnostics(_ sql: String, inTransaction: Bool = false) -> [Diagnostic] {
        LintEngine(rules: allRules).lint(text: sql, path: "m.sql", transactionPolicy: inTransaction ? .whole : .none).diagnostics
    }

    func plan(_ ruleID: String, _ sql: String) throws -> RewritePlan {
        let diagnostic = try #require(diagnostics(sql).first { $0.ruleID == ruleID })
        return try #require(diagnostic.rewrite)
    }

    @Test func nullableColumnOnAnExistingTableGetsNotNullAndADefault() throws {
        let plan = try plan("unjustified-nullable-column", "ALTER TABLE app.\"Orders\" ADD COLUMN \"Note\" text;")
        #expect(plan.migrationSteps == ["""
            SET lock_timeout = '2s';
            ALTER TABLE app."Orders" ADD COLUMN "Note" text NOT NULL DEFAULT '';
            """])
        // Several columns: NOT NULL on each would be a guess about each, so no plan.
        let several = diagnostics("ALTER TABLE app.\"Orders\" ADD COLUMN \"Note\" text, ADD COLUMN tries int;")
        #expect(several.first { $0.ruleID == "unjustified-nullable-column" }?.rewrite == nil)
    }

    @Test func nullableColumnsOfANewTableGetNotNullWithoutADefault() throws {
        let plan = try plan("unjustified-nullable-column", "CREATE TABLE app.events (\n  id bigint PRIMARY KEY,\n  kind text NOT NULL, -- the event's kind\n  tags text[] DEFAULT ARRAY['a', 'b']\n);")
        #expect(plan.migrationSteps == ["CREATE TABLE app.events (\n  id bigint PRIMARY KEY,\n  kind text NOT NULL, -- the event's kind\n  tags text[] DEFAULT ARRAY['a', 'b'] NOT NULL\n);"])
    }

    @Test func aForeignKeyColumnGetsNoInventedDefault() {
        let found = diagnostics("ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);")
        let finding = found.first { $0.ruleID == "unjustified-nullable-column" }
        #expect(finding != nil)
        #expect(finding?.rewrite == nil, "a shared default would point every existing row at one coupon")
    }

    @Test func renameTableKeepsTheOldNameAsAView() throws {
        let plan = try plan("rename-table", "ALTER TABLE app.\"Users\" RENAME TO accounts;")
        #expect(plan.migrationSteps.first == """
            BEGIN;
            SET LOCAL lock_timeout = '2s';
            ALTER TABLE app."Users" RENAME TO accounts;
            CREATE OR REPLACE VIEW app."Users" AS SELECT * FROM app.accounts;
            COMMIT;
            """)
        // The pattern the plan recommends is recognised as safe.
        let safe = diagnostics("BEGIN;\nALTER TABLE app.\"Users\" RENAME TO accounts;\nCREATE OR REPLACE VIEW app.\"Users\" AS SELECT * FROM app.accounts;\nCOMMIT;")
        #expect(!safe.contains { $0.ruleID == "rename-table" })
    }

    @Test func dropColumnIsContractedAfterTheDeploy() throws {
        let plan = try plan("drop-column", "ALTER TABLE app.\"Orders\" DROP COLUMN \"LegacyRef\" CASCADE;")
        guard case .deploy(let deploy) = plan.steps.first else {
            Issue.record("the plan starts with the deploy that stops using the column")
            return
        }
        #expect(deploy.contains("app.Orders.LegacyRef"))
        #expect(plan.migrationSteps == ["""
            SET lock_timeout = '2s';
            -- migration-lint-ignore: drop-column no running release uses it since step 1
            ALTER TABLE app."Orders" DROP COLUMN IF EXISTS "LegacyRef" CASCADE;
            """])
    }

    @Test func notNullColumnWithAForeignKeyIsAddedInNonBlockingSteps() throws {
        let plan = try plan("add-column-not-null-without-default",
                            "ALTER TABLE app.orders ADD COLUMN coupon_id bigint NOT NULL REFERENCES app.coupons (id) ON DELETE CASCADE;")
        #expect(plan.migrationSteps.contains { $0.contains("ADD COLUMN coupon_id bigint;") && $0.contains("-- nullable:") })
        #expect(plan.migrationSteps.contains {
            $0.contains("ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES app.coupons (id) ON DELETE CASCADE NOT VALID;")
                && $0.contains("VALIDATE CONSTRAINT orders_coupon_id_fkey;")
        })
    }

    @Test func dropFunctionKeepsTheArgumentListAndAddsIfExists() throws {
        let plan = try plan("drop-function", "DROP FUNCTION app.\"Total\"(integer, text);")
        #expect(plan.migrationSteps == ["-- migration-lint-ignore: drop-function no running release uses it since step 1\nDROP FUNCTION IF EXISTS app.\"Total\"(integer, text);"])
    }

    @Test func droppedForeignKeyMentionsTheReferencedTableLock() throws {
        let finding = try #require(diagnostics("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;").first { $0.ruleID == "drop-constraint" })
        #expect(finding.notes.contains("takes ACCESS EXCLUSIVE on public.orders: blocks reads and writes"))
        #expect(finding.notes.contains("also takes ACCESS EXCLUSIVE on the table referenced by orders_user_id_fkey on public.orders, if it is a foreign key: blocks reads and writes"))
    }
}

/// The plan as the text and Markdown outputs print it, ready to paste.
@Suite struct RewritePlanTextTests {
    @Test func everyStepIsNumberedAndABackfillIsCommentedLineByLine() {
        let plan = RewritePlan([
            .migration(sql: "ALTER TABLE users ADD COLUMN token uuid;", note: "add the column"),
            .backfill(sql: "UPDATE users SET token = gen_random_uuid()\r\nWHERE id BETWEEN $1 AND $2;\n", note: "in batches"),
            .migrationNeeding(version: 18, sql: "ALTER TABLE users ALTER COLUMN token SET NOT NULL;", note: nil),
            .deploy("stop writing users.token from the old release"),
        ])
        // Each line of the backfill is a comment, a CRLF line end included: pasted as a whole,
        // the plan never runs the job as part of the migration.
        #expect(plan.text == """
            -- Step 1, migration: add the column
            ALTER TABLE users ADD COLUMN token uuid;
            -- Step 2, backfill job (not a migration): in batches
            --   UPDATE users SET token = gen_random_uuid()\r
            --   WHERE id BETWEEN $1 AND $2;
            --   
            -- Step 3, migration (PostgreSQL 18 or later)
            ALTER TABLE users ALTER COLUMN token SET NOT NULL;
            -- Step 4, deploy: stop writing users.token from the old release
            """)
        #expect(RewritePlan([.migration(sql: "SELECT 1;", note: "alone")]).text == "-- alone\nSELECT 1;")
        #expect(RewritePlan([.migration(sql: "SELECT 1;")]).text == "SELECT 1;")
    }
}
