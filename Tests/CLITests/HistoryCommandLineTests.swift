import Foundation
import Testing
import TestSupport

/// The history replay as a user meets it on the command line: on by default, `--no-history`
/// turns it off, and a `--schema` file that cannot be read is a usage error.
@Suite struct HistoryCommandLineTests {
    func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.write("m/001_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(50));\n")
        try sandbox.write("m/002_widen.sql", "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\n")
        return sandbox
    }

    @Test func theEarlierFileShowsTheOldTypeUnlessHistoryIsOff() throws {
        let sandbox = try sandbox()
        // Only the file asked for is reported; the earlier one is replayed, not linted.
        let withHistory = try CLI.run(["lint", "--color", "never", "m/002_widen.sql"], in: sandbox.path)
        #expect(withHistory.status == 0)
        #expect(withHistory.stdout == "0 findings in 0 files; 1 file checked\n1 statement, 1 analyzed\n")
        let alone = try CLI.run(["lint", "--color", "never", "--no-history", "m/002_widen.sql"], in: sandbox.path)
        #expect(alone.status == 1)
        #expect(alone.stdout.hasPrefix("warning[alter-column-type]: changing note to varchar(100) may rewrite public.orders: the old type of orders.note is not known\n --> m/002_widen.sql:1:43\n"))
    }

    /// Statements PostgreSQL skips or leaves unread because the history shows the object: `explain`
    /// names their locks and no rewrite or scan, and `lint` keeps only the redundant SET NOT NULL;
    /// without the history the same file draws the cautious findings.
    @Test func whatTheHistoryShowsExistsIsNeitherRewrittenNorScanned() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m/001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, token uuid NOT NULL, name text NOT NULL);\nCREATE INDEX users_token_idx ON users (token);\n")
        try sandbox.write("m/002_again.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS token uuid NOT NULL DEFAULT gen_random_uuid();\n"
            + "CREATE INDEX IF NOT EXISTS users_token_idx ON users (token);\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n")
        let explain = try CLI.run(["explain", "m/002_again.sql"], in: sandbox.path)
        #expect(explain.status == 0)
        #expect(explain.stdout == """
            m/002_again.sql
              line 1  ALTER TABLE users ADD COLUMN IF NOT EXISTS token uuid NOT NULL DEFAULT …
                      ACCESS EXCLUSIVE on public.users: blocks reads and writes
              line 2  CREATE INDEX IF NOT EXISTS users_token_idx ON users (token)
                      SHARE on public.users: blocks writes
              line 3  ALTER TABLE users ALTER COLUMN name SET NOT NULL
                      ACCESS EXCLUSIVE on public.users: blocks reads and writes

              every statement runs in autocommit: its locks end with it

            """)
        let lint = try CLI.run(["lint", "--color", "never", "m/002_again.sql"], in: sandbox.path)
        #expect(lint.status == 1)
        #expect(lint.stdout.hasPrefix("warning[redundant-set-not-null]: name is NOT NULL already: SET NOT NULL changes nothing but locks public.users\n --> m/002_again.sql:3:37\n"))
        #expect(lint.stdout.hasSuffix("1 finding (1 warning) in 1 file; 1 file checked\n3 statements, 3 analyzed\n"))
        let blind = try CLI.run(["lint", "--color", "never", "--no-history", "m/002_again.sql"], in: sandbox.path)
        #expect(blind.status == 1)
        #expect(blind.stdout.contains("error[add-column-volatile-default]: ADD COLUMN token rewrites public.users: the default gen_random_uuid() is volatile\n"))
        #expect(blind.stdout.contains("warning[create-index-concurrently]: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds\n"))
        #expect(blind.stdout.contains("warning[set-not-null]: SET NOT NULL on name scans public.users to prove no row is NULL\n"))
    }

    /// CREATE TABLE IF NOT EXISTS of a table an earlier migration created: PostgreSQL skips it
    /// before it locks the table its foreign key references (the server cases
    /// `create_table_if_not_exists_existing_*`), and `explain` says so; without the history it
    /// cannot know, and names the lock.
    @Test func aTableCreatedIfNotExistsThatTheHistoryShowsLocksNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m/001_orders.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"
            + "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n")
        try sandbox.write("m/002_again.sql", "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n")
        let known = try CLI.run(["explain", "m/002_again.sql"], in: sandbox.path)
        #expect(known.status == 0)
        #expect(known.stdout == """
            m/002_again.sql
              line 1  CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigin…
                      no table locks

            """)
        let blind = try CLI.run(["explain", "--no-history", "m/002_again.sql"], in: sandbox.path)
        #expect(blind.status == 0)
        #expect(blind.stdout.contains("          SHARE ROW EXCLUSIVE on public.users: blocks writes\n"))
    }

    /// IF EXISTS of what a history read in full shows is absent: PostgreSQL passes over ALTER
    /// TABLE IF EXISTS and DROP TABLE IF EXISTS with a notice and locks nothing, and DROP COLUMN IF
    /// EXISTS takes the table's lock and drops nothing (the server cases `*_if_exists_absent`).
    /// No rule reports them; without the history the same file draws the cautious findings.
    @Test func whatTheHistoryShowsIsAbsentIsPassedOver() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m/001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n")
        try sandbox.write("m/002_cleanup.sql", "ALTER TABLE users DROP COLUMN IF EXISTS legacy;\nDROP TABLE IF EXISTS old_things;\n"
            + "ALTER TABLE IF EXISTS gone ADD COLUMN x text NOT NULL;\n")
        let explain = try CLI.run(["explain", "m/002_cleanup.sql"], in: sandbox.path)
        #expect(explain.status == 0)
        #expect(explain.stdout == """
            m/002_cleanup.sql
              line 1  ALTER TABLE users DROP COLUMN IF EXISTS legacy
                      ACCESS EXCLUSIVE on public.users: blocks reads and writes
              line 2  DROP TABLE IF EXISTS old_things
                      no table locks
              line 3  ALTER TABLE IF EXISTS gone ADD COLUMN x text NOT NULL
                      no table locks

              every statement runs in autocommit: its locks end with it

            """)
        let lint = try CLI.run(["lint", "--color", "never", "m/002_cleanup.sql"], in: sandbox.path)
        #expect(lint.status == 0)
        #expect(lint.stdout == "0 findings in 0 files; 1 file checked\n3 statements, 3 analyzed\n")
        let blind = try CLI.run(["lint", "--color", "never", "--no-history", "m/002_cleanup.sql"], in: sandbox.path)
        #expect(blind.status == 1)
        #expect(blind.stdout.contains("warning[drop-column]: dropping column public.users.legacy breaks the release still running if it reads or writes it\n"))
        #expect(blind.stdout.contains("warning[drop-table]: dropping table public.old_things breaks the release still running if it uses it, and deletes its data\n"))
        #expect(blind.stdout.contains("error[add-column-not-null-without-default]: ADD COLUMN public.gone.x NOT NULL without a default fails if the table has any row\n"))
    }

    /// A statement the parser cannot read may have created anything: after it, an absent table is
    /// no longer known to be absent, and DROP TABLE IF EXISTS is reported as usual.
    @Test func afterAnUnreadableStatementNothingIsKnownToBeAbsent() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m/001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
        try sandbox.write("m/002_cleanup.sql", "CREAT TABLE old_things (id bigint);\nDROP TABLE IF EXISTS old_things;\n")
        let lint = try CLI.run(["lint", "--color", "never", "m/002_cleanup.sql"], in: sandbox.path)
        #expect(lint.stdout.contains("warning[drop-table]: dropping table public.old_things breaks the release still running if it uses it, and deletes its data\n"))
        // A psql `\ir` may run anything, in the file and in its history alike.
        try sandbox.write("n/001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
        try sandbox.write("n/002_include.sql", "\\ir legacy.sql\nDROP TABLE IF EXISTS legacy;\n")
        try sandbox.write("n/003_later.sql", "DROP TABLE IF EXISTS other_legacy;\n")
        let included = try CLI.run(["lint", "--color", "never", "n/002_include.sql", "n/003_later.sql"], in: sandbox.path)
        #expect(included.stdout.contains("warning[drop-table]: dropping table public.legacy breaks the release still running if it uses it, and deletes its data\n"))
        #expect(included.stdout.contains("warning[drop-table]: dropping table public.other_legacy breaks the release still running if it uses it, and deletes its data\n"))
        let laterAlone = try CLI.run(["lint", "--color", "never", "n/003_later.sql"], in: sandbox.path)
        #expect(laterAlone.stdout.contains("warning[drop-table]: dropping table public.other_legacy breaks the release still running if it uses it, and deletes its data\n"))
    }

    @Test func anUnreadableEarlierStatementIsNamedOnceAndTheRestReplays() throws {
        let sandbox = try sandbox()
        try sandbox.write("m/001_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(50));\nCREAT TABLE audit (id bigint);\n")
        try sandbox.write("m/003_widen_more.sql", "ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);\n")
        // Both files replay 001: its typo is one place, in 001, and orders.note is still known.
        let text = try CLI.run(["lint", "--color", "never", "m/002_widen.sql", "m/003_widen_more.sql"], in: sandbox.path)
        #expect(text.status == 0)
        #expect(text.stdout == """
            0 findings in 0 files; 2 files checked
            2 statements, 2 analyzed; not replayed from earlier migrations: 1 syntax error
              m/001_orders.sql:2:1: not replayed: syntax error, in the history of m/002_widen.sql and 1 more file

            """)
        let json = try CLI.run(["lint", "--format", "json", "m/003_widen_more.sql"], in: sandbox.path)
        let coverage = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])["coverage"] as? [String: Any]
        let places = try #require(coverage?["unanalyzed"] as? [[String: Any]])
        #expect(places.count == 1)
        #expect(places.first?["path"] as? String == "m/001_orders.sql")
        #expect(places.first?["line"] as? Int == 2)
        #expect(places.first?["detail"] as? String == "not replayed: syntax error, in the history of m/003_widen_more.sql")
    }

    /// An earlier file that is not UTF-8 text is named in the coverage, with its byte, and the
    /// rest of the set replays (orders.note is known, so the widening is no finding): one file
    /// linted after its history, then the file and its history asked for with it (the broken file
    /// is also an error of its own: exit 2), then folders linted whole, where each set is walked
    /// (eight even sets, on up to eight cores) and each walk names its own broken file.
    @Test func anEarlierFileThatIsNotUTF8IsNamedInTheCoverageReplayedOrWalked() throws {
        let sandbox = try sandbox()
        try sandbox.write("m/002_widen.sql", bytes: [0x41, 0xFF, 0xFE, 0x0A])
        try sandbox.write("m/003_widen_more.sql", "ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);\n")
        let coverage = """
            1 statement, 1 analyzed; not replayed from earlier migrations: 1 file not readable
              m/002_widen.sql:1:2: not valid UTF-8 at byte 1; PostgreSQL migrations must be UTF-8 text, in the history of m/003_widen_more.sql

            """
        let alone = try CLI.run(["lint", "--color", "never", "m/003_widen_more.sql"], in: sandbox.path)
        #expect(alone.status == 0)
        #expect(alone.stdout == "0 findings in 0 files; 1 file checked\n" + coverage)
        let both = try CLI.run(["lint", "--color", "never", "m/002_widen.sql", "m/003_widen_more.sql"], in: sandbox.path)
        #expect(both.status == 2)
        #expect(both.stdout == "m/002_widen.sql:1:2: error: not valid UTF-8 at byte 1; PostgreSQL migrations must be UTF-8 text\n"
                + "0 findings in 0 files; 1 file checked\n" + coverage)

        let sets = (1...8).map { "s\($0)" }
        for set in sets {
            try sandbox.write("\(set)/001_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(50) NOT NULL);\n")
            try sandbox.write("\(set)/002_widen.sql", bytes: [0x41, 0xFF, 0xFE, 0x0A])
            try sandbox.write("\(set)/003_widen_more.sql", "ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);\n")
        }
        let folders = try CLI.run(["lint", "--color", "never"] + sets, in: sandbox.path)
        #expect(folders.status == 2)
        #expect(folders.stdout.contains("16 statements, 16 analyzed; not replayed from earlier migrations: 8 file not readable\n"))
        for set in sets {
            #expect(folders.stdout.contains("\(set)/002_widen.sql:1:2: error: not valid UTF-8 at byte 1; PostgreSQL migrations must be UTF-8 text\n"))
            #expect(folders.stdout.contains("""
                  \(set)/002_widen.sql:1:2: not valid UTF-8 at byte 1; PostgreSQL migrations must be UTF-8 text, in the history of \(set)/003_widen_more.sql

                """), "\(set)")
        }
    }

    /// Folders linted whole, as a user names them: each file after the files before it in its
    /// set, whether the run walks the sets (eight even sets: a walk per set on up to eight cores)
    /// or replays them. The note cites the earlier file and the line the column became NOT NULL.
    @Test func foldersLintedWholeCiteTheEarlierFileOfEachSet() throws {
        let sandbox = try Sandbox()
        let sets = (1...8).map { "s\($0)" }
        for set in sets {
            try sandbox.write("\(set)/001_orders.sql", "-- orders\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n")
            try sandbox.write("\(set)/002_again.sql", "ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n")
        }
        let result = try CLI.run(["lint", "--color", "never"] + sets, in: sandbox.path)
        #expect(result.status == 1)
        for set in sets {
            #expect(result.stdout.contains("""
                warning[redundant-set-not-null]: user_id is NOT NULL already: SET NOT NULL changes nothing but locks public.orders
                 --> \(set)/002_again.sql:1:41
                  |
                1 | ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;
                  |                                         ^^^^^^^^^^^^
                  = note: takes ACCESS EXCLUSIVE on public.orders: blocks reads and writes
                  = note: orders.user_id is NOT NULL since 001_orders.sql:2

                """), "\(set)")
            #expect(!result.stdout.contains(" --> \(set)/001_orders.sql"), "\(set): the earlier file's own SET NOT NULL is not redundant")
        }
        // A column NOT NULL already is not read again: no `set-not-null` scan beside the lock.
        #expect(!result.stdout.contains("warning[set-not-null]"))
        #expect(result.stdout.hasSuffix("8 findings (8 warnings) in 8 files; 16 files checked\n24 statements, 24 analyzed\n"))
    }

    @Test func aSchemaFileThatCannotBeReadIsAUsageError() throws {
        let sandbox = try sandbox()
        let result = try CLI.run(["lint", "--schema", "nope.sql", "m/002_widen.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr == "error: nope.sql: cannot read the schema file (`schema:` / --schema)\n")
        #expect(result.stdout.isEmpty)
    }
}
