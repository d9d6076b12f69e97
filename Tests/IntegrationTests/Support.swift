import Foundation
import TestSupport

/// Running real tools (git, swift, pre-commit) from the integration tests.
enum Support {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `migration-lint` built next to this test bundle (`swift build` builds it).
    static var binary: String? {
        let productsDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [productsDirectory, productsDirectory.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("migration-lint").path }
            + [repositoryRoot.appendingPathComponent(".build/debug/migration-lint").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    typealias Output = ChildProcess.Output

    /// Runs a command found on PATH, in `directory`, with extra environment variables.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> Output {
        try ChildProcess.run("/usr/bin/env", arguments, in: directory, environment: extra)
    }

    /// Whether an executable is on PATH.
    static func onPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // /tmp may be a symbolic link; git reports resolved paths.
        return url.resolvingSymlinksInPath()
    }

    static func write(_ text: String, to path: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A git repository with an identity, so commits work on machines without a global one.
    static func gitRepository(_ prefix: String) throws -> URL {
        let directory = try temporaryDirectory(prefix)
        try git(["init", "-q", "-b", "main"], in: directory)
        try git(["config", "user.email", "test@example.com"], in: directory)
        try git(["config", "user.name", "Test"], in: directory)
        try git(["config", "commit.gpgsign", "false"], in: directory)
        return directory
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: URL) throws -> Output {
        let output = try run(["git"] + arguments, in: directory)
        guard output.status == 0 else { throw CommandFailed(description: "git \(arguments.joined(separator: " ")): \(output.all)") }
        return output
    }
}
