import Foundation
import PostgresSyntax
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A problem with one input file or path; the run goes on with the other files and exits 2.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `path:line:col: error: message`, the form editors read.
    public var description: String {
        var location = path
        if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return "\(location): error: \(message)"
    }
}

/// Finds the SQL files named by paths, directories and globs.
public struct FileDiscovery: Sendable {
    public var exclude: [String]

    public init(exclude: [String] = []) { self.exclude = exclude }

    /// Files in a stable order (sorted, duplicates removed), and errors for paths that name nothing.
    public func collect(_ arguments: [String]) -> (files: [String], errors: [InputError]) {
        var files: [String] = []
        var errors: [InputError] = []
        for argument in arguments {
            if Glob.isPattern(argument) {
                let matches = Glob.expand(argument).filter { $0.hasSuffix(".sql") }
                if matches.isEmpty { errors.append(InputError(path: argument, message: "no SQL file matches this pattern")) }
                files += matches
                continue
            }
            if argument.hasSuffix(".sql") {
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
                if found.isEmpty { errors.append(InputError(path: argument, message: "directory contains no .sql files")) }
                files += found
            } else {
                files.append(argument)
            }
        }
        var seen = Set<String>()
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
                } else if entry.hasSuffix(".sql") {
                    result.append(path)
                }
            }
        }
        return result
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

/// Reads a migration file, refusing what is not text.
public enum SourceReader {
    public static func read(path: String) -> Result<SourceText, InputError> {
        switch readBytes(path) {
        case .success(let bytes): return decode(bytes, path: path)
        case .failure(let failure): return .failure(InputError(path: path, message: failure.message))
        }
    }

    /// Why a file could not be read.
    enum ReadFailure: Error {
        case missing, directory, unreadable

        var message: String {
            switch self {
            case .missing: return "no such file or directory"
            case .directory: return "is a directory, not a migration file (a path ending in .sql is read as a file)"
            case .unreadable: return "cannot read the file (permission denied?)"
            }
        }
    }

    /// The file's bytes straight into an array (no `Data` and copy).
    static func readBytes(_ path: String) -> Result<[UInt8], ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.unreadable) }
        guard status.st_mode & S_IFMT != S_IFDIR else { return .failure(.directory) }
        // The size is a hint: the file may grow or shrink while it is read, so read to EOF.
        let size = max(Int(status.st_size), 0)
        var failed = false
        func readFully(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
            var filled = 0
            while filled < buffer.count, let base = buffer.baseAddress {
                let got = systemRead(descriptor, base + filled, buffer.count - filled)
                if got < 0 && errno == EINTR { continue }
                if got < 0 { failed = true }
                if got <= 0 { break }
                filled += got
            }
            return filled
        }
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in count = readFully(into: buffer) }
        // Grown since fstat: read the rest in chunks.
        var chunk = [UInt8](repeating: 0, count: bytes.count > size ? 64 << 10 : 0)
        while !failed, bytes.count > size {
            let got = chunk.withUnsafeMutableBufferPointer { readFully(into: $0) }
            bytes += chunk[0..<got]
            if got < chunk.count { break }
        }
        return failed ? .failure(.unreadable) : .success(bytes)
    }

    public static func decode(_ bytes: [UInt8], path: String) -> Result<SourceText, InputError> {
        let source = SourceText(bytes: bytes)
        if let nul = source.firstNUL(in: 0..<bytes.count) {
            let position = source.position(of: nul)
            return .failure(InputError(path: path, line: position.line, column: position.column,
                                       message: "binary file: NUL byte at byte \(nul); migrations must be UTF-8 text"))
        }
        if let invalid = firstInvalidUTF8(bytes) {
            let position = source.position(of: invalid)
            return .failure(InputError(path: path, line: position.line, column: position.column,
                                       message: "not valid UTF-8 at byte \(invalid); PostgreSQL migrations must be UTF-8 text"))
        }
        return .success(source)
    }

    /// Offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return nil }
        while index < count {
            // Eight ASCII bytes at a time: migrations are nearly all ASCII.
            if index + 8 <= count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            if byte & 0xE0 == 0xC0, byte >= 0xC2 { length = 2 }
            else if byte & 0xF0 == 0xE0 { length = 3 }
            else if byte & 0xF8 == 0xF0, byte <= 0xF4 { length = 4 }
            else { return index }
            guard index + length <= count else { return index }
            for k in 1..<length where bytes[index + k] & 0xC0 != 0x80 { return index }
            if length == 3 {
                let value = (Int(byte & 0x0F) << 12) | (Int(bytes[index + 1] & 0x3F) << 6)
                if value < 0x800 || (value >= 0xD800 && value <= 0xDFFF) { return index }
            }
            if length == 4 {
                let value = (Int(byte & 0x07) << 18) | (Int(bytes[index + 1] & 0x3F) << 12)
                if value < 0x10000 || value > 0x10FFFF { return index }
            }
            index += length
        }
        return nil
    }
}

/// Shell-style globs: `*` and `?` within one path segment, `**` across segments, `[abc]` classes.
public enum Glob {
    public static func isPattern(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    public static func matches(_ pattern: String, _ path: String) -> Bool {
        matchSegments(pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)[...],
                      path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)[...])
    }

    static func matchSegments(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var tail = path
            while true {
                if matchSegments(rest, tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        }
        guard let segment = path.first, matchSegment(Array(first)[...], Array(segment)[...]) else { return false }
        return matchSegments(pattern.dropFirst(), path.dropFirst())
    }

    static func matchSegment(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let p = pattern.first else { return text.isEmpty }
        switch p {
        case "*":
            var tail = text
            while true {
                if matchSegment(pattern.dropFirst(), tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        case "?":
            return !text.isEmpty && matchSegment(pattern.dropFirst(), text.dropFirst())
        case "[":
            guard let close = pattern.dropFirst().firstIndex(of: "]"), let c = text.first else { return false }
            let set = pattern[pattern.index(after: pattern.startIndex)..<close]
            let negate = set.first == "!" || set.first == "^"
            let members = negate ? set.dropFirst() : set
            var found = false
            var i = members.startIndex
            while i < members.endIndex {
                let next = members.index(after: i)
                if next < members.endIndex, members[next] == "-", members.index(after: next) < members.endIndex {
                    let upper = members[members.index(after: next)]
                    if members[i] <= c && c <= upper { found = true }
                    i = members.index(after: members.index(after: next))
                } else {
                    if members[i] == c { found = true }
                    i = next
                }
            }
            return found != negate && matchSegment(pattern[pattern.index(after: close)...], text.dropFirst())
        default:
            return text.first == p && matchSegment(pattern.dropFirst(), text.dropFirst())
        }
    }

    /// The files a pattern names, walking from its longest literal prefix.
    public static func expand(_ pattern: String) -> [String] {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var base: [String] = []
        for segment in segments {
            if isPattern(segment) { break }
            base.append(segment)
        }
        let root = base.isEmpty ? "." : (base.joined(separator: "/").isEmpty ? "/" : base.joined(separator: "/"))
        let walker = FileDiscovery()
        // Only SQL files are linted, so only they are candidates.
        let candidates = walker.sqlFiles(under: root)
        let normalizedPattern = FileDiscovery.normalize(pattern)
        return candidates.filter { matches(normalizedPattern, FileDiscovery.normalize($0)) }.sorted()
    }
}

/// `byte` twice in a row in `text` (`//`, `__`), without Foundation's `String.contains(String)`.
func hasDoubled(_ byte: UInt8, in text: String) -> Bool {
    var previous: UInt8 = 0
    for current in text.utf8 {
        if current == byte && previous == byte { return true }
        previous = current
    }
    return false
}
