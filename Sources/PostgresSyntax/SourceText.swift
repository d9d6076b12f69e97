#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of one migration file as UTF-8 bytes, with a line-start table.
///
/// Every position inside the tool is a UTF-8 byte offset into `bytes`. Line and column are
/// computed here and only here: 1-based, columns counting Unicode code points (as PostgreSQL
/// and editors do), a tab counting as one column, CRLF treated as a line break after the LF.
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, 0x0A, buffer.count - offset) {
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(offset)
            }
        }
        self.lineStarts = starts
    }

    public init(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    public var count: Int { bytes.count }

    /// 1-based line and column of a byte offset. Offsets past the end clamp to the end.
    public func position(of offset: Int) -> SourcePosition {
        let offset = max(0, min(offset, bytes.count))
        let lineIndex = lineIndex(containing: offset)
        let start = lineStarts[lineIndex]
        var column = 1
        var index = start
        while index < offset {
            // Count code points: every byte that is not a UTF-8 continuation byte starts one.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        // An offset in the middle of a multi-byte character belongs to that character.
        if offset < bytes.count, bytes[offset] & 0xC0 == 0x80, column > 1 { column -= 1 }
        return SourcePosition(offset: offset, line: lineIndex + 1, column: column)
    }

    /// The 1-based line of a byte offset: `position(of:).line` without counting the column.
    public func line(of offset: Int) -> Int {
        lineIndex(containing: offset) + 1
    }

    /// The 0-based index of the line that holds `offset` (binary search in the line table).
    public func lineIndex(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The byte range of a 1-based line, without its line break (LF or CRLF).
    public func lineRange(_ line: Int) -> Range<Int> {
        let index = max(0, min(line - 1, lineStarts.count - 1))
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, end <= bytes.count, end - 1 >= start, end - 1 < bytes.count, bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return start..<max(start, end)
    }

    public var lineCount: Int { lineStarts.count }

    /// The offset of the first NUL byte in `range`, if any.
    public func firstNUL(in range: Range<Int>) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !range.isEmpty,
                  let found = memchr(base + range.lowerBound, 0, range.count) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The text of a byte range, decoding invalid UTF-8 with replacement characters.
    public func text(_ range: Range<Int>) -> String {
        let clamped = max(0, min(range.lowerBound, bytes.count))..<max(0, min(range.upperBound, bytes.count))
        return String(decoding: bytes[clamped], as: UTF8.self)
    }

    /// The byte offset of a 1-based character position inside `range`, as libpg_query's error
    /// cursor counts (characters, not bytes).
    public func byteOffset(ofCharacter position: Int, in range: Range<Int>) -> Int {
        var remaining = position - 1
        var index = range.lowerBound
        while remaining > 0, index < range.upperBound {
            index += 1
            while index < range.upperBound, bytes[index] & 0xC0 == 0x80 { index += 1 }
            remaining -= 1
        }
        return min(index, range.upperBound)
    }
}

/// A resolved position: byte offset plus 1-based line and column.
public struct SourcePosition: Sendable, Equatable, Hashable, Comparable {
    public let offset: Int
    public let line: Int
    public let column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.offset < rhs.offset }
}
