import Foundation

/// A PostgreSQL server reached through the `psql` binary (no driver dependency): the socket
/// directory from `MIGRATION_LINT_PGHOST`, the port from `MIGRATION_LINT_PGPORT` (default 54329).
struct PostgresClient: Sendable {
    let host: String
    let port: String

    static let fromEnvironment: PostgresClient? = {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["MIGRATION_LINT_PGHOST"], !host.isEmpty else { return nil }
        return PostgresClient(host: host, port: environment["MIGRATION_LINT_PGPORT"] ?? "54329")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Tab-separated rows whose first field is `tag`, without the tag.
        func rows(_ tag: String) -> [[String]] {
            stdout.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return fields.first == tag ? Array(fields.dropFirst()) : nil
            }
        }

        /// The first `ERROR:` message psql printed.
        var error: String? {
            stderr.split(separator: "\n").first { $0.contains("ERROR:") }.map { line in
                String(line[line.range(of: "ERROR:")!.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    enum ClientError: Error, CustomStringConvertible {
        case failed(String)
        var description: String {
            switch self { case .failed(let message): return message }
        }
    }

    func arguments(database: String, stopOnError: Bool) -> [String] {
        ["psql", "-h", host, "-p", port, "-U", "postgres", "-d", database, "-X", "-q", "-A", "-t", "-F", "\t",
         "-v", "ON_ERROR_STOP=\(stopOnError ? 1 : 0)"]
    }

    /// Runs `sql` as a script and waits for psql to exit.
    func run(_ sql: String, database: String, stopOnError: Bool = true) throws -> Output {
        let running = try start(sql, database: database, stopOnError: stopOnError, closeInput: true)
        return running.wait()
    }

    /// Same, failing when psql reports an error.
    @discardableResult
    func mustRun(_ sql: String, database: String) throws -> Output {
        let output = try run(sql, database: database)
        guard output.status == 0 else {
            throw ClientError.failed("psql failed on \(database): \(output.stderr)\n--- script ---\n\(sql)")
        }
        return output
    }

    /// A psql session running in the background; its output goes to temporary files so that it
    /// can never block on a full pipe.
    final class Session: @unchecked Sendable {
        let process: Process
        let input: FileHandle
        let stdoutURL: URL
        let stderrURL: URL

        init(process: Process, input: FileHandle, stdoutURL: URL, stderrURL: URL) {
            self.process = process
            self.input = input
            self.stdoutURL = stdoutURL
            self.stderrURL = stderrURL
        }

        func send(_ sql: String) { input.write(Data(sql.utf8)) }
        func closeInput() { try? input.close() }

        var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

        /// Waits until the output contains `marker` (or the session ends), at most `seconds`.
        func waitFor(_ marker: String, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if stdout.contains(marker) { return true }
                if !process.isRunning { return stdout.contains(marker) }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return false
        }

        func wait() -> Output {
            closeInput()
            process.waitUntilExit()
            let output = Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
            return output
        }
    }

    func start(_ sql: String, database: String, stopOnError: Bool = true, closeInput: Bool = false) throws -> Session {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments(database: database, stopOnError: stopOnError)
        let directory = FileManager.default.temporaryDirectory
        let stdoutURL = directory.appendingPathComponent("mlint-psql-\(UUID().uuidString).out")
        let stderrURL = directory.appendingPathComponent("mlint-psql-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
              FileManager.default.createFile(atPath: stderrURL.path, contents: nil) else {
            throw ClientError.failed("cannot create output files in \(directory.path)")
        }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let input = Pipe()
        process.standardInput = input
        try process.run()
        let session = Session(process: process, input: input.fileHandleForWriting, stdoutURL: stdoutURL, stderrURL: stderrURL)
        session.send(sql)
        if closeInput { session.closeInput() }
        return session
    }
}
