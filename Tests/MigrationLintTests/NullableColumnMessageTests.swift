import Testing
import MigrationLint
import MigrationLintRules

/// What unjustified-nullable-column tells the user: one finding per statement naming its columns,
/// and, where NULL is likely meant, that reason instead of an invented default.
@Suite struct NullableColumnMessageTests {
    func findings(_ sql: String) -> [Diagnostic] {
        LintEngine(rules: allRules.filter { $0.id == "unjustified-nullable-column" })
            .lint(text: sql, path: "m.sql", transactionPolicy: .none).diagnostics
    }

    @Test func oneFindingPerStatementListsTheColumns() throws {
        let sql = "CREATE TABLE app.events (\n  id bigint PRIMARY KEY,\n  kind text,\n  payload jsonb\n);"
        let found = findings(sql)
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.message == "new columns of app.events may hold NULL, and no comment says why: kind, payload")
        // At the first column, where its line and column are.
        #expect(String(decoding: Array(sql.utf8)[finding.range], as: UTF8.self).hasPrefix("kind"))
        #expect(finding.help == "declare them NOT NULL, or say why NULL is needed with `-- nullable: <reason>` on the column's line or the line above")
        // NOT NULL on every listed column would be a guess about each: no rewrite for several.
        #expect(finding.rewrite == nil)
        let one = try #require(findings("CREATE TABLE app.events (\n  id bigint PRIMARY KEY,\n  kind text\n);").first)
        #expect(one.rewrite?.migrationSteps == ["CREATE TABLE app.events (\n  id bigint PRIMARY KEY,\n  kind text NOT NULL\n);"])
    }

    @Test func aForeignKeyAndAnEventTimestampGetTheirReasonNotADefault() throws {
        let finding = try #require(findings("ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id), ADD COLUMN shipped_at timestamptz;").first)
        #expect(finding.message == "new columns of public.orders may hold NULL, and no comment says why: coupon_id, shipped_at")
        #expect(finding.notes == ["coupon_id references public.coupons: NULL is how an optional link is stored",
                                  "shipped_at is a timestamptz named like an event: NULL until it happens is usual"])
        #expect(finding.help == "if NULL is meant for coupon_id, shipped_at, say why with `-- nullable: <reason>` on the column's line or the line above")
        #expect(finding.rewrite == nil)
    }

    @Test func createdAtIsNoEventAndGetsNotNull() throws {
        let finding = try #require(findings("ALTER TABLE orders ADD COLUMN created_at timestamptz, ADD COLUMN deleted_at timestamptz;").first)
        #expect(finding.notes == ["deleted_at is a timestamptz named like an event: NULL until it happens is usual",
                                  "adding NOT NULL later means a backfill and a full scan under ACCESS EXCLUSIVE"])
        #expect(finding.help == "declare created_at NOT NULL with a non-volatile DEFAULT; if NULL is meant for deleted_at, say why with `-- nullable: <reason>` on the column's line or the line above")
        #expect(finding.rewrite == nil)
    }

    @Test func aColumnTheFileFillsWithNullifSaysSo() throws {
        let finding = try #require(findings("ALTER TABLE users ADD COLUMN phone text;\nUPDATE users SET phone = NULLIF(trim(phone_raw), '');").first)
        #expect(finding.notes == ["phone is filled with nullif(...) later in this file, which yields NULL on purpose"])
        #expect(finding.rewrite == nil)
    }

    @Test func aCheckComparingWithNullifIsNoFill() throws {
        let finding = try #require(findings("ALTER TABLE users ADD COLUMN phone text;\nALTER TABLE users ADD CONSTRAINT phone_trimmed CHECK (phone = nullif(trim(phone), ''));").first)
        #expect(finding.notes == ["adding NOT NULL later means a backfill and a full scan under ACCESS EXCLUSIVE"])
    }

    @Test func anUpsertThatFillsWithNullifSaysSo() throws {
        let finding = try #require(findings("ALTER TABLE users ADD COLUMN phone text;\nINSERT INTO users (id, phone) VALUES (1, '') ON CONFLICT (id) DO UPDATE SET phone = nullif(excluded.phone, '');").first)
        #expect(finding.notes == ["phone is filled with nullif(...) later in this file, which yields NULL on purpose"])
    }

    @Test func laterStatementsCountOnlyOnTheSameTable() throws {
        // A foreign key added at the end of the file (Prisma's order) gives the reason.
        let linked = try #require(findings("ALTER TABLE orders ADD COLUMN coupon_id bigint;\nALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id);").first)
        #expect(linked.notes == ["coupon_id references public.coupons (a foreign key added later in this file): NULL is how an optional link is stored"])
        // SET NOT NULL later in the file: the safe sequence, not a nullable column.
        #expect(findings("ALTER TABLE users ADD COLUMN region text;\nALTER TABLE users ALTER COLUMN region SET NOT NULL;").isEmpty)
        // The same statements after `SET search_path`: they change archive.users, not public.users.
        let other = findings("ALTER TABLE users ADD COLUMN region text;\nSET search_path = archive;\nALTER TABLE users ALTER COLUMN region SET NOT NULL;\nALTER TABLE users ADD CONSTRAINT users_region_fk FOREIGN KEY (region) REFERENCES regions (code);")
        #expect(other.count == 1)
        #expect(other.first?.message == "new column public.users.region may hold NULL, and no comment says why")
        #expect(other.first?.notes == ["adding NOT NULL later means a backfill and a full scan under ACCESS EXCLUSIVE"])
        // A later foreign key of another table that references this one is no reason.
        let referenced = try #require(findings("ALTER TABLE users ADD COLUMN region text;\nALTER TABLE orders ADD CONSTRAINT orders_region_fk FOREIGN KEY (region) REFERENCES users (region);").first)
        #expect(referenced.notes == ["adding NOT NULL later means a backfill and a full scan under ACCESS EXCLUSIVE"])
    }
}
