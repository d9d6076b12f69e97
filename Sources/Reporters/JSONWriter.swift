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
    private var sink = ByteSink()
    /// The bytes written so far.
    var out: [UInt8] { sink.bytes }
    /// Members or elements written so far at each open level; the count is the nesting depth.
    private var written: [Int]

    /// A writer whose output sits `depth` levels deep in a larger document.
    init(depth: Int = 0) { written = Array(repeating: 1, count: depth) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            if let base = bytes.baseAddress { sink.append(UnsafeRawPointer(base), bytes.count) }
        }
    }

    /// Room for `count` more bytes, so that a large output is not copied as it grows.
    mutating func reserveCapacity(_ count: Int) { sink.reserve(count) }

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
        writer.append("\n")
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
        guard value >= 0 else {
            var text = String(value)
            text.withUTF8 { sink.append(UnsafeRawPointer($0.baseAddress!), $0.count) }
            return
        }
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
            sink.append(UnsafeRawPointer(buffer.baseAddress! + index), buffer.count - index)
        }
    }

    mutating func pad(_ indent: Int) {
        sink.appendSpaces(2 * indent)
    }

    mutating func writeString(_ text: String) {
        sink.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            guard let base = UnsafeRawPointer(bytes.baseAddress) else { return }
            var runStart = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time while none needs escaping: rewrites are long plain SQL.
                if index + 8 <= bytes.count, !Self.mayNeedEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                let escaped = index - 1
                sink.append(UnsafeRawPointer(base + runStart), escaped - runStart)
                runStart = index
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): sink.append(UInt8(ascii: "\\"), byte)
                case 0x0A: sink.append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
                case 0x0D: sink.append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
                case 0x09: sink.append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
                case 0x08: sink.append(UInt8(ascii: "\\"), UInt8(ascii: "b"))
                case 0x0C: sink.append(UInt8(ascii: "\\"), UInt8(ascii: "f"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    append("\\u00")
                    sink.append(hex.utf8Start[Int(byte >> 4)])
                    sink.append(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            sink.append(UnsafeRawPointer(base + runStart), bytes.count - runStart)
        }
        sink.append(UInt8(ascii: "\""))
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

/// The bytes a `JSONWriter` has written, in a buffer it grows itself: `Array.append(contentsOf:)`
/// cost about 90 instructions a call, and a report makes a call for every run of a string between
/// two escapes and every piece of punctuation (writing the corpus's 5.4 MB report took 147 M
/// instructions; docs/benchmarks.md, "The seventh session").
struct ByteSink {
    private final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }
    }

    private var storage = Storage(capacity: 256)

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    /// Room for `extra` more bytes; a writer that was copied gets a buffer of its own first.
    @inline(__always) mutating func reserve(_ extra: Int) {
        if !isKnownUniquelyReferenced(&storage) {
            let copy = Storage(capacity: max(storage.capacity, storage.count + extra))
            copy.base.initialize(from: storage.base, count: storage.count)
            copy.count = storage.count
            storage = copy
        }
        guard storage.count + extra > storage.capacity else { return }
        let capacity = max(2 * storage.capacity, storage.count + extra)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.initialize(from: storage.base, count: storage.count)
        storage.base.deallocate()
        storage.base = grown
        storage.capacity = capacity
    }

    @inline(__always) mutating func append(_ bytes: UnsafeRawPointer, _ count: Int) {
        reserve(count)
        UnsafeMutableRawPointer(storage.base + storage.count).copyMemory(from: bytes, byteCount: count)
        storage.count += count
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        storage.base[storage.count] = byte
        storage.count += 1
    }

    /// Two bytes: an escape.
    @inline(__always) mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        storage.base[storage.count] = first
        storage.base[storage.count + 1] = second
        storage.count += 2
    }

    mutating func appendSpaces(_ count: Int) {
        reserve(count)
        (storage.base + storage.count).initialize(repeating: 0x20, count: count)
        storage.count += count
    }
}
