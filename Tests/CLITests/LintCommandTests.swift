import Foundation
import Testing

@Suite struct LintOutputTests {
    @Test func textOutputOfTheExamplesMatchesTheGoldenFile() throws {
        let result = try CLI.run(["lint", "Fixtures/examples"])
        #expect(result.status == 1)
        let golden = try String(contentsOfFile: CLI.packageRoot + "/Fixtures/golden/lint/examples.txt", encoding: .utf8)
        #expect(result.stdout == golden)
    }

    /// The documented JSON schema, byte for byte: keys sorted, `"key" : value`, two-space indent.
    @Test func jsonOutputOfTheExamplesMatchesTheGoldenFile() throws {
        let result = try CLI.run(["lint", "--format", "json", "Fixtures/examples"])
        #expect(result.status == 1)
        let golden = try String(contentsOfFile: CLI.packageRoot + "/Fixtures/golden/lint/examples.json", encoding: .utf8)
        #expect(result.stdout == golden)
    }

    @Test func gccFormatIsOneLinePerFinding() throws {
        let result = try CLI.run(["lint", "--format", "gcc", "Fixtures/examples"])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n") == [
            "Fixtures/examples/001_add_token.sql:2:58: error: ADD COLUMN token rewrites public.users: the default gen_random_uuid() is volatile [add-column-volatile-default]",
            "Fixtures/examples/002_index_email.sql:2:8: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]",
        ])
    }

    /// Many files are rendered on the worker threads and written as they finish: the output is
    /// still one JSON document, files in path order, an input error in it, exit 2.
    @Test func manyFilesGiveOneOrderedOutput() throws {
        let sandbox = try Sandbox()
        for index in (0..<12).reversed() {
            let sql = index % 3 == 0 ? "SELECT \(index);\n" : "CREATE INDEX idx_\(index) ON t\(index) (a);\n"
            try sandbox.write(String(format: "m%02d.sql", index), sql)
        }
        let names = (0..<12).map { String(format: "m%02d.sql", $0) }
        let json = try CLI.run(["lint", "--format", "json"] + names.reversed() + ["gone.sql"], in: sandbox.path)
        #expect(json.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let files = object?["files"] as? [[String: Any]] ?? []
        #expect(files.compactMap { $0["path"] as? String } == names)
        #expect(files.map { ($0["diagnostics"] as? [Any])?.count ?? -1 } == (0..<12).map { $0 % 3 == 0 ? 0 : 1 })
        #expect((object?["errors"] as? [[String: Any]])?.first?["path"] as? String == "gone.sql")
        #expect((object?["summary"] as? [String: Int])?["findings"] == 8)

        let text = try CLI.run(["lint", "--color", "never"] + names.reversed(), in: sandbox.path)
        #expect(text.status == 1)
        let locations = text.stdout.split(separator: "\n").filter { $0.contains("--> ") }
            .map { String($0.split(separator: " ").last ?? "") }
        #expect(locations == names.enumerated().filter { $0.offset % 3 != 0 }.map { "\($0.element):1:8" })
        #expect(text.stdout.hasSuffix("8 findings (8 warnings) in 8 files; 12 files checked\n12 statements, 12 analyzed\n"))
    }

    @Test func jsonFormatCarriesPositionsRewritesAndEdits() throws {
        let result = try CLI.run(["lint", "--format", "json", "Fixtures/examples/002_index_email.sql"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let file = (object?["files"] as? [[String: Any]])?.first
        let diagnostic = (file?["diagnostics"] as? [[String: Any]])?.first
        #expect(object?["version"] as? Int == 1)
        #expect(diagnostic?["rule"] as? String == "create-index-concurrently")
        #expect((diagnostic?["start"] as? [String: Int]) == ["line": 2, "column": 8, "offset": 36])
        #expect((diagnostic?["rewrite"] as? String)?.contains("CREATE INDEX CONCURRENTLY users_email_idx") == true)
        let edit = ((diagnostic?["fix"] as? [String: Any])?["edits"] as? [[String: Any]])?.first
        #expect(edit?["replacement"] as? String == " CONCURRENTLY")
        #expect((object?["summary"] as? [String: Int])?["filesChecked"] == 1)
    }

    @Test func colourOnlyWhenAskedAndNeverWithNoColor() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        let piped = try CLI.run(["lint", "m.sql"], in: sandbox.path)
        #expect(!piped.stdout.contains("\u{1B}["))
        let forced = try CLI.run(["lint", "--color", "always", "m.sql"], in: sandbox.path)
        #expect(forced.stdout.contains("\u{1B}[1;33mwarning[create-index-concurrently]"))
    }
}

@Suite struct ExitCodeTests {
    @Test func failOnDecidesBetweenZeroAndOne() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        #expect(try CLI.run(["lint", "m.sql"], in: sandbox.path).status == 1)
        #expect(try CLI.run(["lint", "--fail-on", "error", "m.sql"], in: sandbox.path).status == 0)
        #expect(try CLI.run(["lint", "--fail-on", "never", "m.sql"], in: sandbox.path).status == 0)
        try sandbox.write(".migration-lint.yml", "fail-on: error\n")
        #expect(try CLI.run(["lint", "m.sql"], in: sandbox.path).status == 0)
    }

    /// `info` fails on any finding, in the file as on the command line; the flag wins.
    @Test func failOnInfoInTheFileAndOnTheCommandLine() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        let info = ["lint", "--rule", "create-index-concurrently=info", "m.sql"]
        #expect(try CLI.run(info, in: sandbox.path).status == 0)
        #expect(try CLI.run(info + ["--fail-on", "info"], in: sandbox.path).status == 1)
        try sandbox.write(".migration-lint.yml", "fail-on: info\n")
        #expect(try CLI.run(info, in: sandbox.path).status == 1)
        #expect(try CLI.run(info + ["--fail-on", "warning"], in: sandbox.path).status == 0)
    }

    @Test func cleanAndCommentOnlyFilesExitZero() throws {
        let sandbox = try Sandbox()
        try sandbox.write("empty.sql", "")
        try sandbox.write("comments.sql", "-- nothing to undo\n/* really */\n")
        let result = try CLI.run(["lint", "."], in: sandbox.path)
        #expect(result.status == 0)
        #expect(result.stdout == "0 findings in 0 files; 2 files checked\n0 statements, 0 analyzed\n")
    }

    @Test func usageErrorsExitTwo() throws {
        let result = try CLI.run(["lint", "--format", "yaml", "Fixtures/examples"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("yaml"))
        #expect(try CLI.run(["lint", "--rule", "create-index-concurently=off", "Fixtures/examples"]).stderr
            .contains("did you mean `create-index-concurrently`?"))
    }

    @Test func versionAndHelp() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("migration-lint 0.1.0"))
        #expect(try CLI.run(["lint", "--help"]).stdout.contains("--fail-on"))
    }
}

@Suite struct BadInputTests {
    @Test func missingPath() throws {
        let result = try CLI.run(["lint", "no/such/dir"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("no/such/dir: error: no such file or directory"))
    }

    @Test func namedSQLPathsAreReadAsFiles() throws {
        let sandbox = try Sandbox()
        try sandbox.write("odd.sql/inner.sql", "CREATE INDEX i ON t (a);\n")
        try sandbox.write("ok.sql", "SELECT 1;\n")
        let result = try CLI.run(["lint", "--format", "gcc", "missing.sql", "odd.sql", "ok.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stdout == """
            missing.sql: error: no such file or directory
            odd.sql: error: is a directory, not a migration file (a path ending in .sql is read as a file)

            """)
    }

    @Test func directoryWithoutSQL() throws {
        let sandbox = try Sandbox()
        try sandbox.write("docs/readme.txt", "hello")
        let result = try CLI.run(["lint", "docs"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stdout.contains("docs: error: directory contains no .sql files"))
    }

    @Test func binaryAndInvalidUTF8FilesAreReportedWithLineAndColumnAndOthersStillLinted() throws {
        let sandbox = try Sandbox()
        try sandbox.write("a_binary.sql", bytes: Array("SELECT 1;\nSEL".utf8) + [0, 1, 2])
        try sandbox.write("b_latin1.sql", bytes: Array("-- caf".utf8) + [0xE9] + Array("\nSELECT 1;\n".utf8))
        try sandbox.write("c_good.sql", "CREATE INDEX i ON t (a);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "."], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stdout.contains("a_binary.sql:2:4: error: binary file: NUL byte at byte 13"))
        #expect(result.stdout.contains("b_latin1.sql:1:7: error: not valid UTF-8 at byte 6"))
        #expect(result.stdout.contains("c_good.sql:1:8: warning: CREATE INDEX"))
    }

    @Test func unreadableFileIsAPerFileError() throws {
        let sandbox = try Sandbox()
        // A Unix socket named like a migration cannot be read, even by root.
        let path = sandbox.path + "/socket.sql"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        try sandbox.write("ok.sql", "SELECT 1;\n")
        let result = try CLI.run(["lint", "."], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stdout.contains("socket.sql: error: cannot read the file"))
        #expect(result.stdout.contains("1 file checked"))
    }

    @Test func misspelledConfigurationKeyNamesFileLineAndSuggestion() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".migration-lint.yml", "postgres-version: 15\npostgres-versoin: 14\n")
        try sandbox.write("m.sql", "SELECT 1;\n")
        let result = try CLI.run(["lint", "m.sql"], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(".migration-lint.yml:2:1: error: unknown key `postgres-versoin`; did you mean `postgres-version`?"))
    }

    @Test func unknownRuleInConfigurationIsAnError() throws {
        let sandbox = try Sandbox()
        try sandbox.write("cfg.yml", "rules:\n  create-index-concurently: off\n")
        let result = try CLI.run(["lint", "--config", "cfg.yml", "."], in: sandbox.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("cfg.yml:2:3: error: unknown rule `create-index-concurently`; did you mean `create-index-concurrently`?"))
    }

    @Test func syntaxErrorsPointAtLineAndColumnAndTheRestIsLinted() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "-- é\nCREATE TABLEX t ();\nCREATE INDEX i ON t (a);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "m.sql"], in: sandbox.path)
        #expect(result.stdout == """
            m.sql:2:8: error: syntax error at or near "TABLEX" (PostgreSQL 15.1 grammar) [syntax-error]
            m.sql:3:8: warning: CREATE INDEX on public.t without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]

            """)
        let relaxed = try CLI.run(["lint", "--format", "gcc", "--rule", "syntax-error=info", "--fail-on", "error", "m.sql"], in: sandbox.path)
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("m.sql:2:8: note: syntax error"))
    }

    @Test func psqlMetaCommandsGiveANoteNotACascade() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "\\set ON_ERROR_STOP on\n\\c app\nSELECT * FROM t WHERE id = :'id';\nCREATE TABLE t2 (id bigint PRIMARY KEY);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "m.sql"], in: sandbox.path)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        // The psql variable `:'id'` is read as a literal stand-in, so its statement is checked.
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains(": note: psql meta-command") && $0.hasSuffix("[psql-meta-command]") })
    }
}

@Suite struct InputSelectionTests {
    @Test func stdinIsNamedByStdinFilename() throws {
        let result = try CLI.run(["lint", "--format", "gcc", "--stdin-filename", "db/001.sql", "-"], stdin: "CREATE INDEX i ON t (a);\n")
        #expect(result.stdout == "db/001.sql:1:8: warning: CREATE INDEX on public.t without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]\n")
    }

    @Test func excludeAndDownSkippingApplyToFilesNamedExplicitly() throws {
        let sandbox = try Sandbox()
        try sandbox.write("1.up.sql", "CREATE INDEX i ON t (a);\n")
        try sandbox.write("1.down.sql", "CREATE INDEX j ON t (b);\n")
        try sandbox.write("seed/data.sql", "CREATE INDEX k ON t (c);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "--exclude", "seed", "1.up.sql", "1.down.sql", "seed/data.sql"], in: sandbox.path)
        #expect(result.stdout.split(separator: "\n").map { String($0.prefix(10)) } == ["1.up.sql:1"])
        let withDown = try CLI.run(["lint", "--format", "gcc", "--include-down", "1.up.sql", "1.down.sql"], in: sandbox.path)
        #expect(withDown.stdout.split(separator: "\n").count == 2)
    }

    @Test func gooseDownSectionIsSkippedAndLineNumbersKept() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101_x.sql", "-- +goose Up\nCREATE INDEX i ON t (a);\n\n-- +goose Down\nCREATE INDEX j ON t (b);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "."], in: sandbox.path)
        #expect(result.stdout == "20240101_x.sql:2:8: warning: CREATE INDEX on public.t without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]\n")
    }

    @Test func globsSelectFiles() throws {
        let sandbox = try Sandbox()
        try sandbox.write("db/a/1.sql", "CREATE INDEX i ON t (a);\n")
        try sandbox.write("db/b/2.sql", "CREATE INDEX j ON t (a);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "db/**/1.sql"], in: sandbox.path)
        #expect(result.stdout.hasPrefix("db/a/1.sql:1:8"))
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func configurationPathsAreUsedWithoutArguments() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".migration-lint.yml", "paths: [db]\nrules:\n  create-index-concurrently: error\n")
        try sandbox.write("db/1.sql", "CREATE INDEX i ON t (a);\n")
        try sandbox.write("other/2.sql", "CREATE INDEX j ON t (a);\n")
        let result = try CLI.run(["lint", "--format", "gcc"], in: sandbox.path)
        #expect(result.stdout == "db/1.sql:1:8: error: CREATE INDEX on public.t without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]\n")
    }
}

@Suite struct SuppressionTests {
    @Test func ignoreCommentsSilenceAndUnusedOnesAreReported() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", """
            -- migration-lint-ignore: create-index-concurrently the table has 40 rows
            CREATE INDEX i ON t (a);
            -- migration-lint-ignore: create-index-concurently typo
            CREATE INDEX j ON t (b);
            -- migration-lint-ignore: add-column-volatile-default nothing here
            CREATE TABLE u (id bigint PRIMARY KEY);
            SELECT '-- migration-lint-ignore: create-index-concurrently';
            CREATE INDEX k ON t (c);

            """)
        let result = try CLI.run(["lint", "--format", "gcc", "m.sql"], in: sandbox.path)
        #expect(result.stdout.split(separator: "\n").map(String.init) == [
            "m.sql:3:1: warning: unknown rule `create-index-concurently` in migration-lint-ignore; did you mean `create-index-concurrently`? [unused-ignore]",
            "m.sql:4:8: warning: CREATE INDEX on public.t without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]",
            "m.sql:5:1: warning: migration-lint-ignore for `add-column-volatile-default` silences nothing in the next statement [unused-ignore]",
            "m.sql:8:8: warning: CREATE INDEX on public.t without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]",
        ])
    }

    @Test func fileWideIgnore() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "-- migration-lint-ignore-file: create-index-concurrently small tables only\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);\n")
        let result = try CLI.run(["lint", "m.sql"], in: sandbox.path)
        #expect(result.status == 0)
    }
}

@Suite struct FixTests {
    @Test func fixRewritesACRLFFileInPlaceAndKeepsItsLineEndings() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "-- index\r\nCREATE INDEX i ON t (a);\r\nCREATE INDEX j ON t (b);\r\n")
        let result = try CLI.run(["lint", "--fix", "m.sql"], in: sandbox.path)
        #expect(result.status == 0)
        #expect(sandbox.read("m.sql") == "-- index\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\nCREATE INDEX CONCURRENTLY j ON t (b);\r\n")
        #expect(result.stdout == "0 findings in 0 files; 1 file checked\n2 statements, 2 analyzed\n")
    }

    @Test func diffShowsTheChangeWithoutWriting() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        let result = try CLI.run(["lint", "--diff", "m.sql"], in: sandbox.path)
        #expect(result.stdout == "--- a/m.sql\n+++ b/m.sql\n@@ -1,1 +1,1 @@\n-CREATE INDEX i ON t (a);\n+CREATE INDEX CONCURRENTLY i ON t (a);\n")
        #expect(sandbox.read("m.sql") == "CREATE INDEX i ON t (a);\n")
    }

    /// Fixes at both ends of a long file: the diff's cost grows with the lines times the changes,
    /// not with the square of the lines (the table of 20,000 × 20,000 lines it replaced took
    /// 3.2 GB and 164 s in a debug build). Guarded by the child's peak memory, which a busy
    /// machine does not change, not by a time limit, which it does: under `.ci/run`'s parallel
    /// tests this run once took more than a minute.
    @Test(.enabled(if: python3IsOnPath, "python3 is not on PATH: it starts the measured process"))
    func diffOfFixesAtBothEndsOfALongFile() throws {
        let sandbox = try Sandbox()
        let middle = (2..<20_000).map { "-- \($0)\n" }.joined()
        try sandbox.write("m.sql", "CREATE INDEX a ON t (x);\n" + middle + "CREATE INDEX b ON t (y);\n")
        let result = try MeasuredRun.run(["lint", "--diff", "m.sql"], in: sandbox.path)
        #expect(result.peakRSS < 100 << 20, "peak RSS \(result.peakRSS >> 20) MiB for a diff of 20,000 lines")
        #expect(result.stdout == """
            --- a/m.sql
            +++ b/m.sql
            @@ -1,4 +1,4 @@
            -CREATE INDEX a ON t (x);
            +CREATE INDEX CONCURRENTLY a ON t (x);
             -- 2
             -- 3
             -- 4
            @@ -19997,4 +19997,4 @@
             -- 19997
             -- 19998
             -- 19999
            -CREATE INDEX b ON t (y);
            +CREATE INDEX CONCURRENTLY b ON t (y);

            """)
        // Nothing was written: the findings stand.
        #expect(result.status == 1)
    }

    /// With `--diff` the diffs are the output; a file that cannot be read is still said.
    @Test func diffSaysWhichFileItCouldNotRead() throws {
        let sandbox = try Sandbox()
        let result = try CLI.run(["lint", "--diff", "gone.sql"], in: sandbox.path)
        #expect(result.stdout == "")
        #expect(result.stderr == "gone.sql: error: no such file or directory\n")
        #expect(result.status == 2)
    }

    static let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The temporary file reaches the disk before it replaces the file: a crash cannot leave an
    /// empty or half-written migration. Read from the system calls the tool makes.
    @Test(.enabled(if: strace != nil, "strace is not installed"))
    func fixFlushesTheTemporaryFileBeforeTheRename() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.strace))
        process.arguments = ["-f", "-e", "trace=openat,fsync,close,rename,renameat,renameat2", CLI.binary, "lint", "--fix", "m.sql"]
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.path)
        let trace = Pipe()
        process.standardError = trace
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let calls = Self.joinedCalls(String(decoding: trace.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            .filter { !$0.contains("ENOENT") }
        process.waitUntilExit()
        #expect(sandbox.read("m.sql") == "CREATE INDEX CONCURRENTLY i ON t (a);\n")
        let open = try #require(calls.firstIndex { $0.contains("openat(") && $0.contains(".m.sql.migration-lint-") }, "\(calls)")
        let descriptor = try #require(calls[open].split(separator: "=").last?.trimmingCharacters(in: .whitespaces))
        let rename = try #require(calls.firstIndex { $0.contains("rename") && $0.contains(".m.sql.migration-lint-") }, "\(calls)")
        let fsync = calls.firstIndex { $0.contains("fsync(\(descriptor))") || $0.contains("fsync(\(descriptor) )") }
        #expect(fsync.map { open < $0 && $0 < rename } == true, "\(calls[open...rename])")
    }

    /// strace's lines, one per call: with several threads a call may be printed as
    /// `fsync(3 <unfinished ...>` and finished later by `<... fsync resumed>) = 0`; each such pair
    /// becomes one line again.
    static func joinedCalls(_ output: String) -> [String] {
        var calls: [String] = []
        var pending: [Substring: String] = [:]
        for line in output.split(separator: "\n") {
            var pid: Substring = ""
            var body = line
            if line.hasPrefix("[pid "), let end = line.firstIndex(of: "]") {
                pid = line[..<end]
                body = line[line.index(after: end)...].drop { $0 == " " }
            }
            if body.hasSuffix("<unfinished ...>") {
                pending[pid] = String(body.dropLast("<unfinished ...>".count))
            } else if body.hasPrefix("<... "), let resumed = body.range(of: " resumed>") {
                // strace prefixes no line with a pid until a second thread exists, so a call
                // begun before that resumes under a pid it was not filed under.
                let begun = pending.removeValue(forKey: pid) ?? pending.removeValue(forKey: "") ?? ""
                calls.append(begun + body[resumed.upperBound...])
            } else {
                calls.append(String(body))
            }
        }
        return calls
    }

    @Test func straceLinesInterruptedByAnotherThreadAreJoined() {
        let output = "[pid 7] fsync(3 <unfinished ...>\n[pid 8] close(4) = 0\n[pid 7] <... fsync resumed>) = 0\nrename(\"a\", \"b\") = 0\n"
        #expect(Self.joinedCalls(output) == ["close(4) = 0", "fsync(3 ) = 0", "rename(\"a\", \"b\") = 0"])
    }

    @Test func aCallBegunBeforeTheSecondThreadIsJoinedWithItsPidLaterOn() {
        let output = "fsync(3 <unfinished ...>\n[pid 8] close(4) = 0\n[pid 7] <... fsync resumed>) = 0\n"
        #expect(Self.joinedCalls(output) == ["close(4) = 0", "fsync(3 ) = 0"])
    }

    @Test func noFixInsideATransaction() throws {
        let sandbox = try Sandbox()
        // goose runs this file in a transaction: CONCURRENTLY would make it fail.
        let text = "-- +goose Up\nCREATE INDEX i ON t (a);\n"
        try sandbox.write("m.sql", text)
        let result = try CLI.run(["lint", "--fix", "m.sql"], in: sandbox.path)
        #expect(result.status == 1)
        #expect(sandbox.read("m.sql") == text)
        #expect(result.stdout.contains("move this statement to a migration that runs without one"))
    }
}

@Suite struct OtherCommandsTests {
    @Test func initWritesAStarterOnceAndItLoads() throws {
        let sandbox = try Sandbox()
        let first = try CLI.run(["init"], in: sandbox.path)
        #expect(first.status == 0)
        #expect(sandbox.read(".migration-lint.yml").contains("postgres-version: 15"))
        #expect(try CLI.run(["init"], in: sandbox.path).status == 2)
        try sandbox.write("m.sql", "SELECT 1;\n")
        #expect(try CLI.run(["lint", "m.sql"], in: sandbox.path).status == 0)
    }

    @Test func rulesListsAndDocuments() throws {
        let list = try CLI.run(["rules"])
        #expect(list.stdout.contains("create-index-concurrently"))
        let page = try CLI.run(["rules", "create-index-concurrently"])
        #expect(page.stdout.contains("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"))
        #expect(page.stdout.contains("Instead of"))
        let unknown = try CLI.run(["rules", "create-index"])
        #expect(unknown.status == 2)
    }
}

@Suite struct ExplainCommandTests {
    @Test func explainJSONHasTheDocumentedShape() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n")
        let result = try CLI.run(["explain", "--format", "json", "m.sql"], in: sandbox.path)
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let statements = ((object?["files"] as? [[String: Any]])?.first?["statements"] as? [[String: Any]]) ?? []
        #expect(statements.count == 2)
        let alter = statements.last
        #expect(alter?["line"] as? Int == 2)
        let lock = (alter?["locks"] as? [[String: Any]])?.first
        #expect(lock?["relation"] as? String == "public.users")
        #expect(lock?["mode"] as? String == "ACCESS EXCLUSIVE")
        #expect(lock?["blocksReads"] as? Bool == true)
        #expect(alter?["rewrites"] as? [String] == ["public.users"])
        #expect(alter?["error"] is NSNull)
    }

    @Test func explainNamesConcurrentlyInATransactionAsAnError() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n")
        let result = try CLI.run(["explain", "m.sql"], in: sandbox.path)
        #expect(result.stdout.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"))
        #expect(try CLI.run(["explain", "missing.sql"], in: sandbox.path).status == 2)
    }
}
