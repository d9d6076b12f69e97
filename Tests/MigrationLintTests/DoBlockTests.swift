import Testing
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// The statements of DO blocks, and the constant strings they EXECUTE, are statements of the
/// migration: each finding lands at its line and column inside the dollar quotes, says where it
/// runs, and what cannot be read is in the coverage report. Every SQL text here was run on
/// PostgreSQL 15 first (see Fixtures/hidden and the DO cases of Fixtures/lock-cases).
@Suite struct DoBlockTests {
    let engine = LintEngine(rules: allRules)

    /// (rule, line, column, first note) of each finding.
    func findings(_ sql: String, policy: TransactionPolicy = .none) -> [(String, Int, Int, String)] {
        let report = engine.lint(text: sql, path: "m.sql", transactionPolicy: policy)
        return report.diagnostics.map { diagnostic in
            let position = report.source.position(of: diagnostic.range.lowerBound)
            return (diagnostic.ruleID, position.line, position.column, diagnostic.notes.first ?? "")
        }
    }

    func has(_ found: [(String, Int, Int, String)], _ rule: String, _ line: Int, _ column: Int, note: String? = nil) -> Bool {
        found.contains { finding in
            finding.0 == rule && finding.1 == line && finding.2 == column && (note.map { finding.3.contains($0) } ?? true)
        }
    }

    @Test func aStatementInAnIfBranchMayRunAndIsPlacedInsideTheDollarQuotes() {
        let sql = """
            DO $migration$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx') THEN
                CREATE INDEX users_email_idx ON users (email);
              END IF;
            END
            $migration$;

            """
        let found = findings(sql)
        #expect(has(found, "create-index-concurrently", 4, 12, note: "may run: in an IF branch at line 3, inside the DO block at line 1"))
    }

    @Test func aStatementOnTheSameLineAsTheDoIsPlacedByColumn() {
        let found = findings("SELECT 1;\nDO $$ BEGIN ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(); END $$;\n")
        #expect(has(found, "add-column-volatile-default", 2, 61, note: "inside the DO block at line 2; the block runs as one statement"))
    }

    @Test func loopsAndExceptionHandlersAreBranchesAndNestedBlocksAreNot() {
        let sql = """
            DO $$
            BEGIN
              FOR i IN 1..3 LOOP
                ALTER TABLE users DROP COLUMN IF EXISTS legacy;
              END LOOP;
              BEGIN
                DROP TABLE old_events;
              EXCEPTION WHEN undefined_table THEN
                TRUNCATE events;
              END;
            END $$;
            """
        let found = findings(sql)
        #expect(has(found, "drop-column", 4, 23, note: "may run: in a loop at line 3"))
        #expect(has(found, "drop-table", 7, 16, note: "inside the DO block at line 1; the block runs as one statement"))
        #expect(has(found, "truncate", 9, 14, note: "may run: in an EXCEPTION handler at line 6"))
    }

    @Test func concurrentlyInADoBlockFailsAsFromAFunctionOutsideATransactionBlock() throws {
        let report = engine.lint(text: "DO $$ BEGIN CREATE INDEX CONCURRENTLY users_name_idx ON users (name); END $$;\n", path: "m.sql")
        let error = try #require(report.diagnostics.first { $0.ruleID == "concurrently-in-transaction" })
        #expect(error.message == "CREATE INDEX CONCURRENTLY cannot be executed from a function: the migration fails")
        #expect(error.help == "move the statement out of the DO block, alone, into a migration that runs without a transaction")
        #expect(report.source.position(of: error.range.lowerBound).column == 26)
    }

    @Test func insideTheToolsTransactionTheTransactionBlockIsNamedFirst() throws {
        let report = engine.lint(text: "DO $$ BEGIN VACUUM users; END $$;\n", path: "m.sql", transactionPolicy: .whole)
        let error = try #require(report.diagnostics.first { $0.ruleID == "concurrently-in-transaction" })
        #expect(error.message == "VACUUM cannot run inside a transaction block: the migration fails")
    }

    @Test func theLocksOfTheBlockAreHeldUntilItEnds() {
        let sql = "DO $$ BEGIN\n  ALTER TABLE users ADD COLUMN a text;\n  ALTER TABLE users ALTER COLUMN b TYPE bigint;\nEND $$;\n"
        let found = findings(sql)
        #expect(has(found, "lock-held-across-statements", 3, 3))
        // Two DO blocks are two transactions: nothing is held from one into the other.
        let apart = findings("DO $$ BEGIN ALTER TABLE users ADD COLUMN a text; END $$;\nDO $$ BEGIN ALTER TABLE users ALTER COLUMN b TYPE bigint; END $$;\n")
        #expect(!apart.contains { $0.0 == "lock-held-across-statements" })
    }

    @Test func constantExecuteStringsAreLintedAtTheLiteralAndTheRestIsCoverage() throws {
        let sql = """
            DO $$
            DECLARE t text := 'users';
            BEGIN
              EXECUTE 'ALTER TABLE users ADD COLUMN a uuid DEFAULT gen_random_uuid()';
              EXECUTE format('CREATE INDEX %I ON %I (email)', 'users_email_idx', 'users');
              EXECUTE 'ALTER TABLE users ADD COLUMN e text DEFAULT ''x'', ' || 'ALTER COLUMN c TYPE bigint';
              EXECUTE 'ALTER TABLE ' || t || ' DROP COLUMN d';
            END $$;
            """
        let report = engine.lint(text: sql, path: "m.sql")
        let found = report.diagnostics.map { ($0.ruleID, report.source.position(of: $0.range.lowerBound)) }
        #expect(found.contains { $0.0 == "add-column-volatile-default" && $0.1.line == 4 && $0.1.column == 56 })
        // Built SQL maps back to the literals: CREATE is in the format string. The DO block's
        // transaction holds users since line 4, so the held lock is the finding, not CONCURRENTLY.
        #expect(found.contains { $0.0 == "lock-held-across-statements" && $0.1.line == 5 && $0.1.column == 19 })
        #expect(!found.contains { $0.0 == "create-index-concurrently" })
        #expect(found.contains { $0.0 == "alter-column-type" && $0.1.line == 6 && $0.1.column == 89 })
        #expect(report.diagnostics.allSatisfy { $0.fix == nil })
        #expect(report.coverage.unanalyzed.map(\.reason) == ["dynamic EXECUTE"])
        let dynamic = try #require(report.coverage.unanalyzed.first)
        #expect(report.source.position(of: dynamic.range.lowerBound) == report.source.position(of: Array(sql.utf8).firstRange(of: Array("'ALTER TABLE ' || t".utf8))!.lowerBound))
        // The DO, its three constant strings and the dynamic one.
        #expect(report.coverage.statements == 5)
        #expect(report.coverage.analyzed == 4)
    }

    /// PL/pgSQL hands over a statement with its INTO clause replaced by spaces: a data-changing
    /// CTE that ends in `SELECT ... INTO` (hatchet's batched backfills) and an `UPDATE ...
    /// RETURNING ... INTO` are found in the file and linted, at their own place, without the INTO
    /// (which would read as CREATE TABLE AS).
    @Test func aStatementWithIntoIsFoundAndLintedWithoutIt() throws {
        let sql = """
            DO $$
            DECLARE n bigint;
            BEGIN
              WITH moved AS (
                DELETE FROM events RETURNING id
              )
              SELECT count(*) INTO n FROM moved;
              UPDATE events SET seen = true RETURNING id INTO n;
            END $$;
            """
        let report = engine.lint(text: sql, path: "m.sql")
        #expect(report.coverage.unanalyzed.isEmpty, "\(report.coverage.unanalyzed)")
        #expect(report.coverage.statements == 3 && report.coverage.analyzed == 3)
        let backfill = try #require(report.diagnostics.first { $0.ruleID == "backfill-in-migration" })
        let place = report.source.position(of: backfill.range.lowerBound)
        #expect([place.line, place.column] == [8, 3], "at the UPDATE, whose INTO PL/pgSQL blanked")
        #expect(!report.diagnostics.contains { $0.message.contains("CREATE TABLE") }, "the INTO is not read as SELECT INTO")
    }

    @Test func aSuppressionAboveTheBlockOrInsideItSilencesItsStatements() {
        let above = findings("-- migration-lint-ignore: drop-table the table is gone already\nDO $$ BEGIN DROP TABLE old; END $$;\n")
        #expect(!above.contains { $0.0 == "drop-table" || $0.0 == "unused-ignore" })
        let inside = findings("DO $$\nBEGIN\n  -- migration-lint-ignore: drop-table the table is gone already\n  DROP TABLE old;\nEND $$;\n")
        #expect(!inside.contains { $0.0 == "drop-table" || $0.0 == "unused-ignore" })
    }

    @Test func whatThePlpgsqlParserCannotReadIsCoverageNotAFinding() {
        let report = engine.lint(text: "DO $$ BEGIN SELECT 1 INTO missing_variable; END $$;\nDO LANGUAGE plperl $$ 1; $$;\n", path: "m.sql")
        #expect(report.diagnostics.isEmpty)
        #expect(report.coverage.unanalyzed.map(\.reason) == [
            "PL/pgSQL the parser cannot read (\"missing_variable\" is not a known variable)", "DO block in plperl",
        ])
    }

    @Test func aDoBlockInsideAStringWithEscapesIsNamedNotGuessed() {
        let report = engine.lint(text: "DO 'BEGIN DROP TABLE a; RAISE NOTICE ''done''; END';\n", path: "m.sql")
        #expect(report.diagnostics.isEmpty)
        #expect(report.coverage.unanalyzed.map(\.reason) == ["DO body in a quoted string with escapes"])
    }

    @Test func aFunctionBodyIsLintedWhereTheMigrationCallsItAndOnlyThere() {
        let sql = """
            CREATE FUNCTION add_token(p_table text) RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
              IF p_table = 'users' THEN
                ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
              END IF;
              EXECUTE format('ALTER TABLE %I DROP COLUMN legacy', p_table);
            END $fn$;
            CREATE PROCEDURE clear_events() LANGUAGE sql BEGIN ATOMIC
              DELETE FROM events;
            END;
            CREATE FUNCTION never_called() RETURNS void LANGUAGE sql AS 'TRUNCATE users';
            SELECT add_token('users');
            CALL clear_events();

            """
        let report = engine.lint(text: sql, path: "m.sql")
        let found = report.diagnostics.map { ($0.ruleID, report.source.position(of: $0.range.lowerBound).line, $0.notes.first ?? "") }
        #expect(found.contains { $0 == ("add-column-volatile-default", 4, "may run: in an IF branch at line 3, when line 12 calls add_token (created at line 1)") })
        #expect(found.contains { $0 == ("backfill-in-migration", 9, "when line 13 calls clear_events (created at line 8); the call runs as one statement: its locks are held until its transaction ends") })
        #expect(!found.contains { $0.0 == "truncate" })
        // The EXECUTE built from a parameter runs when the function is called: named, not guessed.
        #expect(report.coverage.unanalyzed.map { report.source.position(of: $0.range.lowerBound).line } == [6])
    }

    /// The engine tells a CREATE FUNCTION / PROCEDURE from its words (comments and case aside)
    /// before parsing it a second time; other CREATE statements are not read as functions.
    @Test func createOrReplaceWithCommentsBetweenTheWordsIsStillAFunction() {
        let sql = """
            create /* v2 */ or -- keep
              REPLACE Procedure clear_events() LANGUAGE sql BEGIN ATOMIC
              DELETE FROM events;
            END;
            CREATE TABLE function_calls (id bigint PRIMARY KEY);
            CALL clear_events();

            """
        let report = engine.lint(text: sql, path: "m.sql")
        let found = report.diagnostics.map { ($0.ruleID, report.source.position(of: $0.range.lowerBound).line) }
        #expect(found.contains { $0 == ("backfill-in-migration", 3) }, "\(found)")
    }

    @Test func aFunctionThatIsNeverCalledAddsNothing() {
        let report = engine.lint(text: "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; DROP TABLE users; END $$;\n", path: "m.sql")
        #expect(report.diagnostics.isEmpty)
        #expect(report.coverage == Coverage(statements: 1, analyzed: 1))
    }
}
