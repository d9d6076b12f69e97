import Foundation
import Testing
import MigrationLint
import MigrationInput
import PostgresSyntax

@Suite struct LayoutTests {
    func decide(_ path: String, _ text: String = "SELECT 1;\n", includeDown: Bool = false, assume: Bool = false) -> LayoutDecision {
        LayoutDetector.decide(path: path, source: SourceText(text), includeDown: includeDown, assumeInTransaction: assume)
    }

    @Test func upDownFilePairs() {
        #expect(decide("db/1_init.up.sql").lintRanges != nil)
        #expect(decide("db/1_init.down.sql").lintRanges == nil)
        #expect(decide("migrations/2024_x/up.sql").layout == .diesel)
        #expect(decide("migrations/2024_x/down.sql").lintRanges == nil)
        #expect(decide("db/1_init.down.sql", includeDown: true).lintRanges != nil)
        #expect(decide("db/1_init.up.sql").transactionPolicy == .ifMultipleStatements)
    }

    @Test func gooseSectionsAndTransaction() {
        let text = "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n-- +goose Down\nSELECT 2;\n"
        let decision = decide("20240101_a.sql", text)
        #expect(decision.layout == .goose)
        #expect(decision.transactionPolicy == .whole)
        let source = SourceText(text)
        #expect(decision.lintRanges?.map { source.text($0) } == ["-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n"])
        #expect(decide("x.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n").transactionPolicy == .none)
    }

    @Test func dbmateSectionsAndTransaction() {
        let text = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n"
        let decision = decide("db/migrations/20240101_a.sql", text)
        #expect(decision.layout == .dbmate)
        #expect(decision.transactionPolicy == .none)
        let source = SourceText(text)
        #expect(decision.lintRanges?.map { source.text($0) } == ["CREATE INDEX CONCURRENTLY i ON t (a);\n"])
        #expect(decide("a.sql", "-- migrate:up\nSELECT 1;\n").transactionPolicy == .whole)
    }

    @Test func flywayPrismaSqitchAndPlain() {
        #expect(decide("sql/V2__add_users.sql").layout == .flyway)
        #expect(decide("sql/V2__add_users.sql").transactionPolicy == .whole)
        #expect(decide("sql/R__views.sql").layout == .flyway)
        #expect(decide("sql/U2__add_users.sql").lintRanges == nil)
        #expect(decide("prisma/migrations/20240101_init/migration.sql").layout == .prisma)
        #expect(decide("prisma/migrations/20240101_init/migration.sql").transactionPolicy == .ifMultipleStatements)
        #expect(decide("deploy/users.sql").layout == .sqitch)
        #expect(decide("revert/users.sql").lintRanges == nil)
        #expect(decide("verify/users.sql").lintRanges == nil)
        #expect(decide("db/001_init.sql").layout == .plain)
        #expect(decide("db/001_init.sql").transactionPolicy == .none)
        #expect(decide("db/001_init.sql", assume: true).transactionPolicy == .whole)
    }

    @Test func downSectionKeepsLineNumbersOfTheFile() {
        let text = "-- +goose Up\nCREATE INDEX i ON t (a);\n-- +goose Down\nDROP INDEX i;\n"
        let source = SourceText(text)
        let decision = decide("a.sql", text)
        let statements = SQLParser().parse(source, ranges: decision.lintRanges)
        #expect(statements.count == 1)
        #expect(source.position(of: statements[0].range.lowerBound).line == 2)
    }
}

@Suite struct ConfigurationFileTests {
    let known: Set<String> = ["create-index-concurrently", "syntax-error"]

    @Test func readsEveryKey() throws {
        let c = try ConfigurationFile.parse("""
            postgres-version: 12
            rules:
              create-index-concurrently: error
              syntax-error: off
            paths: [db/migrations]
            exclude:
              - "**/seed_*.sql"
            assume-in-transaction: true
            layout: goose
            include-down: true
            time-zone: UTC
            fail-on: never
            """, path: "c.yml", knownRuleIDs: known)
        #expect(c.postgresVersion == 12)
        #expect(c.ruleSettings == ["create-index-concurrently": .error, "syntax-error": .off])
        #expect(c.paths == ["db/migrations"] && c.exclude == ["**/seed_*.sql"])
        #expect(c.assumeInTransaction && c.includeDown && c.layout == .goose && c.timeZone == "UTC")
        #expect(c.failOn == .never)
    }

    @Test func errorsNameLineColumnAndSuggestion() {
        #expect(throws: InputError(path: "c.yml", line: 2, column: 30, message: "rule `create-index-concurrently`: severity must be off, info, warning or error")) {
            try ConfigurationFile.parse("rules:\n  create-index-concurrently: loud\n", path: "c.yml", knownRuleIDs: known)
        }
        #expect(throws: InputError(path: "c.yml", line: 1, column: 1, message: "unknown key `layuot`; did you mean `layout`? (allowed: postgres-version, rules, paths, exclude, assume-in-transaction, layout, include-down, time-zone, fail-on, fail-on-unanalyzed, squawk-compat, placeholders, history, schema, snapshot, small-table-rows, large-table-rows, rewrite-mb-per-second)")) {
            try ConfigurationFile.parse("layuot: goose\n", path: "c.yml", knownRuleIDs: known)
        }
    }

    /// The words `--fail-on` takes, and no others; the supported versions named in the error.
    @Test func failOnAndVersionBounds() throws {
        for failOn in FailOn.allCases {
            #expect(try ConfigurationFile.parse("fail-on: \(failOn.rawValue)\n", path: "c.yml", knownRuleIDs: known).failOn == failOn)
        }
        #expect(try ConfigurationFile.parse("", path: "c.yml", knownRuleIDs: known).failOn == .warning)
        #expect(throws: InputError(path: "c.yml", line: 1, column: 10, message: "`fail-on` must be error, warning, info or never")) {
            try ConfigurationFile.parse("fail-on: warnings\n", path: "c.yml", knownRuleIDs: known)
        }
        #expect(throws: InputError(path: "c.yml", line: 1, column: 19, message: "`postgres-version` must be a major version from 9 to 19")) {
            try ConfigurationFile.parse("postgres-version: 8\n", path: "c.yml", knownRuleIDs: known)
        }
    }

    @Test func invalidYAMLHasAPosition() {
        do {
            _ = try ConfigurationFile.parse("rules: [a\n", path: "c.yml", knownRuleIDs: known)
            Issue.record("no error")
        } catch let error as InputError {
            #expect(error.line != nil)
            #expect(error.message.hasPrefix("invalid YAML"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theStarterFileLoads() throws {
        let text = ConfigurationFile.starter(rules: [])
        #expect(throws: Never.self) { try ConfigurationFile.parse(text, path: "s.yml", knownRuleIDs: known) }
    }
}

@Suite struct GlobAndWriterTests {
    @Test func globMatching() {
        #expect(Glob.matches("db/**/*.sql", "db/a/b/1.sql"))
        #expect(Glob.matches("db/**/*.sql", "db/1.sql"))
        #expect(!Glob.matches("db/*.sql", "db/a/1.sql"))
        #expect(Glob.matches("V[0-9]__*.sql", "V2__x.sql"))
        #expect(FileDiscovery(exclude: ["seed_*.sql"]).isExcluded("db/seed_users.sql"))
        #expect(FileDiscovery(exclude: ["db/legacy"]).isExcluded("db/legacy/1.sql"))
        #expect(!FileDiscovery(exclude: ["db/legacy"]).isExcluded("db/current/1.sql"))
    }

    @Test func namedFilesAreListedOnceUnderOneSpelling() {
        // `./db//1.sql` and `db/1.sql` are one file: listed once, as `db/1.sql`, sorted; a name
        // with a doubled underscore (Flyway's `V1__x.sql`) keeps it.
        let (files, errors) = FileDiscovery(exclude: ["db/legacy"]).collect(
            ["./db//1.sql", "db/1.sql", "db///V2__add.sql", "./db/legacy/0.sql", "db/0.sql"])
        #expect(files == ["db/0.sql", "db/1.sql", "db/V2__add.sql"])
        #expect(errors.isEmpty)
    }

    @Test func anInterruptedWriteLeavesTheOriginalAndNoTemporaryFile() throws {
        let directory = NSTemporaryDirectory() + "ml-writer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/m.sql"
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8))
        struct Interrupted: Error {}
        let writer = AtomicWriter(beforeRename: { _ in throw Interrupted() })
        #expect(throws: Interrupted.self) { try writer.write(Array("new".utf8), to: path) }
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["m.sql"])
        try AtomicWriter().write(Array("new".utf8), to: path)
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "new")
    }

    @Test func aRewrittenFileKeepsItsPermissions() throws {
        let directory = NSTemporaryDirectory() + "ml-writer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/m.sql"
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o640])
        try AtomicWriter().write(Array("new".utf8), to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["m.sql"])
    }
}

@Suite struct SuppressionParsingTests {
    @Test func parsesIdsAndReason() {
        let comment = Comment(range: 0..<10, text: "migration-lint-ignore: rule-a, rule-b the reason, with commas", isBlock: false)
        let suppression = Suppression.parse(comment)
        #expect(suppression?.ruleIDs == ["rule-a", "rule-b"])
        #expect(suppression?.reason == "the reason, with commas")
        #expect(suppression?.scope == .nextStatement)
        #expect(Suppression.parse(Comment(range: 0..<1, text: "migration-lint-ignore-file: x", isBlock: true))?.scope == .file)
        #expect(Suppression.parse(Comment(range: 0..<1, text: "just a comment", isBlock: false)) == nil)
    }
}
