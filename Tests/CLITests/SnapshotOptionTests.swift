import Foundation
import Testing
import TestSupport

/// `lint --snapshot`: size-aware findings from a snapshot file, and the snapshot files it refuses.
/// A snapshot read from a real server is tested in DatabaseSnapshotTests.
@Suite struct SnapshotOptionTests {
    static let snapshot = "Fixtures/snapshots/shop.json"
    static let migration = "Fixtures/database/size-aware.sql"

    @Test func findingsStateTableSizesAndFollowThemInSeverity() throws {
        let result = try CLI.run(["lint", "--snapshot", Self.snapshot, Self.migration])
        #expect(result.status == 1)
        if let mismatch = Golden.check(result.stdout, against: "lint/size-aware.txt") { Issue.record(Comment(rawValue: mismatch)) }
    }

    @Test func withoutASnapshotSeveritiesAreTheRulesOwn() throws {
        let result = try CLI.run(["lint", "--format", "json", Self.migration])
        let sized = try CLI.run(["lint", "--format", "json", "--snapshot", Self.snapshot, Self.migration])
        #expect(!result.stdout.contains("from the snapshot"))
        #expect(sized.stdout.contains("public.events: about 212M rows, 49 GB"))
        // The 40-row table's index build is info, the 212M-row table's an error; without sizes both warnings.
        #expect(result.stdout.components(separatedBy: "\"severity\" : \"info\"").count
            < sized.stdout.components(separatedBy: "\"severity\" : \"info\"").count)
    }

    @Test func thresholdsAndRateComeFromTheConfiguration() throws {
        let sandbox = try Sandbox()
        // `snapshot:` is relative to the configuration file.
        try sandbox.write("db/shop.json", try String(contentsOfFile: CLI.packageRoot + "/" + Self.snapshot, encoding: .utf8))
        try sandbox.write(".migration-lint.yml", """
            snapshot: db/shop.json
            small-table-rows: 100
            large-table-rows: 1000
            rewrite-mb-per-second: 10
            """)
        try sandbox.write("m.sql", "CREATE INDEX orders_total_idx ON orders (total);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "m.sql"], in: sandbox.path)
        // 500,000 rows is above the configured large-table-rows: an error; 60 MB at 10 MB/s.
        #expect(result.stdout.contains("m.sql:1:8: error:"), "\(result.stdout)")
        let text = try CLI.run(["lint", "m.sql"], in: sandbox.path)
        #expect(text.stdout.contains("index build on public.orders: estimated 6 s at an assumed 10 MB/s (an estimate; set `rewrite-mb-per-second`)"), "\(text.stdout)")
    }

    @Test func theTargetVersionDefaultsToTheSnapshotServers() throws {
        let sandbox = try Sandbox()
        var json = try String(contentsOfFile: CLI.packageRoot + "/" + Self.snapshot, encoding: .utf8)
        json = json.replacingOccurrences(of: "\"serverVersionNumber\": 150018", with: "\"serverVersionNumber\": 100023")
        try sandbox.write("old.json", json)
        // Before PostgreSQL 11 a column with a default rewrites the table.
        try sandbox.write("m.sql", "ALTER TABLE orders ADD COLUMN note text DEFAULT 'none';\n")
        let old = try CLI.run(["lint", "--format", "gcc", "--snapshot", "old.json", "m.sql"], in: sandbox.path)
        #expect(old.stdout.contains("ADD COLUMN note rewrites public.orders: before PostgreSQL 11 every default is written into every row"), "\(old.stdout)")
        let configured = try CLI.run(["lint", "--format", "gcc", "--snapshot", "old.json", "--postgres-version", "15", "m.sql"], in: sandbox.path)
        #expect(!configured.stdout.contains("rewrites"), "\(configured.stdout)")
    }

    @Test(arguments: [
        ("{\"formatVersion\": 1, \"tables\": []", "not a migration-lint snapshot: invalid JSON"),
        ("{\"formatVersion\": 1}", "not a migration-lint snapshot: missing `serverVersion` at the top level"),
        ("[1, 2]", "not a migration-lint snapshot: wrong type at the top level"),
        ("{\"formatVersion\": 7, \"whatever\": true}", "snapshot format version 7 is newer than this migration-lint reads (1): upgrade migration-lint"),
    ])
    func badSnapshotFilesAreUsageErrors(contents: String, message: String) throws {
        let sandbox = try Sandbox()
        try sandbox.write("bad.json", contents)
        try sandbox.write("m.sql", "CREATE INDEX i ON t (c);\n")
        let result = try CLI.run(["lint", "--snapshot", "bad.json", "m.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.json: error: \(message)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingSnapshotFileIsAUsageError() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "SELECT 1;\n")
        let result = try CLI.run(["lint", "--snapshot", "nowhere.json", "m.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("nowhere.json: error: cannot read the snapshot file"), "\(result.stderr)")
    }

    #if !Database
    /// The default build (no Database trait) has the commands, and says how to get them.
    @Test(arguments: [["snapshot", "--database-url", "postgresql://u:pw@127.0.0.1/x", "--output", "s.json"],
                      ["lint", "--database-url", "postgresql://u:pw@127.0.0.1/x", "m.sql"],
                      ["verify", "--database-url", "postgresql://u:pw@127.0.0.1/x", "m.sql"]])
    func withoutTheTraitTheDatabaseCommandsSayHowToBuildThem(arguments: [String]) throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "SELECT 1;\n")
        let result = try CLI.run(arguments, in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("built without database support; build it with `swift build --traits Database`"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path + "/s.json"))
    }
    #endif
}
