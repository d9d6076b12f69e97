import Foundation
import MigrationLint
import PostgresSyntax
import SwiftMigrations
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the migration files named by paths, directories and globs: `.sql` files, and `.swift`
/// files that declare a migration.
public struct FileDiscovery: Sendable {
    public var exclude: [String]

    public init(exclude: [String] = []) { self.exclude = exclude }

    /// Files in a stable order (sorted, duplicates removed), and errors for paths that name nothing.
    public func collect(_ arguments: [String]) -> (files: [String], errors: [InputError]) {
        var files: [String] = []
        var errors: [InputError] = []
        for argument in arguments {
            if Glob.isPattern(argument) {
                let matches = Glob.expand(argument).filter { $0.hasSuffix(".sql") || ($0.hasSuffix(".swift") && Self.mayHoldSwiftMigration($0)) }
                if matches.isEmpty { errors.append(InputError(path: argument, message: "no SQL file or Swift migration matches this pattern")) }
                files += matches
                continue
            }
            if argument.hasSuffix(".sql") || argument.hasSuffix(".swift") {
                // Named as a migration: read as one, without a look first. Reading finds out
                // whether it is there, so each file's path is resolved once, on the worker
                // threads: checking 1,500 named files here first was a twentieth of a run.
                files.append(argument)
                continue
            }
            guard let isDirectory = Self.isDirectory(argument) else {
                errors.append(InputError(path: argument, message: "no such file or directory"))
                continue
            }
            if isDirectory {
                let found = sqlFiles(under: argument)
                if found.isEmpty { errors.append(InputError(path: argument, message: "directory contains no .sql files and no Swift migrations")) }
                files += found
            } else {
                files.append(argument)
            }
        }
        // Sized once: a set that grows hashes each path again at every doubling.
        var seen = Set<String>(minimumCapacity: files.count)
        let unique = files.map(Self.normalize).filter { seen.insert($0).inserted && !isExcluded($0) }
        return (unique.sorted(), errors)
    }

    /// Whether `path` is a directory (following links); nil when nothing is there. Asked of
    /// arguments not named `*.sql` and of every entry of a directory walk; a plain `stat`, as
    /// `FileManager` made checking 1,500 entries most of the start-up.
    static func isDirectory(_ path: String) -> Bool? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// `exclude` globs match the path relative to the working directory; a pattern without a
    /// slash matches a file or folder name anywhere, as in .gitignore.
    public func isExcluded(_ path: String) -> Bool {
        if exclude.isEmpty { return false }
        let normalized = Self.normalize(path)
        return exclude.contains { pattern in
            let pattern = Self.normalize(pattern)
            if !pattern.utf8.contains(UInt8(ascii: "/")) {
                return normalized.split(separator: "/").contains { Glob.matches(pattern, String($0)) }
            }
            return Glob.matches(pattern, normalized) || Glob.matches(pattern + "/**", normalized)
        }
    }

    /// Every `*.sql` file below `directory`, following symbolic links once (a link loop is cut).
    func sqlFiles(under directory: String) -> [String] {
        var result: [String] = []
        var visited = Set<String>()
        var stack = [directory]
        let manager = FileManager.default
        while let current = stack.popLast() {
            let real = (try? manager.destinationOfSymbolicLink(atPath: current)).map { _ in
                URL(fileURLWithPath: current).resolvingSymlinksInPath().path
            } ?? URL(fileURLWithPath: current).standardizedFileURL.path
            guard visited.insert(real).inserted else { continue }
            guard let entries = try? manager.contentsOfDirectory(atPath: current) else { continue }
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                let path = current.hasSuffix("/") ? current + entry : current + "/" + entry
                guard let isDirectory = Self.isDirectory(path) else { continue }
                if isDirectory {
                    if !isExcluded(path) { stack.append(path) }
                } else if entry.hasSuffix(".sql") || (entry.hasSuffix(".swift") && Self.mayHoldSwiftMigration(path)) {
                    result.append(path)
                }
            }
        }
        return result
    }

    /// A Swift file found by a walk is linted when it declares a migration type; one that does
    /// not (a model, a controller) is not a migration and is left out without a word.
    static func mayHoldSwiftMigration(_ path: String) -> Bool {
        guard let bytes = FileManager.default.contents(atPath: path) else { return true }
        return SwiftMigrationReader.holdsMigration(SourceText(bytes: Array(bytes)))
    }

    static func normalize(_ path: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        // A byte check first: Foundation's String.contains(String) was most of collecting 1,500 paths.
        while hasDoubled(UInt8(ascii: "/"), in: path) {
            path = path.replacingOccurrences(of: "//", with: "/")
        }
        return path
    }
}

/// `byte` twice in a row in `text` (`//`, `__`), without Foundation's `String.contains(String)`.
func hasDoubled(_ byte: UInt8, in text: String) -> Bool {
    var text = text
    // Over the contiguous bytes: iterating the UTF-8 view cost 45 instructions a byte, a third of
    // collecting 1,500 paths on the one thread that runs before any other starts.
    return text.withUTF8 { bytes in
        var previous: UInt8 = 0
        for current in bytes {
            if current == byte && previous == byte { return true }
            previous = current
        }
        return false
    }
}
