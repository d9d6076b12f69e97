import Testing
@testable import MigrationLintRules

/// The eight-bytes-at-a-time scan that decides whether a statement may hold a name longer than
/// 63 bytes gives the same answer as reading it byte by byte.
@Suite struct IdentifierScanTests {
    /// The byte-by-byte reading: the reference.
    func reference(_ bytes: [UInt8]) -> Bool {
        guard bytes.count > IdentifierTooLong.limit else { return false }
        var scan = IdentifierTooLong.LongWordScan()
        for byte in bytes where scan.step(byte) { return true }
        return scan.inQuotedName && scan.run > IdentifierTooLong.limit
    }

    @Test func agreesWithTheByteByByteScanOnGeneratedText() {
        // Name bytes, separators, quotes and multi-byte letters, in runs around the limit.
        let pieces: [[UInt8]] = [Array("a".utf8), Array("Z".utf8), Array("9".utf8), Array("_".utf8), Array("$".utf8),
                                 Array(" ".utf8), Array("(".utf8), Array(",".utf8), Array("'".utf8), Array("\"".utf8),
                                 Array("é".utf8), Array("\n".utf8), [0x7F], [0x40], [0x5B], [0x60], [0x7B], [0x2F], [0x3A]]
        var generator = SplitMix(seed: 42)
        var mismatches = 0
        for _ in 0..<20_000 {
            var text: [UInt8] = []
            let length = Int(generator.next() % 200)
            while text.count < length {
                let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
                // Long runs of one piece, so that names of 60 to 70 bytes are common.
                let repeats = generator.next() % 4 == 0 ? Int(generator.next() % 80) : 1
                for _ in 0..<repeats { text += piece }
            }
            let fast = IdentifierTooLong.mayHoldLongIdentifier(text, 0..<text.count)
            if fast != reference(text) { mismatches += 1 }
            // The same text inside a larger buffer, as statements are.
            let framed = Array("x; ".utf8) + text + Array(" ;y".utf8)
            if IdentifierTooLong.mayHoldLongIdentifier(framed, 3..<(3 + text.count)) != reference(text) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func findsNamesAtTheLimitExactly() {
        let name63 = String(repeating: "n", count: 63), name64 = String(repeating: "n", count: 64)
        let short = Array("CREATE TABLE \(name63) (id int);".utf8)
        #expect(!IdentifierTooLong.mayHoldLongIdentifier(short, 0..<short.count))
        let long = Array("CREATE TABLE \(name64) (id int);".utf8)
        #expect(IdentifierTooLong.mayHoldLongIdentifier(long, 0..<long.count))
        let quoted = Array("CREATE TABLE \"\(name63) \" (id int);".utf8)
        #expect(IdentifierTooLong.mayHoldLongIdentifier(quoted, 0..<quoted.count))
        let inString = Array("SELECT '\(name64)';".utf8)
        #expect(!IdentifierTooLong.mayHoldLongIdentifier(inString, 0..<inString.count))
    }
}

/// A small deterministic generator, so a failure can be reproduced.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
