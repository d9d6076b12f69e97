import Foundation
import TestSupport

/// Runs the built `migration-lint` binary in a directory, as a user would.
struct CLI {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The package root (for Fixtures/), from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The products folder: the test bundle sits next to the executable.
    static var binary: String {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            + CommandLine.arguments.prefix(1).map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
        for folder in candidates {
            var directory = folder
            for _ in 0..<4 {
                let path = directory.appendingPathComponent("migration-lint").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                directory = directory.deletingLastPathComponent()
            }
        }
        return packageRoot + "/.build/debug/migration-lint"
    }

    static func run(_ arguments: [String], in directory: String = packageRoot, stdin: String? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        // Help pages are wrapped to the terminal's width, as in Fixtures/golden/help.
        let output = try ChildProcess.run(binary, arguments, in: URL(fileURLWithPath: directory),
                                          environment: ["NO_COLOR": "1", "COLUMNS": "80"].merging(environment) { $1 },
                                          stdin: stdin ?? "")
        return Result(stdout: output.stdout, stderr: output.stderr, status: output.status)
    }
}

/// A temporary directory with files, removed at the end of the test.
final class Sandbox {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "migration-lint-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, bytes: Array(contents.utf8))
    }

    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    func read(_ relative: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path + "/" + relative) ?? Data(), as: UTF8.self)
    }
}
