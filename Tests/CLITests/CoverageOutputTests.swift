import Foundation
import Testing
import TestSupport

/// What every format says of the places no rule checked, on Fixtures/coverage: a DO block with
/// two dynamic EXECUTE strings, a statement in PostgreSQL 17 syntax, a placeholder in a place no
/// stand-in makes readable, and a Swift migration that builds SQL at run time. And the exit code
/// of `--fail-on-unanalyzed`.
@Suite struct CoverageOutputTests {
    /// The golden file of each format (scripts/update-goldens.sh writes them the same way).
    static let formats = ["text": "txt", "json": "json", "sarif": "sarif", "markdown": "md", "github": "github",
                          "gcc": "gcc", "gitlab": "gitlab.json"]

    @Test(arguments: formats.keys.sorted())
    func everyFormatMatchesItsGoldenFile(format: String) throws {
        let result = try CLI.run(["lint", "--format", format, "--color", "never", "--postgres-version", "17", "Fixtures/coverage"])
        #expect(result.status == 1, "the fixtures have warnings: \(result.stderr)")
        let name = "lint/coverage.\(Self.formats[format]!)"
        let golden = try String(contentsOfFile: CLI.packageRoot + "/Fixtures/golden/" + name, encoding: .utf8)
        #expect(result.stdout == golden, "Fixtures/golden/\(name) differs; run scripts/update-goldens.sh and review the diff")
    }

    @Test func textEndsWithTheCoverageLineAndThePlaces() throws {
        let result = try CLI.run(["lint", "--color", "never", "--postgres-version", "17", "Fixtures/coverage"])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = try #require(lines.firstIndex { $0.hasPrefix("10 statements, ") })
        #expect(lines[line] == "10 statements, 5 analyzed; not analyzed: 2 dynamic EXECUTE, 1 SQL built at run time, "
                + "1 placeholder not understood, 1 syntax error (PostgreSQL 16+ syntax?)")
        #expect(Array(lines[(line + 1)...]) == [
            "  Fixtures/coverage/001_do_blocks.sql:10:11: dynamic EXECUTE",
            "  Fixtures/coverage/001_do_blocks.sql:11:11: dynamic EXECUTE",
            "  Fixtures/coverage/002_newer_syntax.sql:3:1: syntax error (PostgreSQL 16+ syntax?)",
            "  Fixtures/coverage/CreateUsers.swift:8:27: SQL built at run time (`SQLQueryString(makeIndexSQL())`) is not analyzed",
            "  Fixtures/coverage/V3__placeholders.sql:2:1: placeholder not understood",
            "",
        ])
    }

    @Test func jsonHasATopLevelCoverageObject() throws {
        let result = try CLI.run(["lint", "--format", "json", "--postgres-version", "17", "Fixtures/coverage"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let coverage = try #require(root["coverage"] as? [String: Any])
        #expect(coverage["statements"] as? Int == 10)
        #expect(coverage["analyzed"] as? Int == 5)
        let places = try #require(coverage["unanalyzed"] as? [[String: Any]])
        #expect(places.map { $0["reason"] as? String } == ["dynamic EXECUTE", "dynamic EXECUTE", "syntax error (PostgreSQL 16+ syntax?)",
                                                           "SQL built at run time", "placeholder not understood"])
        #expect(places.first.map { [$0["path"] as? String, "\($0["line"]!):\($0["column"]!)"] } == ["Fixtures/coverage/001_do_blocks.sql", "10:11"])
    }

    @Test func failOnUnanalyzedFailsOnlyWhenAPlaceWasNotChecked() throws {
        let sandbox = try Sandbox()
        try sandbox.write("checked/001.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n")
        try sandbox.write("dynamic/001.sql", "DO $$ DECLARE t text := 'x'; BEGIN EXECUTE 'DROP TABLE ' || t; END $$;\n")
        // Without the flag a place is not a finding: nothing at or above --fail-on.
        #expect(try CLI.run(["lint", "dynamic"], in: sandbox.path).status == 0)
        let failed = try CLI.run(["lint", "--fail-on-unanalyzed", "dynamic"], in: sandbox.path)
        #expect(failed.status == 1)
        #expect(failed.stdout.hasSuffix("2 statements, 1 analyzed; not analyzed: 1 dynamic EXECUTE\n  dynamic/001.sql:1:44: dynamic EXECUTE\n"))
        #expect(try CLI.run(["lint", "--fail-on-unanalyzed", "checked"], in: sandbox.path).status == 0)
        // The configuration key does the same, and the flag cannot be turned off by --fail-on never.
        try sandbox.write(".migration-lint.yml", "fail-on-unanalyzed: true\n")
        #expect(try CLI.run(["lint", "dynamic"], in: sandbox.path).status == 1)
        #expect(try CLI.run(["lint", "--fail-on", "never", "dynamic"], in: sandbox.path).status == 1)
        #expect(try CLI.run(["lint", "checked"], in: sandbox.path).status == 0)
        // An I/O error still wins with 2.
        try sandbox.write("bad/001.sql", bytes: [0x43, 0xFF, 0x0A])
        #expect(try CLI.run(["lint", "dynamic", "bad"], in: sandbox.path).status == 2)
    }

    @Test func aBadValueOfTheKeyIsAConfigurationError() throws {
        let sandbox = try Sandbox()
        try sandbox.write("001.sql", "SELECT 1;\n")
        try sandbox.write(".migration-lint.yml", "fail-on-unanalyzed: sometimes\n")
        let result = try CLI.run(["lint", "001.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("`fail-on-unanalyzed` must be true or false"))
    }

    @Test func helpStatesTheExitCodesAsTheReadmeDoes() throws {
        let help = try CLI.run(["--help"]).stdout.replacingOccurrences(of: "\n ", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("1 findings at or above it, or with --fail-on-unanalyzed a statement not checked"))
        let readme = try String(contentsOfFile: CLI.packageRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("| 1 | findings at or above `--fail-on`; or, with `--fail-on-unanalyzed`, a place in the coverage report"))
    }
}
