/// Looks identifiers up in PostgreSQL's keyword list (`PostgresKeywords`, generated from
/// libpg_query) as its scanner does: only ASCII `A`-`Z` are folded to lower case, so `SELECT`
/// and `sElEcT` are keywords and an identifier with any other byte outside `a`-`z`, `_` never is.
///
/// Every identifier of every statement is looked up, so the lookup neither allocates nor hashes
/// a String: the folded bytes are packed into three words (no keyword is longer than 24 bytes)
/// and found in an open-addressing table, which hands back a shared, upper-cased String.
final class KeywordTable: @unchecked Sendable { // immutable after init
    static let shared = KeywordTable(PostgresKeywords.all)

    private struct Key: Equatable {
        var words: (UInt64, UInt64, UInt64)
        /// In bytes; 0 marks an empty slot.
        var length: Int

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.length == rhs.length && lhs.words == rhs.words }
    }

    private struct Slot {
        var key = Key(words: (0, 0, 0), length: 0)
        var keyword = 0
    }

    /// Never written after `init`; held as raw buffers so that a lookup touches no reference count.
    private let slots: UnsafeMutableBufferPointer<Slot>
    private let upperCased: UnsafeMutableBufferPointer<String>
    private let maxLength: Int
    /// `64 - log2(slots.count)`: the hash's top bits pick the slot.
    private let shift: UInt64

    init(_ keywords: [StaticString]) {
        var capacity = 16
        while capacity < keywords.count * 2 { capacity *= 2 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot())
        upperCased = .allocate(capacity: keywords.count)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        var maxLength = 0
        for (number, keyword) in keywords.enumerated() {
            let bytes = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
            precondition(bytes.count <= 24, "a keyword longer than 24 bytes does not fit the table's key")
            let key = Self.key(bytes.baseAddress!, bytes.count)
            var slot = Self.home(key, shift)
            while slots[slot].key.length != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Slot(key: key, keyword: number)
            (upperCased.baseAddress! + number).initialize(to: String(decoding: bytes.map { $0 &- ($0 &- UInt8(ascii: "a") < 26 ? 32 : 0) }, as: UTF8.self))
            maxLength = max(maxLength, bytes.count)
        }
        self.maxLength = maxLength
    }

    deinit {
        slots.deallocate()
        upperCased.deinitialize().deallocate()
    }

    /// The upper-cased keyword that the bytes of `range` spell, if they spell one.
    @inline(__always) func keyword(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        guard range.count <= maxLength, let base = text.baseAddress else { return nil }
        let key = Self.key(base + range.lowerBound, range.count)
        var slot = Self.home(key, shift)
        while slots[slot].key.length != 0 {
            if slots[slot].key == key { return upperCased[slots[slot].keyword] }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// `length` bytes (at most 24), `A`-`Z` folded to lower case, packed little-endian.
    @inline(__always) private static func key(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Key {
        @inline(__always) func word(_ from: Int) -> UInt64 {
            var word: UInt64 = 0
            var offset = min(length, from + 8)
            while offset > from {
                offset -= 1
                let byte = bytes[offset]
                word = word << 8 | UInt64(byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte)
            }
            return word
        }
        return Key(words: (word(0), length > 8 ? word(8) : 0, length > 16 ? word(16) : 0), length: length)
    }

    /// Where a key's probe starts: the top bits of a multiplicative hash, which depend on every byte.
    @inline(__always) private static func home(_ key: Key, _ shift: UInt64) -> Int {
        let mixed = key.words.0 ^ (key.words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (key.words.2 &* 0x1656_67B1_9E37_79F9)
        return Int(truncatingIfNeeded: ((mixed &+ UInt64(key.length)) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
