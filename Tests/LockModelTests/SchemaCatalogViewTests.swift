import Testing
import LockModel
import PostgresSyntax

/// The catalog follows views: what each reads, through renames, drops and CREATE OR REPLACE,
/// and when a history stops showing the whole database.
@Suite struct SchemaCatalogViewTests {
    func history(_ sql: String) -> SchemaCatalog { SchemaCatalog.dump(sql, path: "001_init.sql") }

    @Test func aViewReadsTheColumnsItsQueryNamesAndAStarExpandsToTheTablesColumns() {
        let catalog = history("""
            CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
            CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric);
            CREATE VIEW totals AS SELECT u.email, sum(o.total) FROM users u JOIN orders AS o ON o.user_id = u.id GROUP BY 1;
            CREATE MATERIALIZED VIEW everyone AS SELECT * FROM users;
            """)
        #expect(catalog.views(reading: "public.users").map(\.name) == ["public.everyone", "public.totals"])
        #expect(catalog.views(reading: "email", of: "public.users").map(\.name) == ["public.everyone", "public.totals"])
        #expect(catalog.views(reading: "name", of: "public.users").map(\.name) == ["public.everyone"])
        #expect(catalog.views(reading: "total", of: "public.orders").map(\.name) == ["public.totals"])
        #expect(catalog.views["public.totals"]?.origin == SchemaOrigin(path: "001_init.sql", line: 3))
        #expect(catalog.views["public.everyone"]?.isMaterialized == true)
    }

    @Test func renamesAreFollowedAndDropsTakeTheViewsWithThem() {
        var catalog = history("""
            CREATE TABLE users (id bigint PRIMARY KEY, email text);
            CREATE VIEW emails AS SELECT email FROM users;
            CREATE VIEW emails_again AS SELECT email FROM emails;
            ALTER TABLE users RENAME TO accounts;
            ALTER TABLE accounts RENAME COLUMN email TO address;
            """)
        #expect(catalog.views(reading: "address", of: "public.accounts").map(\.name) == ["public.emails"])
        #expect(catalog.withDependentViews(["public.emails"]).map(\.name) == ["public.emails_again", "public.emails"])
        let source = SourceText("ALTER VIEW emails RENAME TO addresses;\nALTER TABLE accounts DROP COLUMN address CASCADE;")
        catalog.replay(SQLParser().parse(source), source: source, path: "002.sql")
        #expect(catalog.views.isEmpty)
    }

    @Test func createOrReplaceReadsTheNewQuery() {
        let catalog = history("""
            CREATE TABLE a (id bigint);
            CREATE TABLE b (id bigint);
            CREATE VIEW v AS SELECT id FROM a;
            CREATE OR REPLACE VIEW v AS SELECT id FROM b;
            """)
        #expect(catalog.views(reading: "public.a").isEmpty)
        #expect(catalog.views(reading: "id", of: "public.b").map(\.name) == ["public.v"])
    }

    @Test func aHistoryThatUsesATableItNeverCreatedIsNotComplete() {
        #expect(history("CREATE TABLE a (id bigint);\nCREATE INDEX a_id ON a (id);").showsAbsence)
        #expect(!history("ALTER TABLE base ADD COLUMN note text;").isComplete)
        // A DO block that runs only SQL written out in it is replayed; EXECUTE of a string is not.
        let block = history("DO $$ BEGIN CREATE TABLE made_in_block (id bigint); END $$;")
        #expect(block.isComplete && block.tables["public.made_in_block"] != nil)
        #expect(!history("DO $$ BEGIN EXECUTE 'CREATE TABLE t' || 1 || ' (id bigint)'; END $$;").isComplete)
        #expect(!SchemaCatalog.emptyDatabase.showsAbsence)
        #expect(!history("SELECT 1;").showsAbsence)
        // An extension that makes tables of its own ends what the history shows; pgcrypto does not.
        #expect(!history("CREATE EXTENSION postgis;\nCREATE TABLE a (id bigint);").isComplete)
        #expect(history("CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE a (id bigint);").isComplete)
    }
}
