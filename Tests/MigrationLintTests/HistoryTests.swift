import Foundation
import Testing
import LockModel
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import TestSupport

/// The earlier migrations of a file's migration set are replayed before it is linted: answers
/// use the schema they built, findings are reported only for the files asked for.
@Suite struct HistoryTests {
    /// A fresh folder holding `files` (relative path to SQL); removed by the caller.
    func folder(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mlint-history-\(UUID().uuidString)")
        for (path, sql) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try sql.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    func lint(_ paths: [String], history: Bool = true, schema: String? = nil) -> [FileOutcome] {
        var configuration = Configuration()
        configuration.history = history
        configuration.schemaFile = schema
        return LintRunner(engine: LintEngine(rules: allRules, configuration: configuration)).lint(paths: paths)
    }

    func ruleIDs(_ outcome: FileOutcome?) -> [String] {
        guard case .linted(let report)? = outcome else { return ["not linted"] }
        return report.diagnostics.map(\.ruleID)
    }

    static let orders = """
        CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10,2), note varchar(50), user_id bigint);
        CREATE INDEX orders_note_idx ON orders (note);

        """

    /// A folder where `orders` is created by one migration and `sql` is the next: the folder (removed
    /// by the caller) and the path of the second migration.
    func afterOrders(_ sql: String) throws -> (root: URL, target: String) {
        let root = try folder(["migrations/001_orders.sql": Self.orders, "migrations/002_widen.sql": sql])
        return (root, root.appendingPathComponent("migrations/002_widen.sql").path)
    }

    @Test func aWideningKnownFromAnEarlierFileIsNoRewriteAndOnlyTheFileAskedForIsReported() throws {
        let (root, target) = try afterOrders("ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let outcomes = lint([target])
        #expect(outcomes.count == 1)
        #expect(outcomes.first?.path == target)
        #expect(!ruleIDs(outcomes.first).contains("alter-column-type"))
        #expect(ruleIDs(lint([target], history: false).first).contains("alter-column-type"))
    }

    /// A path named twice (as `git diff --name-only` and a folder together may name it) is linted
    /// twice, both times after its history.
    @Test func aPathNamedTwiceGetsItsHistoryBothTimes() throws {
        let (root, target) = try afterOrders("ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\nALTER TABLE orders ALTER COLUMN total TYPE numeric(8,2);\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let outcomes = lint([target, target])
        #expect(outcomes.count == 2)
        // The widening is known from the earlier file; the narrowing is reported, in both.
        #expect(ruleIDs(outcomes[0]) == ["alter-column-type"])
        #expect(ruleIDs(outcomes[1]) == ruleIDs(outcomes[0]))
    }

    /// Linting a whole folder parses each earlier file once: the lint reuses what the replay
    /// parsed (its statements, and the file's split and placeholder scan), and finds exactly what
    /// it finds when it parses the file itself, a file with placeholders to stand in for too.
    @Test func aFolderLintedWholeReusesTheReplaysParseWithTheSameFindings() throws {
        let root = try folder([
            "m/1_orders.sql": Self.orders + "CREATE INDEX orders_user_idx ON orders (user_id);\n",
            "m/2_widen.sql": "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\nALTER TABLE orders ADD COLUMN paid boolean;\n",
            "m/3_templated.sql": "ALTER TABLE ${schema}.orders ADD COLUMN shipped_at timestamptz;\nCREATE INDEX orders_paid_idx ON orders (paid);\n",
            "m/4_last.sql": "CREATE INDEX orders_total_idx ON orders (total);\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let paths = ["1_orders", "2_widen", "3_templated", "4_last"].map { root.appendingPathComponent("m/\($0).sql").path }
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: Configuration()))
        let history = runner.history(of: paths)
        #expect(Set(history.parsed.keys) == Set(paths.prefix(3)), "the last file is replayed by no one")
        #expect(Set(history.schemas.keys) == Set(paths))
        let whole = runner.lint(paths: paths)
        for (index, path) in paths.enumerated() {
            let source = try SourceReader.read(path: path).get()
            let alone = runner.lint(path: path, source: source, before: history.schemas[path] ?? SchemaCatalog())
            guard case .linted(let reused) = whole[index], case .linted(let parsedAgain) = alone else {
                Issue.record("\(path) was not linted"); continue
            }
            #expect(reused.diagnostics == parsedAgain.diagnostics)
        }
        #expect(ruleIDs(whole[1]).contains("unjustified-nullable-column"))
        #expect(!ruleIDs(whole[1]).contains("alter-column-type"))
        // The placeholder stands in for a schema; the index after it is found where it is in the
        // file, at the same place in its line as in the last file, which has no placeholder.
        guard case .linted(let templated) = whole[2], case .linted(let last) = whole[3] else { Issue.record("not linted"); return }
        let index = try #require(templated.diagnostics.first { $0.ruleID == "create-index-concurrently" })
        let lastIndex = try #require(last.diagnostics.first { $0.ruleID == "create-index-concurrently" })
        let secondLine = "ALTER TABLE ${schema}.orders ADD COLUMN shipped_at timestamptz;\n".utf8.count
        #expect(index.range.lowerBound == secondLine + lastIndex.range.lowerBound)
    }

    @Test func aTableCreatedByAnEarlierMigrationIsNotNew() throws {
        let root = try folder([
            "m/1_orders.sql": Self.orders,
            "m/2_index.sql": "CREATE INDEX orders_total_idx ON orders (total);\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(ruleIDs(lint([root.appendingPathComponent("m/2_index.sql").path]).first).contains("create-index-concurrently"))
    }

    @Test func explainCitesTheEarlierFileOfWhatItKnows() throws {
        let root = try folder([
            "db/10_orders.sql": Self.orders,
            "db/9_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "db/11_change.sql": "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\nDROP INDEX orders_note_idx;\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("db/11_change.sql").path
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let before = try #require(runner.schemasBefore([target])[target])
        // 9 before 10 (numeric order), so users and orders are both known.
        #expect(before.tables["public.users"] != nil)
        let file = try #require(runner.migrationFile(path: target, source: SourceText(try String(contentsOfFile: target, encoding: .utf8))))
        let analysis = runner.engine.analyze(file, before: before)
        #expect(analysis.statements.map { $0.effects.facts.map(\.text) } == [
            ["orders.total is numeric(10, 2), from 10_orders.sql:1"],
            ["public.orders_note_idx is an index of public.orders, from 10_orders.sql:2"],
        ])
        #expect(analysis.statements[0].effects.rewrites.isEmpty)
        #expect(analysis.statements[1].effects.locks.map(\.relation.qualified) == ["public.orders_note_idx", "public.orders"])
    }

    @Test func anUnreadableStatementMakesItsTableUnknownAndTheRestReplays() throws {
        let root = try folder([
            "m/001_orders.sql": Self.orders + "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(20));\n",
            "m/002_broken.sql": "ALTER TABLE orders ALTR COLUMN note TYPE text;\nALTER TABLE users ADD COLUMN email varchar(30);\n",
            "m/003_change.sql": "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\nALTER TABLE users ALTER COLUMN email TYPE varchar(60);\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("m/003_change.sql").path
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let before = try #require(runner.schemasBefore([target])[target])
        #expect(before.tables["public.orders"] == nil, "the broken statement may have changed orders")
        #expect(before.columnType(table: "public.users", column: "email")?.sql == "varchar(30)")
        #expect(!before.isComplete)
        let file = try #require(runner.migrationFile(path: target, source: SourceText(try String(contentsOfFile: target, encoding: .utf8))))
        let analysis = runner.engine.analyze(file, before: before)
        #expect(analysis.statements[0].effects.assumptions.map(\.text) == ["may rewrite: the old type of orders.note is not known"])
        #expect(analysis.statements[1].effects.rewrites.isEmpty)
    }

    /// An earlier file whose name is not UTF-8 (the listing reads names as bytes): it cannot be
    /// opened under the name Swift makes of it, so it is an unreadable earlier place, named in the
    /// coverage, and the rest of the set replays around it.
    @Test func anEarlierFileNamedInBytesThatAreNotUTF8IsUnreadableAndTheRestReplays() throws {
        let root = try folder([
            "m/001_orders.sql": Self.orders,
            "m/003_change.sql": "ALTER TABLE orders ADD COLUMN placed_at timestamptz;\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        // 002_<0xFF>.sql, written through the C API: Foundation takes names as Strings.
        let name = (Array((root.path + "/m/002_").utf8) + [0xFF] + Array(".sql".utf8) + [0]).map { CChar(bitPattern: $0) }
        let file = try #require(fopen(name, "w"))
        fputs("CREATE TABLE users (id bigint PRIMARY KEY);\n", file)
        fclose(file)
        let target = root.appendingPathComponent("m/003_change.sql").path
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let before = try #require(runner.schemasBefore([target])[target])
        #expect(before.tables["public.orders"] != nil, "the file before it replays")
        #expect(before.tables["public.users"] == nil)
        #expect(!before.isComplete, "what the unreadable file created is not known")
        guard case .linted(let report)? = runner.lint(paths: [target]).first else { Issue.record("not linted"); return }
        let places = report.coverage.history
        #expect(places.map(\.reason) == ["file not readable"])
        #expect(places.first?.path.hasPrefix(root.path + "/m/002_") == true)
    }

    @Test func downPartsAreNotReplayed() throws {
        let root = try folder([
            "g/00001_orders.sql": "-- +goose Up\n" + Self.orders + "-- +goose Down\nDROP TABLE orders;\n",
            "g/00002_widen.sql": "-- +goose Up\nALTER TABLE orders ALTER COLUMN note TYPE varchar(60);\n",
            "u/1_orders.up.sql": Self.orders,
            "u/1_orders.down.sql": "DROP TABLE orders;\n",
            "u/2_widen.up.sql": "ALTER TABLE orders ALTER COLUMN note TYPE varchar(60);\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        for target in ["g/00002_widen.sql", "u/2_widen.up.sql"] {
            let path = root.appendingPathComponent(target).path
            let runner = LintRunner(engine: LintEngine(rules: allRules))
            #expect(runner.schemasBefore([path])[path]?.columnType(table: "public.orders", column: "note")?.sql == "varchar(50)", "\(target)")
        }
    }

    /// File names are ordered as Foundation's `.numeric` comparison orders them (the order used
    /// before the comparison was written out for speed): leading zeros, digit runs of different
    /// lengths, names that differ only after a number.
    /// One migration set (one file linted, the pre-commit case) is replayed file by file as the
    /// workers parse it when the calling thread has the workers' stack (the CLI's main thread),
    /// and after the whole parse otherwise: the same schema and the same places either way,
    /// through a file `exclude` passes over, a statement that cannot be read and an unreadable file.
    @Test func oneSetReplayedAsItIsParsedGivesWhatTheReplayAfterTheParseGives() throws {
        let root = try folder([
            "m/001_orders.sql": Self.orders,
            "m/002_skipped.sql": "DROP TABLE orders;\n",
            "m/003_broken.sql": "ALTER TABLE audit ADD COLUMN;\nCREATE TABLE users (id bigint PRIMARY KEY);\n",
            "m/004_more.sql": "ALTER TABLE users ADD COLUMN name text;\n",
            "m/005_target.sql": "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        try Data([0x41, 0xFF, 0xFE, 0x0A]).write(to: root.appendingPathComponent("m/003a_binary.sql"))
        var configuration = Configuration()
        configuration.exclude = ["**/002_skipped.sql"]
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration))
        let target = root.appendingPathComponent("m/005_target.sql").path
        final class Box: @unchecked Sendable { var outcomes: [FileOutcome] = [] }
        func lint(stack: Int) -> FileReport? {
            let box = Box(), done = DispatchSemaphore(value: 0)
            let thread = Thread { box.outcomes = runner.lint(paths: [target]); done.signal() }
            thread.stackSize = stack
            thread.start()
            done.wait()
            guard case .linted(let report)? = box.outcomes.first else { return nil }
            return report
        }
        let streamed = try #require(lint(stack: runner.stackSize))
        let afterParse = try #require(lint(stack: 8 << 20))
        #expect(streamed.diagnostics == afterParse.diagnostics)
        #expect(streamed.coverage == afterParse.coverage)
        // The replay went through every file: the excluded DROP did not run, the widening is known.
        #expect(!streamed.diagnostics.contains { $0.ruleID == "alter-column-type" })
        #expect(streamed.coverage.history.map { ($0.path as NSString).lastPathComponent } == ["003_broken.sql", "003a_binary.sql"])
    }

    /// A folder linted whole walks each set once, each file's walk learning the schema of the
    /// next, where the replay walked every earlier file again (on one worker a set is walked
    /// whatever its length; on more, while no set is longer than a worker's share): every file's
    /// findings, notes (those that cite where an object came from, to the line) and coverage are
    /// what the lint of the file alone after the replay gives, walked or replayed. Through the
    /// files whose walk learns otherwise than the replay (a DO block, a statement that cannot be
    /// read), a file `exclude` passes over, an unreadable file, a file not asked for between two
    /// that are, and a path named twice.
    @Test(arguments: [1, 2]) func aSetWalkedOnceGivesWhatTheReplayBeforeEachFileGives(threads: Int) throws {
        let root = try folder([
            "m/01_orders.sql": "-- orders\n" + Self.orders + "ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n",
            "m/02_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(20));\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n",
            "m/03_block.sql": "DO $$\nBEGIN\n  CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);\nEND\n$$;\nALTER TABLE orders ADD COLUMN paid boolean;\n",
            "m/04_broken.sql": "ALTER TABLE users ADD COLUMN;\nALTER TABLE orders ALTER COLUMN note TYPE varchar(80);\n",
            "m/05_skipped.sql": "DROP TABLE orders;\n",
            "m/06_between.sql": "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
            "m/07_last.sql": "ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n"
                + "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\nALTER TABLE audit ADD COLUMN who text;\nALTER TABLE users DROP COLUMN id;\n"
                + "ALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false;\nALTER TABLE orders ALTER COLUMN flag SET NOT NULL;\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        try Data([0x41, 0xFF, 0xFE, 0x0A]).write(to: root.appendingPathComponent("m/04a_binary.sql"))
        var configuration = Configuration()
        configuration.exclude = ["**/05_skipped.sql"]
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration), threadCount: threads)
        let names = ["01_orders", "02_users", "03_block", "04_broken", "05_skipped", "07_last", "02_users"]
        let paths = names.map { root.appendingPathComponent("m/\($0).sql").path }
        let whole = runner.lint(paths: paths)
        let schemas = runner.schemasBefore(paths)
        for (index, path) in paths.enumerated() {
            let source = try SourceReader.read(path: path).get()
            let earlier = runner.history(of: [path]).earlier[path]
            guard case .linted(let walked) = whole[index], case .linted(var replayed) = runner.lint(path: path, source: source, before: schemas[path]) else {
                Issue.record("\(path) was not linted"); continue
            }
            replayed.coverage.history = earlier ?? []
            #expect(walked.diagnostics == replayed.diagnostics, "\(names[index])")
            #expect(walked.coverage == replayed.coverage, "\(names[index])")
        }
        // What the user sees: a note cites the earlier file and line the walk learned a column
        // from, and a column added earlier in the same file is cited as nothing.
        guard case .linted(let last) = whole[5] else { Issue.record("not linted"); return }
        let redundant = last.diagnostics.filter { $0.ruleID == "redundant-set-not-null" }
        #expect(redundant.count == 2)
        #expect(redundant.first?.notes.contains("orders.user_id is NOT NULL since 01_orders.sql:2") == true)
        #expect(redundant.last?.message.contains("flag") == true)
        #expect(redundant.last?.notes.contains { $0.contains("since") } == false)
        #expect(last.coverage.history.map { ($0.path as NSString).lastPathComponent } == ["04_broken.sql", "04a_binary.sql"])
    }

    /// Sets of different lengths linted whole on more than one worker: a worker walks a set to
    /// its end and lints each file as it walks it, and a worker with nothing left takes the files
    /// another walk hands over. Every file's findings, notes and coverage are those of the run on
    /// one worker, and each set's later files know what its first file created.
    @Test(arguments: [2, 3]) func setsWalkedOnSeveralWorkersGiveWhatOneWorkerGives(threads: Int) throws {
        var files: [String: String] = [:]
        for set in 1...6 {
            files["s\(set)/001_orders.sql"] = "-- orders\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n"
            for index in 2...(set * 3) {
                files["s\(set)/\(String(format: "%03d", index))_step.sql"] = index % 2 == 0
                    ? "ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n"
                    : "ALTER TABLE orders ADD COLUMN c\(index) text;\nALTER TABLE missing ADD COLUMN x int;\n"
            }
        }
        let root = try folder(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let paths = files.keys.sorted().map { root.appendingPathComponent($0).path }
        let engine = LintEngine(rules: allRules)
        let several = LintRunner(engine: engine, threadCount: threads).lint(paths: paths)
        let one = LintRunner(engine: engine, threadCount: 1).lint(paths: paths)
        for (index, path) in paths.enumerated() {
            guard case .linted(let walked) = several[index], case .linted(let alone) = one[index] else {
                Issue.record("\(path) was not linted"); continue
            }
            #expect(walked.diagnostics == alone.diagnostics, "\(path)")
            #expect(walked.coverage == alone.coverage, "\(path)")
        }
        let last = try #require(paths.firstIndex { $0.hasSuffix("s6/018_step.sql") })
        guard case .linted(let report) = several[last] else { Issue.record("not linted"); return }
        let redundant = report.diagnostics.first { $0.ruleID == "redundant-set-not-null" }
        #expect(redundant?.notes.contains("orders.user_id is NOT NULL since 001_orders.sql:2") == true)
    }

    /// CREATE TABLE IF NOT EXISTS of a table an earlier migration created is skipped by
    /// PostgreSQL: the table is not new, it may hold rows, so what the file does to it next is
    /// checked as on any existing table. The same file on an empty history creates the table.
    @Test func aTableCreatedIfNotExistsThatTheHistoryShowsIsNotNew() throws {
        let second = "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, note text);\nALTER TABLE orders ADD COLUMN code text NOT NULL;\nCREATE INDEX orders_code_idx ON orders (code);\n"
        let root = try folder(["m/001_orders.sql": Self.orders, "m/002_again.sql": second, "n/002_again.sql": second])
        defer { try? FileManager.default.removeItem(at: root) }
        let outcomes = lint([root.appendingPathComponent("m/002_again.sql").path, root.appendingPathComponent("n/002_again.sql").path])
        #expect(ruleIDs(outcomes.first) == ["add-column-not-null-without-default", "create-index-concurrently"])
        #expect(ruleIDs(outcomes.last) == ["unjustified-nullable-column"])
    }

    /// A plain file among golang-migrate pairs is part of their set: one set for the folder,
    /// replayed once, each file linted after every file before it whatever its layout.
    @Test func aPlainFileAmongUpDownPairsSharesTheirSet() throws {
        let root = try folder([
            "m/001_orders.up.sql": Self.orders,
            "m/001_orders.down.sql": "DROP TABLE orders;\n",
            "m/002_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50));\nALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\n",
            "m/003_widen.up.sql": "ALTER TABLE users ALTER COLUMN name TYPE varchar(100);\n",
            "m/003_widen.down.sql": "ALTER TABLE users ALTER COLUMN name TYPE varchar(50);\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let plain = root.appendingPathComponent("m/002_users.sql").path
        let pair = root.appendingPathComponent("m/003_widen.up.sql").path
        #expect(MigrationHistory.setKey(of: plain, layout: .plain) == MigrationHistory.setKey(of: pair, layout: .upDownFiles))
        #expect(MigrationHistory.setKey(of: plain, layout: .plain) != MigrationHistory.setKey(of: plain, layout: .flyway))
        let outcomes = lint([plain, pair])
        // Each widening is known from the file before it: no rewrite is reported.
        #expect(!ruleIDs(outcomes[0]).contains("alter-column-type"))
        #expect(!ruleIDs(outcomes[1]).contains("alter-column-type"))
        #expect(ruleIDs(lint([plain, pair], history: false)[1]).contains("alter-column-type"))
    }

    @Test func versionOrderMatchesFoundationsNumericComparison() {
        let names = ["V1.1__a.sql", "V1.10__b.sql", "V1.9__c.sql", "0001_x.sql", "1_x.sql", "01_y.sql", "10_a.sql", "9_z.sql",
                     "2024_01_b.sql", "2024_1_a.sql", "a10.sql", "a9.sql", "a.sql", "A.sql", "_a.sql", "20240101000000_x.sql",
                     "2024010100000_y.sql", "x2y10.sql", "x2y9.sql", "x02y9.sql", "V2__b.sql", "V10__c.sql", "99999999999999999999_a.sql",
                     "100000000000000000000_b.sql"]
        let paths = names.map { "m/" + $0 }
        let foundation = paths.sorted { a, b in
            let order = (a as NSString).lastPathComponent.compare((b as NSString).lastPathComponent, options: [.numeric])
            return order == .orderedSame ? a < b : order == .orderedAscending
        }
        #expect(MigrationHistory.ordered(paths, layout: .plain) == foundation)
    }

    @Test(.requiresCorpus) func versionOrderMatchesFoundationOnTheCorpus() {
        var byFolder: [String: [String]] = [:]
        for path in TestEnvironment.corpusFiles() { byFolder[(path as NSString).deletingLastPathComponent, default: []].append(path) }
        for (_, paths) in byFolder {
            let foundation = paths.sorted { a, b in
                let order = (a as NSString).lastPathComponent.compare((b as NSString).lastPathComponent, options: [.numeric])
                return order == .orderedSame ? a < b : order == .orderedAscending
            }
            #expect(MigrationHistory.ordered(paths.reversed(), layout: .plain) == foundation)
        }
    }

    @Test func layoutsOrderTheirSets() throws {
        #expect(MigrationHistory.ordered(["m/10_c.sql", "m/2_b.sql", "m/1_a.sql"], layout: .plain) == ["m/1_a.sql", "m/2_b.sql", "m/10_c.sql"])
        #expect(MigrationHistory.ordered(["f/R__views.sql", "f/V10__c.sql", "f/V2__b.sql", "f/V1.1__a.sql"], layout: .flyway)
                == ["f/V1.1__a.sql", "f/V2__b.sql", "f/V10__c.sql", "f/R__views.sql"])
        let root = try folder([
            "prisma/migrations/20240102_b/migration.sql": "SELECT 1;\n",
            "prisma/migrations/20240101_a/migration.sql": "SELECT 1;\n",
            "prisma/migrations/migration_lock.toml": "provider = \"postgresql\"\n",
            "sq/sqitch.plan": "%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z A <a@b.c> # users\n@v1 2024-01-02T00:00:00Z A <a@b.c>\nappschema 2024-01-03T00:00:00Z A <a@b.c>\n",
            "sq/deploy/appschema.sql": "SELECT 1;\n",
            "sq/deploy/users.sql": "SELECT 1;\n",
            "d/migrations/2024-02-01-000000_b/up.sql": "SELECT 1;\n",
            "d/migrations/2024-01-01-000000_a/up.sql": "SELECT 1;\n",
            "d/migrations/2024-01-01-000000_a/down.sql": "SELECT 1;\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let base = root.path + "/"
        func names(_ path: String, _ layout: MigrationLayout) -> [String] {
            MigrationHistory.members(of: base + path, layout: layout).map { String($0.dropFirst(base.count)) }
        }
        #expect(names("prisma/migrations/20240102_b/migration.sql", .prisma)
                == ["prisma/migrations/20240101_a/migration.sql", "prisma/migrations/20240102_b/migration.sql"])
        #expect(names("sq/deploy/users.sql", .sqitch) == ["sq/deploy/users.sql", "sq/deploy/appschema.sql"])
        #expect(names("d/migrations/2024-02-01-000000_b/up.sql", .diesel)
                == ["d/migrations/2024-01-01-000000_a/up.sql", "d/migrations/2024-02-01-000000_b/up.sql"])
    }

    @Test func aSchemaDumpIsTheStateBeforeTheFirstMigration() throws {
        let root = try folder([
            "schema.sql": Self.orders,
            "m/1_widen.sql": "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("m/1_widen.sql").path
        #expect(!ruleIDs(lint([target], schema: root.appendingPathComponent("schema.sql").path).first).contains("alter-column-type"))
        #expect(ruleIDs(lint([target]).first).contains("alter-column-type"))
    }
}
