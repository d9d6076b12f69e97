/// A JSON value whose object members keep the order they are given in: explain's objects
/// keep their documented order; `sortedObject` gives the sorted order of the lint JSON.
indirect enum JSONValue {
    case string(String), int(Int), bool(Bool), null
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Members in sorted key order, absent ones left out: how lint, SARIF and GitLab write objects.
    static func sortedObject(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0 < $1.0 })
    }
}

/// The one JSON writer: every JSON output (lint, explain, SARIF, GitLab) is written by it, so all
/// share one layout: `JSONEncoder`'s `.prettyPrinted` (two-space indent, `"key" : value`, an empty
/// array or object as its brackets around an empty line) without escaped slashes. It writes
/// UTF-8 bytes straight from the values: for large lint output, building a tree of values first,
/// or appending to a `String` piece by piece, was most of the cost, so `JSONReporter` calls the
/// writing methods directly; smaller outputs hand it a `JSONValue`.
struct JSONWriter {
    var out: [UInt8] = []
    /// Members or elements written so far at each open level; the count is the nesting depth.
    private var written: [Int]

    /// A writer whose output sits `depth` levels deep in a larger document.
    init(depth: Int = 0) { written = Array(repeating: 1, count: depth) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func openObject() { append("{\n"); written.append(0) }
    mutating func closeObject() { close("}") }
    mutating func openArray() { append("[\n"); written.append(0) }
    mutating func closeArray() { close("]") }

    /// An empty container comes out as its brackets around an empty line, as `JSONEncoder` has it.
    private mutating func close(_ bracket: StaticString) {
        written.removeLast()
        append("\n")
        pad(written.count)
        append(bracket)
    }

    /// Starts the next member of the open object.
    mutating func key(_ name: StaticString) {
        next()
        append("\"")
        append(name)
        append("\" : ")
    }

    mutating func key(_ name: String) {
        next()
        writeString(name)
        append(" : ")
    }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .string(let text): writeString(text)
        case .int(let number): int(number)
        case .bool(let flag): append(flag ? "true" : "false")
        case .null: append("null")
        case .array(let items): array(items) { $0.value($1) }
        case .object(let members):
            openObject()
            for (name, member) in members {
                key(name)
                self.value(member)
            }
            closeObject()
        }
    }

    /// A whole document, ending with a newline.
    static func document(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.value(value)
        writer.out.append(UInt8(ascii: "\n"))
        return String(decoding: writer.out, as: UTF8.self)
    }

    /// Starts the next element of the open array.
    mutating func next() {
        if let last = written.indices.last {
            if written[last] > 0 { append(",\n") }
            written[last] += 1
        }
        pad(written.count)
    }

    mutating func array<T>(_ items: [T], _ write: (inout JSONWriter, T) -> Void) {
        openArray()
        for item in items {
            next()
            write(&self, item)
        }
        closeArray()
    }

    mutating func int(_ value: Int) {
        guard value >= 0 else { out.append(contentsOf: String(value).utf8); return }
        // Digits straight into the buffer: lines, columns and offsets are most of the numbers.
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            var rest = value
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    mutating func pad(_ indent: Int) {
        let count = 2 * indent
        if count <= Self.spaces.count { out.append(contentsOf: Self.spaces[0..<count]) } else {
            out.append(contentsOf: [UInt8](repeating: 0x20, count: count))
        }
    }

    mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time while none needs escaping: rewrites are long plain SQL.
                if index + 8 <= bytes.count, let base = UnsafeRawPointer(bytes.baseAddress),
                   !Self.mayNeedEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                let escaped = index - 1
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<escaped]))
                runStart = index
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    let hex: StaticString = "0123456789abcdef"
                    append("\\u00")
                    out.append(hex.utf8Start[Int(byte >> 4)])
                    out.append(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is a control character, `"` or `\` (may report a byte
    /// that is none of them; never misses one).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let control = (word &- 0x2020_2020_2020_2020) & ~word & highs != 0
        return control || hasZeroByte(word ^ 0x2222_2222_2222_2222) || hasZeroByte(word ^ 0x5C5C_5C5C_5C5C_5C5C)
    }
}
