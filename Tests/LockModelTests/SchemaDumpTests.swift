import Foundation
import Testing
import LockModel
import PostgresSyntax

/// `schema:` reads a real `pg_dump --schema-only` of the lock suite's setup database with the
/// same parser, and knows what replaying the setup as a migration knows.
@Suite(.serialized) struct SchemaDumpTests {
    static var pgDump: String {
        (ProcessInfo.processInfo.environment["PG_BIN"] ?? "/usr/lib/postgresql/15/bin") + "/pg_dump"
    }

    @Test(.enabled(if: PostgresClient.fromEnvironment != nil && FileManager.default.isExecutableFile(atPath: pgDump),
                   "no server or pg_dump: start one with `bash scripts/pg-test-server.sh start` and set MIGRATION_LINT_PGHOST"))
    func aDumpOfTheSetupDatabaseKnowsWhatTheReplayedSetupKnows() throws {
        let client = try #require(PostgresClient.fromEnvironment)
        let setup = try LockCase.setupSQL()
        try client.mustRun("DROP DATABASE IF EXISTS mlint_dump WITH (FORCE);\nCREATE DATABASE mlint_dump;", database: "postgres")
        defer { _ = try? client.run("DROP DATABASE IF EXISTS mlint_dump WITH (FORCE);", database: "postgres") }
        try client.mustRun(setup, database: "mlint_dump")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.pgDump)
        process.arguments = ["--schema-only", "-h", client.host, "-p", client.port, "-U", "postgres", "mlint_dump"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let dump = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(dump.contains("CREATE TABLE public.users"))

        let fromDump = SchemaCatalog.dump(dump, path: "schema.sql")
        let replayed = try LockCase.history(setup: setup, variant: "base")
        #expect(fromDump.isComplete)
        var differences: [String] = []
        for (name, table) in replayed.tables.sorted(by: { $0.key < $1.key }) {
            guard let dumped = fromDump.tables[name] else { differences.append("\(name): missing"); continue }
            for (column, known) in table.columns.sorted(by: { $0.key < $1.key }) {
                let other = dumped.columns[column]
                if other?.type.baseName != known.type.baseName || other?.type.modifiers != known.type.modifiers {
                    differences.append("\(name).\(column): \(other?.type.sql ?? "missing") / \(known.type.sql)")
                }
                if other?.isNotNull != known.isNotNull { differences.append("\(name).\(column) NOT NULL: \(other?.isNotNull ?? false) / \(known.isNotNull)") }
            }
            if dumped.partitionOf != table.partitionOf { differences.append("\(name) partition of: \(dumped.partitionOf ?? "none") / \(table.partitionOf ?? "none")") }
            if dumped.isPartitioned != table.isPartitioned { differences.append("\(name) partitioned: \(dumped.isPartitioned) / \(table.isPartitioned)") }
        }
        for (name, constraints) in replayed.constraints {
            for (constraint, info) in constraints {
                let other = fromDump.constraints[name]?[constraint]
                if other?.kind != info.kind || other?.references != info.references {
                    differences.append("constraint \(name).\(constraint): \(other.map { "\($0.kind) \($0.references ?? "")" } ?? "missing") / \(info.kind) \(info.references ?? "")")
                }
            }
        }
        for (index, table) in replayed.indexTables where fromDump.indexTables[index] != table {
            differences.append("index \(index): \(fromDump.indexTables[index] ?? "missing") / \(table)")
        }
        #expect(differences == [], "dump / replayed setup")
        // What a dump adds that the replay cannot: nothing is unknown.
        #expect(Set(fromDump.enums) == Set(replayed.enums))
    }
}
