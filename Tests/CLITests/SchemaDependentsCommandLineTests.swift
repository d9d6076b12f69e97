import Foundation
import Testing
import TestSupport

/// The rules that read what earlier migrations created, as a user meets them: the earlier file
/// creates the table, its index and a view, the later one drops a column they use, and each
/// finding cites the earlier file's line.
@Suite struct SchemaDependentsCommandLineTests {
    func sandbox(_ later: String) throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.write("m/001_users.sql", """
            CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);
            CREATE INDEX users_email_idx ON users (email);
            CREATE VIEW user_names AS SELECT u.id, u.name FROM users AS u;

            """)
        try sandbox.write("m/002_drop.sql", later)
        return sandbox
    }

    func findings(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("warning[") || $0.hasPrefix("info[") || $0.hasPrefix(" --> ") }.map(String.init)
    }

    @Test func droppingAColumnNamesItsIndexAndItsViewWithTheirOrigin() throws {
        let sandbox = try sandbox("ALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN name;\n")
        let result = try CLI.run(["lint", "--color", "never", "m/002_drop.sql"], in: sandbox.path)
        #expect(result.status == 1)
        let lines = findings(result.stdout)
        #expect(lines.contains("warning[drop-column-with-dependents]: dropping public.users.email also drops index users_email_idx (from 001_users.sql:2)"))
        #expect(lines.contains("warning[view-dependency]: view public.user_names (from 001_users.sql:3) reads public.users.name: the drop fails without CASCADE, and CASCADE drops it"))
        // Each finding sits on its DROP COLUMN: line 1 for email, line 2 for name.
        let dependents = try #require(lines.firstIndex { $0.hasPrefix("warning[drop-column-with-dependents]") })
        #expect(lines[dependents + 1] == " --> m/002_drop.sql:1:19")
        let view = try #require(lines.firstIndex { $0.hasPrefix("warning[view-dependency]") })
        #expect(lines[view + 1] == " --> m/002_drop.sql:2:19")
        // Without the history nothing is known of the index or the view.
        let alone = try CLI.run(["lint", "--color", "never", "--no-history", "m/002_drop.sql"], in: sandbox.path)
        #expect(!alone.stdout.contains("drop-column-with-dependents") && !alone.stdout.contains("view-dependency"))
    }

    @Test func aTableNoEarlierMigrationCreatedIsAnInfoThatDoesNotFailTheRun() throws {
        let sandbox = try sandbox("ALTER TABLE user_accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n")
        let result = try CLI.run(["lint", "--color", "never", "m/002_drop.sql"], in: sandbox.path)
        #expect(findings(result.stdout) == ["info[unknown-object]: no earlier migration creates table public.user_accounts",
                                            " --> m/002_drop.sql:1:13"])
        #expect(result.status == 0)
    }
}
