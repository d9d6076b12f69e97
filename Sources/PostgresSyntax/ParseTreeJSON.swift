/// libpg_query's JSON parse tree, indexed in one pass over its bytes: one flat entry per value,
/// each knowing where its subtree ends, so the decoder can look members up by key and skip
/// what it does not read. No value is copied out until the decoder asks for it.
///
/// libpg_query writes JSON from the parse tree directly, about 2.5 times faster than it builds,
/// packs and hands over the same tree as protobuf, which we then had to unpack.
struct ParseTreeJSON {
    enum Kind: UInt8 { case object, array, string, escapedString, number, trueValue, falseValue, null }

    struct Entry {
        var kind: Kind
        /// For strings, the bytes between the quotes; for other scalars, the literal.
        var start: Int32
        var end: Int32
        /// The index of the entry after this value and everything inside it.
        var next: Int32
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var entries: [Entry] = []

    /// Nil when `bytes` is not the JSON libpg_query writes (never expected; never a crash).
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        guard bytes.count < Int(Int32.max) else { return nil }
        // libpg_query's JSON holds a value every 7 to 10 bytes.
        entries.reserveCapacity(bytes.count / 6)
        // The containers open around the current value; libpg_query's trees nest a dozen deep.
        var open: [Int] = []
        open.reserveCapacity(32)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: ":"):
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append(entries.count)
                append(byte == UInt8(ascii: "{") ? .object : .array, index, index + 1)
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let container = open.popLast(),
                      (entries[container].kind == .object) == (byte == UInt8(ascii: "}")) else { return nil }
                entries[container].end = Int32(index + 1)
                entries[container].next = Int32(entries.count)
                index += 1
            case UInt8(ascii: "\""):
                var end = index + 1
                var escaped = false
                let base = UnsafeRawPointer(bytes.baseAddress!)
                while end < count {
                    // Eight bytes at a time while none is a quote or a backslash.
                    if end + 8 <= count, !Self.hasQuoteOrBackslash(base.loadUnaligned(fromByteOffset: end, as: UInt64.self)) {
                        end += 8
                        continue
                    }
                    if bytes[end] == UInt8(ascii: "\"") { break }
                    if bytes[end] == UInt8(ascii: "\\") { escaped = true; end += 1 }
                    end += 1
                }
                guard end < count else { return nil }
                append(escaped ? .escapedString : .string, index + 1, end)
                index = end + 1
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let kind: Kind = byte == UInt8(ascii: "t") ? .trueValue : byte == UInt8(ascii: "f") ? .falseValue : .null
                var end = index
                while end < count, bytes[end] >= UInt8(ascii: "a"), bytes[end] <= UInt8(ascii: "z") { end += 1 }
                append(kind, index, end)
                index = end
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = index + 1
                while end < count, Self.isNumberByte(bytes[end]) { end += 1 }
                append(.number, index, end)
                index = end
            default:
                return nil
            }
        }
        guard open.isEmpty, !entries.isEmpty else { return nil }
    }

    @inline(__always)
    private static func hasQuoteOrBackslash(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ 0x2222_2222_2222_2222, backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
        return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highs != 0
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte | 0x20 == UInt8(ascii: "e")
    }

    private mutating func append(_ kind: Kind, _ start: Int, _ end: Int) {
        entries.append(Entry(kind: kind, start: Int32(start), end: Int32(end), next: Int32(entries.count + 1)))
    }

    // MARK: Reading

    /// The value of member `key` of the object at `object`.
    func member(_ object: Int, _ key: StaticString) -> Int? {
        guard entries[object].kind == .object else { return nil }
        var index = object + 1
        let end = Int(entries[object].next)
        while index + 1 < end {
            if matches(index, key) { return index + 1 }
            index = Int(entries[index + 1].next)
        }
        return nil
    }

    /// The members of the object at `object`, as (key, value) entry indices.
    func members(_ object: Int) -> [(key: Int, value: Int)] {
        guard entries[object].kind == .object else { return [] }
        var result: [(Int, Int)] = []
        var index = object + 1
        let end = Int(entries[object].next)
        while index + 1 < end {
            result.append((index, index + 1))
            index = Int(entries[index + 1].next)
        }
        return result
    }

    /// The elements of the array at `array`; empty for anything else.
    func elements(_ array: Int?) -> Elements {
        guard let array, entries[array].kind == .array else { return Elements(entries: entries, startIndex: 0, endIndex: 0) }
        return Elements(entries: entries, startIndex: array + 1, endIndex: Int(entries[array].next))
    }

    /// The entry indices of an array's elements, walked along the index instead of copied into an
    /// array of their own (33,000 arrays for the corpus; docs/benchmarks.md, "The seventh session").
    /// Its indices are the elements' entry indices, not positions from 0: `first`, not `[0]`.
    struct Elements: Collection {
        let entries: [Entry]
        let startIndex: Int
        /// The entry after the array and everything in it, which is where its last element ends.
        let endIndex: Int

        func index(after index: Int) -> Int { Int(entries[index].next) }
        subscript(position: Int) -> Int { position }
    }

    /// Whether the string at `index` is exactly `text` (for keys and enum names).
    func matches(_ index: Int, _ text: StaticString) -> Bool {
        let entry = entries[index]
        guard entry.kind == .string, Int(entry.end - entry.start) == text.utf8CodeUnitCount else { return false }
        let start = Int(entry.start)
        let pointer = text.utf8Start
        for offset in 0..<text.utf8CodeUnitCount where bytes[start + offset] != pointer[offset] { return false }
        return true
    }

    /// The string at `index`, unescaped; empty when absent or not a string (libpg_query leaves
    /// empty strings out).
    func string(_ index: Int?) -> String {
        guard let index else { return "" }
        let entry = entries[index]
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
        switch entry.kind {
        case .string: return String(decoding: raw, as: UTF8.self)
        case .escapedString: return Self.unescape(raw)
        default: return ""
        }
    }

    /// The integer at `index`; 0 when absent (libpg_query leaves zeros out).
    func int(_ index: Int?) -> Int {
        guard let index, entries[index].kind == .number else { return 0 }
        let entry = entries[index]
        var value = 0
        var negative = false
        for offset in Int(entry.start)..<Int(entry.end) {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { break }
            value = times &+ Int(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// True only for `true` (libpg_query leaves `false` out).
    func bool(_ index: Int?) -> Bool {
        guard let index else { return false }
        return entries[index].kind == .trueValue
    }

    /// The type name and body of a `Node`, which libpg_query writes as `{"TypeName": {...}}`.
    func node(_ index: Int) -> (type: Int, body: Int)? {
        guard entries[index].kind == .object, Int(entries[index].next) > index + 2 else { return nil }
        let key = index + 1
        guard entries[key].kind == .string, let first = bytes[Int(entries[key].start)...].first,
              first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return nil }
        return (key, key + 1)
    }

    /// JSON string escapes as libpg_query writes them (`\"`, `\\`, `\n`, `\uXXXX`, ...).
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar: UInt32 = 0
                var digits = 0
                while digits < 4, index < raw.count, let digit = raw[index].hexDigitValue {
                    scalar = scalar << 4 | digit
                    digits += 1
                    index += 1
                }
                if (0xD800..<0xDC00).contains(scalar), index + 5 < raw.count, raw[index] == UInt8(ascii: "\\"),
                   raw[index + 1] == UInt8(ascii: "u") {
                    var low: UInt32 = 0
                    var probe = index + 2
                    while probe < index + 6, let digit = raw[probe].hexDigitValue { low = low << 4 | digit; probe += 1 }
                    if probe == index + 6, (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index = probe
                    }
                }
                out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: out.append(escape)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
