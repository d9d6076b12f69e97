import Foundation

/// Runs a program to its end, as the tests run `migration-lint`, git, swift and python3.
/// Output goes to files, not pipes: a pipe holds 64 KiB, and a child that writes more (a long
/// build, a large report) would wait for a reader that waits for it to exit.
public enum ChildProcess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var all: String { stdout + stderr }
    }

    /// Runs `executable` (a path; `/usr/bin/env` with the program's name as the first argument
    /// finds one on PATH) in `directory`, with `environment` added to this process's, and
    /// `stdin` as its input (none when nil).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: URL,
                           environment extra: [String: String] = [:], stdin: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ml-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        for (url, contents) in [(outURL, Data()), (errURL, Data()), (inURL, Data((stdin ?? "").utf8))] {
            _ = FileManager.default.createFile(atPath: url.path, contents: contents)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let inHandle = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = stdin == nil ? FileHandle.nullDevice : inHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        try inHandle.close()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                      stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }
}
