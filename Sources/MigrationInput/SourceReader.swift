import Foundation
import MigrationLint
import PostgresSyntax
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

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
