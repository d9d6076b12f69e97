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

    @Test func aSchemaFileThatCannotBeReadIsAUsageError() throws {
        let sandbox = try sandbox()
        let result = try CLI.run(["lint", "--schema", "nope.sql", "m/002_widen.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr == "error: nope.sql: cannot read the schema file (`schema:` / --schema)\n")
        #expect(result.stdout.isEmpty)
    }
}
