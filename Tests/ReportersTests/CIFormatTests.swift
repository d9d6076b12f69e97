import Foundation
import Testing
import TestSupport
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
@testable import Reporters

/// A report built by hand, so that the golden outputs test the reporters and not the rules.
/// The first line holds a multi-byte character: columns count code points, not bytes.
enum CIFixture {
    static let text = "-- été\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\nCREATE INDEX users_email_idx ON users (email);\n"

    static func range(of needle: String, in text: String = text) -> Range<Int> {
        let bytes = Array(text.utf8)
        let needleBytes = Array(needle.utf8)
        for start in 0...(bytes.count - needleBytes.count) where Array(bytes[start..<start + needleBytes.count]) == needleBytes {
            return start..<start + needleBytes.count
        }
        fatalError("fixture text lacks \(needle)")
    }

    static var report: FileReport {
        let defaultRange = range(of: "DEFAULT gen_random_uuid()")
        let indexKeyword = range(of: "INDEX")
        let volatile = Diagnostic(
            ruleID: "add-column-volatile-default", severity: .error,
            message: "ADD COLUMN token rewrites public.users: the default gen_random_uuid() is volatile",
            range: defaultRange, notes: ["takes ACCESS EXCLUSIVE on public.users"],
            help: "add the column without a default, then backfill in batches",
            rewrite: RewritePlan([.migration(sql: "ALTER TABLE users ADD COLUMN token uuid;", note: "add the column"),
                                  .backfill(sql: "UPDATE users SET token = gen_random_uuid();", note: "in batches")]))
        let index = Diagnostic(
            ruleID: "create-index-concurrently", severity: .warning,
            message: "CREATE INDEX on public.users without CONCURRENTLY blocks writes",
            range: indexKeyword.lowerBound..<indexKeyword.lowerBound + 5,
            rewrite: RewritePlan([.migration(sql: "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);")]),
            fix: Fix(message: "add CONCURRENTLY", edits: [Edit(range: indexKeyword.upperBound..<indexKeyword.upperBound, replacement: " CONCURRENTLY")]))
        return FileReport(path: "db/migrations/001_users.sql", source: SourceText(text), diagnostics: [index, volatile], statementCount: 2)
    }

    static var result: LintResult {
        LintResult(outcomes: [.linted(report)], rules: allRules.map(\.description))
    }
}

@Suite struct GitHubFormatTests {
    @Test func goldenOutput() {
        let expected = """
            ::error file=db/migrations/001_users.sql,line=2,col=41,endLine=2,endColumn=66,title=add-column-volatile-default::ADD COLUMN token rewrites public.users: the default gen_random_uuid() is volatile%0Anote: takes ACCESS EXCLUSIVE on public.users%0Ahelp: add the column without a default, then backfill in batches
            ::warning file=db/migrations/001_users.sql,line=3,col=8,endLine=3,endColumn=13,title=create-index-concurrently::CREATE INDEX on public.users without CONCURRENTLY blocks writes%0Afix: run migration-lint lint --fix
            2 findings (1 error, 1 warning) in 1 file; 1 file checked
            2 statements, 2 analyzed

            """
        #expect(GitHubReporter().render(CIFixture.result) == expected)
    }

    @Test func escapesDataAndProperties() {
        // Each character GitHub treats specially, in the message, the path and the title.
        let text = "SELECT 1;\n"
        let diagnostic = Diagnostic(ruleID: "odd:rule,id", severity: .info,
                                    message: "50% done\r\nnext: a, b", range: 0..<6)
        let report = FileReport(path: "db/a:b,c%d.sql", source: SourceText(text), diagnostics: [diagnostic], statementCount: 1)
        let line = GitHubReporter().command(diagnostic, in: report)
        #expect(line == "::notice file=db/a%3Ab%2Cc%25d.sql,line=1,col=1,endLine=1,endColumn=7,title=odd%3Arule%2Cid::50%25 done%0D%0Anext: a, b")
        // Once escaped, a message cannot end the command or start a new one on the next line.
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(GitHubReporter.escapeData("a%0A") == "a%250A")
    }

    @Test func inputErrorsBecomeErrorCommands() {
        let result = LintResult(outcomes: [], errors: [InputError(path: "db/x.sql", line: 3, column: 2, message: "not valid UTF-8 at byte 9")])
        #expect(GitHubReporter().render(result).hasPrefix("::error file=db/x.sql,line=3,col=2::not valid UTF-8 at byte 9\n"))
    }
}

@Suite struct MarkdownFormatTests {
    @Test func goldenOutput() {
        let expected = """
            ### MigrationLint: 2 findings (1 error, 1 warning) in 1 file; 1 file checked

            **Coverage:** 2 statements, 2 analyzed

            #### `db/migrations/001_users.sql`

            | Line | Severity | Rule | Message |
            | ---: | --- | --- | --- |
            | 2 | error | `add-column-volatile-default` | ADD COLUMN token rewrites public.users: the default gen_random_uuid() is volatile |
            | 3 | warning | `create-index-concurrently` | CREATE INDEX on public.users without CONCURRENTLY blocks writes |

            <details><summary>Suggested rewrite for line 2 (<code>add-column-volatile-default</code>)</summary>

            ```sql
            -- Step 1, migration: add the column
            ALTER TABLE users ADD COLUMN token uuid;
            -- Step 2, backfill job (not a migration): in batches
            --   UPDATE users SET token = gen_random_uuid();
            ```

            </details>

            <details><summary>Suggested rewrite for line 3 (<code>create-index-concurrently</code>)</summary>

            ```sql
            CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
            ```

            </details>

            """
        #expect(MarkdownReporter().render(CIFixture.result) == expected)
    }

    @Test func cellsCannotBreakTheTable() {
        let diagnostic = Diagnostic(ruleID: "r", severity: .warning, message: "a | b\nc <script>", range: 0..<1,
                                    rewrite: RewritePlan([.migration(sql: "SELECT '```';")]))
        let report = FileReport(path: "a.sql", source: SourceText("SELECT 1;"), diagnostics: [diagnostic], statementCount: 1)
        let out = MarkdownReporter().render(LintResult(outcomes: [.linted(report)]))
        #expect(out.contains("| 1 | warning | `r` | a \\| b<br>c &lt;script&gt; |\n"))
        // The fence is longer than the backticks inside the rewrite.
        #expect(out.contains("````sql\nSELECT '```';\n````"))
    }

    @Test func cleanRunSaysSo() {
        let report = FileReport(path: "a.sql", source: SourceText("SELECT 1;"), diagnostics: [], statementCount: 1)
        #expect(MarkdownReporter().render(LintResult(outcomes: [.linted(report)])) == "### MigrationLint: 0 findings in 0 files; 1 file checked\n\n**Coverage:** 1 statement, 1 analyzed\n")
    }

    @Test func longListsStopBeforeGitHubsCommentLimit() {
        let reports = (0..<50).map { number in
            FileReport(path: "m\(number).sql", source: SourceText("SELECT 1;"), diagnostics: [
                Diagnostic(ruleID: "r", severity: .warning, message: String(repeating: "x", count: 200), range: 0..<1)
            ], statementCount: 1)
        }
        let out = MarkdownReporter(characterLimit: 3_000).render(LintResult(outcomes: reports.map { .linted($0) }))
        #expect(out.utf8.count < 3_200)
        #expect(out.contains("more findings not shown"))
    }
}

@Suite struct GitLabFormatTests {
    struct Issue: Decodable, Equatable {
        struct Location: Decodable, Equatable {
            struct Lines: Decodable, Equatable { var begin: Int }
            var path: String
            var lines: Lines
        }
        var description: String
        var check_name: String
        var fingerprint: String
        var severity: String
        var location: Location
    }

    func issues(_ text: String, path: String = "db/001.sql") throws -> [Issue] {
        let engine = LintEngine(rules: allRules, configuration: Configuration())
        let report = engine.lint(text: text, path: path)
        let json = GitLabReporter().render(LintResult(outcomes: [.linted(report)]))
        return try JSONDecoder().decode([Issue].self, from: Data(json.utf8))
    }

    @Test func goldenFields() throws {
        let decoded = try JSONDecoder().decode([Issue].self, from: Data(GitLabReporter().render(CIFixture.result).utf8))
        #expect(decoded.map(\.check_name) == ["add-column-volatile-default", "create-index-concurrently"])
        #expect(decoded.map(\.severity) == ["critical", "major"])
        #expect(decoded.map(\.location.path) == ["db/migrations/001_users.sql", "db/migrations/001_users.sql"])
        #expect(decoded.map(\.location.lines.begin) == [2, 3])
        #expect(decoded[1].description == "CREATE INDEX on public.users without CONCURRENTLY blocks writes [create-index-concurrently]")
        #expect(decoded.allSatisfy { $0.fingerprint.count == 64 })
    }

    @Test func fingerprintSurvivesMovingTheStatement() throws {
        let statement = "CREATE INDEX users_email_idx ON users (email);\n"
        let before = try issues(statement)
        let after = try issues("-- a comment added above\nCREATE TABLE t (id bigint PRIMARY KEY);\n\n" + statement)
        #expect(before.count == 1 && after.count == 1)
        #expect(before.first?.location.lines.begin == 1 && after.first?.location.lines.begin == 4)
        #expect(before.first?.fingerprint == after.first?.fingerprint)
        // Another statement, another file: another fingerprint.
        let otherStatement = try issues("CREATE INDEX users_name_idx ON users (name);\n")
        let otherFile = try issues(statement, path: "db/002.sql")
        #expect(otherStatement.first?.fingerprint != before.first?.fingerprint)
        #expect(otherFile.first?.fingerprint != before.first?.fingerprint)
    }

    @Test func identicalFindingsGetDistinctFingerprints() throws {
        let statement = "CREATE INDEX users_email_idx ON users (email);\n"
        let found = try issues(statement + statement)
        #expect(found.count == 2)
        #expect(Set(found.map(\.fingerprint)).count == 2)
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

@Suite struct SARIFFormatTests {
    static let schemaPath = TestEnvironment.shared("schemas/sarif-schema-2.1.0.json").path
    static let hasSchema = FileManager.default.fileExists(atPath: schemaPath)
    static let hasJSONSchema = run(["python3", "-c", "import jsonschema"]).status == 0

    static func run(_ arguments: [String], input: String? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let inputPipe = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = inputPipe
        do { try process.run() } catch { return (127, "\(error)") }
        if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inputPipe.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Output of the real rules on a file with findings with and without fixes.
    static var engineOutput: String {
        let engine = LintEngine(rules: allRules, configuration: Configuration())
        let text = "-- été\nALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\nCREATE INDEX users_email_idx ON users (email);\nCREATE TABLEX broken;\n"
        let report = engine.lint(text: text, path: "db/migrations/001 users.sql")
        let result = LintResult(outcomes: [.linted(report)], errors: [InputError(path: "db/bad.sql", line: 1, column: 4, message: "not valid UTF-8")],
                                rules: engine.rules.map(\.description))
        return SARIFReporter(toolVersion: "0.1.0").render(result)
    }

    /// The real front ends and rules on Fixtures/coverage: places not analyzed in SQL (dynamic
    /// EXECUTE, a syntax error, a placeholder) and in Swift (SQL built at run time).
    static var coverageOutput: String {
        var configuration = Configuration()
        configuration.postgresVersion = 17
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration), threadCount: 1)
        let folder = TestEnvironment.packageRoot.appendingPathComponent("Fixtures/coverage").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let outcomes = names.sorted().map { runner.lint(path: folder + "/" + $0) }
        return SARIFReporter(toolVersion: "0.1.0").render(LintResult(outcomes: outcomes, rules: runner.engine.rules.map(\.description)))
    }

    @Test(.enabled(if: hasSchema, "the SARIF schema is absent (looked for \(schemaPath); set MIGRATION_LINT_SHARED to the folder that holds schemas/)"),
          .enabled(if: hasJSONSchema, "python3 with the jsonschema package is not installed (pip install jsonschema)"))
    func validatesAgainstTheOfficialSchema() {
        for output in [Self.engineOutput, Self.coverageOutput, SARIFReporter().render(CIFixture.result), SARIFReporter().render(LintResult(outcomes: []))] {
            let script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                log = json.load(sys.stdin)
                validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
                errors = list(validator(schema).iter_errors(log))
                for error in errors: print(list(error.absolute_path), error.message)
                sys.exit(1 if errors else 0)
                """
            let (status, messages) = Self.run(["python3", "-c", script, Self.schemaPath], input: output)
            #expect(status == 0, "schema violations: \(messages)")
        }
    }

    @Test func coverageIsARunPropertyAndEachPlaceANotification() throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(Self.coverageOutput.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let coverage = try #require((run["properties"] as? [String: Any])?["coverage"] as? [String: Any])
        #expect(coverage["statements"] as? Int == 10)
        #expect(coverage["analyzed"] as? Int == 5)
        #expect(coverage["unanalyzed"] as? Int == 5)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true, "a place not analyzed is not a failed run")
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.map { ($0["message"] as? [String: Any])?["text"] as? String } == [
            "not analyzed: dynamic EXECUTE", "not analyzed: dynamic EXECUTE", "not analyzed: syntax error (PostgreSQL 16+ syntax?)",
            "SQL built at run time (`SQLQueryString(makeIndexSQL())`) is not analyzed", "not analyzed: placeholder not understood",
        ])
        #expect(Set(notifications.map { $0["level"] as? String }) == ["warning"])
        #expect(Set(notifications.map { ($0["descriptor"] as? [String: Any])?["id"] as? String }) == ["not-analyzed"])
        let region = try #require(((notifications.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 10 && region["startColumn"] as? Int == 11)
    }

    @Test func schemaCatchesABrokenLog() throws {
        // The validation above can fail: a log without `version` is rejected.
        guard Self.hasSchema && Self.hasJSONSchema else { return }
        let script = "import json,sys,jsonschema; jsonschema.validate({'runs': []}, json.load(open(sys.argv[1])))"
        #expect(Self.run(["python3", "-c", script, Self.schemaPath]).status != 0)
    }

    @Test func resultsRulesRegionsAndFixes() throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(SARIFReporter().render(CIFixture.result).utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids.contains("create-index-concurrently") && ids.contains("syntax-error"))
        for rule in rules {
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String != nil)
            #expect((rule["fullDescription"] as? [String: Any])?["text"] as? String != nil)
            #expect((rule["help"] as? [String: Any])?["markdown"] as? String != nil)
        }
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["ruleId"] as? String } == ["add-column-volatile-default", "create-index-concurrently"])
        #expect(results.compactMap { $0["level"] as? String } == ["error", "warning"])
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids[index] == result["ruleId"] as? String)
        }
        func region(_ object: Any?) -> [String: Int]? { object as? [String: Int] }
        let location = (results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == "db/migrations/001_users.sql")
        #expect(region(location?["region"]) == ["startLine": 2, "startColumn": 41, "endLine": 2, "endColumn": 66])
        #expect(results[0]["fixes"] == nil)
        let fix = try #require((results[1]["fixes"] as? [[String: Any]])?.first)
        let change = try #require((fix["artifactChanges"] as? [[String: Any]])?.first)
        let replacement = try #require((change["replacements"] as? [[String: Any]])?.first)
        #expect(region(replacement["deletedRegion"]) == ["startLine": 3, "startColumn": 13, "endLine": 3, "endColumn": 13])
        #expect((replacement["insertedContent"] as? [String: Any])?["text"] as? String == " CONCURRENTLY")
    }

    @Test func columnsCountCodePointsAfterMultiByteText() throws {
        let text = "-- ü\nCREATE INDEX /* é */ i ON t (a);\n"
        let start = CIFixture.range(of: "INDEX", in: text)
        let report = FileReport(path: "a.sql", source: SourceText(text),
                                diagnostics: [Diagnostic(ruleID: "r", severity: .warning, message: "m", range: start)], statementCount: 1)
        let out = SARIFReporter().render(LintResult(outcomes: [.linted(report)]))
        #expect(out.contains("\"endColumn\" : 13"))
        #expect(out.contains("\"startColumn\" : 8"))
        #expect(SARIFReporter.uri("db/001 users.sql") == "db/001%20users.sql")
        #expect(SARIFReporter.uri("/abs/a.sql") == "file:///abs/a.sql")
    }
}

/// Which formats are written file by file, on all cores, and with the same bytes as the whole
/// document rendered at once.
@Suite struct PerFileFormatTests {
    @Test func theFormatsWrittenFileByFileSayThatTheyAre() {
        let perFile = OutputFormat.allCases.filter { $0.reporter(color: false).perFile != nil }
        #expect(perFile == [.text, .gcc, .json])
    }

    @Test func partsInTheirFrameAreTheWholeDocument() throws {
        for format in [OutputFormat.text, .gcc, .json] {
            let reporter = format.reporter(color: false)
            let perFile = try #require(reporter.perFile)
            let frame = perFile.frame(CIFixture.result)
            var joiner = PartJoiner(frame: frame)
            var bytes = frame.head
            for report in CIFixture.result.reports { joiner.append(perFile.renderFile(report)) { bytes += $0 } }
            bytes += frame.tail
            #expect(String(decoding: bytes, as: UTF8.self) == reporter.render(CIFixture.result), "\(format)")
        }
    }
}

/// The buffer every JSON output is written into.
@Suite struct JSONWriterTests {
    @Test func aCopiedWriterKeepsItsOwnBytesAndTheBufferGrows() {
        var first = JSONWriter()
        first.writeString("a \"quoted\"\tname\u{1}")
        var second = first // shares the buffer until one of them writes
        second.append(" and more")
        let long = String(repeating: "x", count: 1_000) // past the first buffer's 256 bytes
        first.writeString(long)
        #expect(String(decoding: first.out, as: UTF8.self) == #""a \"quoted\"\tname\u0001""# + "\"\(long)\"")
        #expect(String(decoding: second.out, as: UTF8.self) == #""a \"quoted\"\tname\u0001" and more"#)
        var empty = JSONWriter()
        empty.append("")
        empty.writeString("")
        #expect(empty.out == Array(#""""#.utf8))
    }
}
