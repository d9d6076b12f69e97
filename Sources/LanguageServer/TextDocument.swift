/// An open document's text as UTF-8 bytes, with the conversions between byte offsets (used
/// everywhere inside) and LSP positions: a zero-based line and a character offset counted in
/// UTF-16 code units, so that a character beyond the Basic Multilingual Plane (an emoji) counts
/// two.
struct TextDocument: Sendable {
    private(set) var bytes: [UInt8]
    /// Byte offset where each line starts; a line ends at `\n` (a `\r` before it stays in the
    /// line, and LSP counts `\r\n`, `\n` and `\r` as line ends: see `lineEnd`).
    private(set) var lineStarts: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        lineStarts = Self.lineStarts(of: bytes)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Line starts after `\n`, after `\r\n`, and after a `\r` not followed by `\n`: the three
    /// line ends LSP recognises.
    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 10 {
                starts.append(index + 1)
            } else if byte == 13, index + 1 >= count || bytes[index + 1] != 10 {
                starts.append(index + 1)
            }
            index += 1
        }
        return starts
    }

    /// The line holding a byte offset.
    func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count
        while low + 1 < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle }
        }
        return low
    }

    /// Where a line's text ends, before its line terminator.
    func lineEnd(_ line: Int) -> Int {
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        if end > lineStarts[line], bytes[end - 1] == 10 { end -= 1 }
        if end > lineStarts[line], bytes[end - 1] == 13 { end -= 1 }
        return end
    }

    /// The LSP position of a byte offset. An offset inside a character is read as that character's start.
    func position(of offset: Int) -> (line: Int, character: Int) {
        let offset = max(0, min(offset, bytes.count))
        let line = line(of: offset)
        var character = 0
        var index = lineStarts[line]
        while index < offset {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if index + length > offset { break }
            character += length == 4 ? 2 : 1
            index += length
        }
        return (line, character)
    }

    /// The byte offset of an LSP position. Past the end of its line means the line's end; past
    /// the last line, the end of the document; inside a surrogate pair, before the character.
    func offset(line: Int, character: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return bytes.count }
        let end = lineEnd(line)
        var index = lineStarts[line]
        var units = 0
        while index < end {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            let width = length == 4 ? 2 : 1
            if units + width > character { break }
            units += width
            index = min(end, index + length)
        }
        return index
    }

    /// Replaces the text between two LSP positions (an incremental change), or all of it.
    mutating func replace(range: (start: (line: Int, character: Int), end: (line: Int, character: Int))?, with text: String) {
        guard let range else {
            bytes = Array(text.utf8)
            lineStarts = Self.lineStarts(of: bytes)
            return
        }
        let lower = offset(line: range.start.line, character: range.start.character)
        let upper = max(lower, offset(line: range.end.line, character: range.end.character))
        bytes.replaceSubrange(lower..<upper, with: text.utf8)
        // Lines before the edit keep their starts; a `\r` just before it may now pair with a `\n`.
        let keep = line(of: max(0, lower - 1))
        var starts = Array(lineStarts[...keep])
        var index = lineStarts[keep]
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 10 || (byte == 13 && (index + 1 >= count || bytes[index + 1] != 10)) { starts.append(index + 1) }
            index += 1
        }
        lineStarts = starts
    }
}
