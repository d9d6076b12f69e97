import Foundation
import Testing

/// `init --from-squawk` as a user coming from squawk runs it: the written file drives `lint`, and
/// squawk's ignore comments keep working.
@Suite struct SquawkImportTests {
    static let squawkToml = """
    pg_version = "11.0"
    excluded_rules = ["require-concurrent-index-creation"]
    excluded_paths = ["legacy/*.sql"]

    """

    @Test func convertsTheConfigurationAndHonoursSquawkIgnoreComments() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".squawk.toml", Self.squawkToml)
        try sandbox.write("migrations/001.sql", "CREATE INDEX users_email ON users (email);\n-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN nickname;\n")
        try sandbox.write("legacy/000.sql", "DROP TABLE users;\n")

        let before = try CLI.run(["lint", "--format", "gcc", "migrations", "legacy"], in: sandbox.path)
        #expect(before.stdout.contains("[create-index-concurrently]"))
        #expect(before.stdout.contains("[drop-column]"))

        let converted = try CLI.run(["init", "--from-squawk"], in: sandbox.path)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stdout == "wrote .migration-lint.yml from .squawk.toml\n")
        let written = sandbox.read(".migration-lint.yml")
        #expect(written.contains("postgres-version: 11\n"))
        #expect(written.contains("squawk-compat: true\n"))
        #expect(written.contains("  create-index-concurrently: off"))

        let after = try CLI.run(["lint", "--format", "gcc", "migrations"], in: sandbox.path)
        #expect(after.stdout == "", "the excluded rule is off and the squawk-ignore comment silences drop-column: \(after.stdout)")
        #expect(after.status == 0)
    }

    @Test func aBrokenSquawkFileNamesItsPlaceAndExitsTwo() throws {
        let sandbox = try Sandbox()
        try sandbox.write("squawk.toml", "excluded_rules = [\"a\"\n")
        let result = try CLI.run(["init", "--from-squawk", "squawk.toml"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr == "squawk.toml:2:1: error: expected `,` or `]` in the array\n")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path + "/.migration-lint.yml"), "nothing written on error")
    }

    @Test func theMappingIsPrintable() throws {
        let result = try CLI.run(["rules", "--squawk"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("| squawk rule | MigrationLint rule |\n|---|---|\n"))
        #expect(result.stdout.contains("| `require-concurrent-index-creation` | `create-index-concurrently` |\n"))
    }
}
