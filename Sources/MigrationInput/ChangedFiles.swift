import Foundation
import MigrationLint

/// The files a branch touched, for `--changed-since REF`: a pull request's old migrations
/// already ran in production, so only what the branch adds or changes is worth failing it.
///
/// Changed means: added, modified, renamed or copied between the merge base of REF and HEAD (what
/// `git diff REF...HEAD` shows), plus what is modified or staged in the working tree, plus
/// untracked files that are not ignored. Deleted files are gone and cannot be linted.
public struct ChangedFiles: Sendable {
    /// The repository's top-level directory, symbolic links resolved.
    public let root: String
    /// Absolute paths, symbolic links resolved.
    public let paths: Set<String>

    public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { "error: --changed-since: \(message)" }
    }

    /// Asks git in `directory` what changed since the branch left `ref`.
    public static func since(_ ref: String, in directory: String) throws -> ChangedFiles {
        let topLevel = try git(["rev-parse", "--show-toplevel"], in: directory, failure: { output in
            output.contains("not a git repository")
                ? "\(directory) is not inside a git repository"
                : "git cannot read the repository: \(output)"
        })
        let root = topLevel.trimmingCharacters(in: .newlines)
        guard !root.isEmpty else { throw GitError(message: "\(directory) is not inside a git working tree") }
        // `--end-of-options` keeps a REF such as `--output=x` from being read as an option.
        _ = try git(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"], in: root, failure: { _ in
            "unknown revision `\(ref)` (is it fetched? in CI, check out with enough history, e.g. fetch-depth: 0)"
        })
        let changedFilter = "--diff-filter=ACMRT"
        let committed = try git(["diff", "--name-only", "-z", "-M", changedFilter, ref + "...HEAD", "--"], in: root, failure: { output in
            output.contains("no merge base")
                ? "`\(ref)` and HEAD have no merge base (a shallow clone? fetch with fetch-depth: 0)"
                : "git diff \(ref)...HEAD failed: \(output)"
        })
        let uncommitted = try git(["diff", "--name-only", "-z", "-M", changedFilter, "HEAD", "--"], in: root, failure: { output in
            "git diff HEAD failed: \(output)"
        })
        let untracked = try git(["ls-files", "--others", "--exclude-standard", "-z"], in: root, failure: { output in
            "git ls-files failed: \(output)"
        })
        var paths = Set<String>()
        for list in [committed, uncommitted, untracked] {
            for name in list.split(separator: "\0") where !name.isEmpty {
                paths.insert(resolve(root + "/" + name))
            }
        }
        return ChangedFiles(root: root, paths: paths)
    }

    public init(root: String, paths: Set<String>) {
        self.root = root
        self.paths = paths
    }

    /// The files among `files` (relative to the working directory, or absolute) that changed.
    public func filter(_ files: [String]) -> [String] {
        files.filter { paths.contains(Self.resolve($0)) }
    }

    static func resolve(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Runs git and returns its standard output; a non-zero exit becomes a `GitError` worded by `failure`.
    static func git(_ arguments: [String], in directory: String, failure: (String) -> String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        // Never wait for a pager or a credential prompt.
        environment["GIT_PAGER"] = "cat"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        // Read-only: no index refresh, so it also works where the repository is not writable (plugin sandbox).
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw GitError(message: "cannot run git: \(error.localizedDescription)")
        }
        // Drain stderr on another thread so that neither pipe can fill up and stall git.
        let errorText = ErrorCollector()
        let reader = Thread { errorText.set(errors.fileHandleForReading.readDataToEndOfFile()); errorText.finish() }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errorText.wait().trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationStatus == 127 || stderr.contains("git: No such file or directory") {
            throw GitError(message: "git is not installed or not on PATH")
        }
        guard process.terminationStatus == 0 else {
            throw GitError(message: failure(stderr))
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The standard error of one git run, handed from its reader thread.
private final class ErrorCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var data = Data()
    private var done = false

    func set(_ value: Data) { condition.lock(); data = value; condition.unlock() }
    func finish() { condition.lock(); done = true; condition.broadcast(); condition.unlock() }
    func wait() -> String {
        condition.lock(); defer { condition.unlock() }
        while !done { condition.wait() }
        return String(decoding: data, as: UTF8.self)
    }
}
