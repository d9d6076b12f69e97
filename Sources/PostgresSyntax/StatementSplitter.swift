#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One statement's place in a file, found by `StatementSplitter`.
public struct StatementSlice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case sql
        /// A psql meta-command line such as `\set`, `\c` or `\i`: not SQL, never parsed.
        case psqlMetaCommand
    }

    /// A construct that was still open when the file ended.
    public enum Unterminated: Sendable, Equatable {
        case string, quotedIdentifier, blockComment
        case dollarQuote(tag: String)
    }

    public let kind: Kind
    /// From the first byte of the statement through its terminating `;` (or the end of input).
    public let range: Range<Int>
    /// Whitespace and comments between the previous statement and this one.
    public let leadingTrivia: Range<Int>
    /// Where an unterminated string, identifier, comment or dollar quote starts, if any.
    public let unterminated: (kind: Unterminated, offset: Int)?
    /// The deepest nesting of parentheses, used to refuse pathological input before parsing.
    public let maxParenDepth: Int
    /// Byte offset of the first psql variable interpolation (`:'var'`, `:"var"`, `:var`).
    public let psqlVariableOffset: Int?
    /// The most binary operators (`+`, `||`, `::`, `COLLATE`, `AT TIME ZONE`...) chained in one
    /// expression: each nests the tree one level deeper, and libpg_query's output code recurses
    /// (and takes quadratic time) on that depth, overflowing even a 64 MiB stack near a million.
    public var maxOperatorChain = 0

    public static func == (lhs: StatementSlice, rhs: StatementSlice) -> Bool {
        lhs.kind == rhs.kind && lhs.range == rhs.range && lhs.leadingTrivia == rhs.leadingTrivia
            && lhs.unterminated?.kind == rhs.unterminated?.kind && lhs.unterminated?.offset == rhs.unterminated?.offset
    }
}

/// Splits SQL text into statements the way psql sends them, without ever failing.
///
/// libpg_query's own split functions reject the whole input, or drop or merge text, when one
/// statement is malformed. This splitter understands quotes, `E''` escapes, quoted identifiers,
/// nested block comments, dollar quotes, `BEGIN ATOMIC ... END` bodies and `CREATE RULE ... (a; b)`,
/// and runs an unterminated construct to the end of the input, so one broken statement never
/// hides the others.
public enum StatementSplitter {
    public static func split(_ bytes: [UInt8]) -> [StatementSlice] {
        bytes.withUnsafeBufferPointer { split($0, in: 0..<$0.count) }
    }

    /// Splits only `range` of `bytes` (offsets stay relative to the whole buffer).
    public static func split(_ bytes: [UInt8], in range: Range<Int>) -> [StatementSlice] {
        bytes.withUnsafeBufferPointer { split($0, in: range) }
    }

    static func split(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> [StatementSlice] {
        var scanner = Cursor(text: text, index: range.lowerBound, end: range.upperBound)
        var slices: [StatementSlice] = []
        while true {
            let triviaStart = scanner.index
            if let open = scanner.skipTrivia() {
                // An unterminated block comment swallows the rest: report it as a statement so
                // the user hears about it.
                slices.append(StatementSlice(kind: .sql, range: open..<scanner.end, leadingTrivia: triviaStart..<open,
                                             unterminated: (.blockComment, open), maxParenDepth: 0, psqlVariableOffset: nil))
                break
            }
            if scanner.atEnd { break }
            let start = scanner.index
            if scanner.peek == UInt8(ascii: "\\"), scanner.isAtLineStart(from: range.lowerBound) {
                scanner.skipToLineEnd()
                slices.append(StatementSlice(kind: .psqlMetaCommand, range: start..<scanner.index, leadingTrivia: triviaStart..<start,
                                             unterminated: nil, maxParenDepth: 0, psqlVariableOffset: nil))
                continue
            }
            let body = scanner.scanStatement()
            var slice = StatementSlice(kind: .sql, range: start..<scanner.index, leadingTrivia: triviaStart..<start,
                                       unterminated: body.unterminated, maxParenDepth: body.maxParenDepth,
                                       psqlVariableOffset: body.psqlVariableOffset)
            slice.maxOperatorChain = body.maxOperatorChain
            slices.append(slice)
        }
        return slices
    }
}

private struct Cursor {
    let text: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    var atEnd: Bool { index >= end }
    var peek: UInt8 { index < end ? text[index] : 0 }
    func peek(_ ahead: Int) -> UInt8 { index + ahead < end ? text[index + ahead] : 0 }

    func isAtLineStart(from lowerBound: Int) -> Bool {
        var i = index - 1
        while i >= lowerBound {
            let byte = text[i]
            if byte == UInt8(ascii: "\n") { return true }
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") { return false }
            i -= 1
        }
        return true
    }

    mutating func skipToLineEnd() {
        while index < end, text[index] != UInt8(ascii: "\n") { index += 1 }
    }

    /// Skips whitespace and comments. Returns the start of an unterminated block comment.
    mutating func skipTrivia() -> Int? {
        while index < end {
            let byte = text[index]
            if isSpace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                skipToLineEnd()
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let open = index
                if !skipBlockComment() { return open }
            } else {
                break
            }
        }
        return nil
    }

    /// Skips a (nested) block comment starting at `index`. False when it never closes.
    mutating func skipBlockComment() -> Bool {
        var depth = 0
        while index < end {
            if text[index] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if text[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return true }
            } else {
                index += 1
            }
        }
        return false
    }

    struct Body {
        var unterminated: (StatementSlice.Unterminated, Int)?
        var maxParenDepth = 0
        var psqlVariableOffset: Int?
        var maxOperatorChain = 0
    }

    /// Scans one statement up to and including its `;`, or to the end of input.
    mutating func scanStatement() -> Body {
        var body = Body()
        var parenDepth = 0
        var atomicDepth = 0
        var caseDepth = 0
        var previousWord: Slice<UnsafeBufferPointer<UInt8>> = text[0..<0]
        var leadingWords: [String] = []
        var isRule = false
        // Operators chained so far in the current expression, one count per open parenthesis:
        // a comma starts a new expression, a parenthesis a nested one.
        var chains = [0]
        func chained() {
            chains[chains.count - 1] += 1
            body.maxOperatorChain = max(body.maxOperatorChain, chains[chains.count - 1])
        }

        while index < end {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: ";"):
                index += 1
                if atomicDepth == 0 && (parenDepth == 0 || !isRule) { return body }
            case UInt8(ascii: "'"):
                let open = index
                // E'...' strings take backslash escapes; in every other string a backslash is plain.
                let escapes = index >= 1 && text[index - 1] | 0x20 == UInt8(ascii: "e")
                    && (index < 2 || !isIdentifierByte(text[index - 2]))
                if !skipQuoted(UInt8(ascii: "'"), backslashEscapes: escapes) { body.unterminated = (.string, open); return body }
            case UInt8(ascii: "\""):
                let open = index
                if !skipQuoted(UInt8(ascii: "\""), backslashEscapes: false) { body.unterminated = (.quotedIdentifier, open); return body }
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                skipToLineEnd()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let open = index
                if !skipBlockComment() { body.unterminated = (.blockComment, open); return body }
            case UInt8(ascii: "$"):
                if index > 0, isIdentifierByte(text[index - 1]) { index += 1; break }
                if let tagEnd = dollarTagEnd() {
                    let open = index
                    let tag = Array(text[index...tagEnd])
                    index = tagEnd + 1
                    if !skipDollarBody(tag) {
                        body.unterminated = (.dollarQuote(tag: String(decoding: tag, as: UTF8.self)), open)
                        return body
                    }
                } else {
                    index += 1
                }
            case UInt8(ascii: "("):
                parenDepth += 1
                body.maxParenDepth = max(body.maxParenDepth, parenDepth)
                chains.append(0)
                index += 1
            case UInt8(ascii: ")"):
                parenDepth = max(0, parenDepth - 1)
                if chains.count > 1 { chains.removeLast() }
                index += 1
            case UInt8(ascii: ","):
                chains[chains.count - 1] = 0
                index += 1
            case UInt8(ascii: ":") where peek(1) == UInt8(ascii: ":"):
                chained()
                index += 2
            case _ where isOperatorByte(byte):
                // One operator: a run of operator characters up to a comment.
                chained()
                index += 1
                while index < end, isOperatorByte(text[index]),
                      !(text[index] == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")),
                      !(text[index] == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*")) {
                    index += 1
                }
            case UInt8(ascii: ":"):
                if body.psqlVariableOffset == nil, peek(1) != UInt8(ascii: ":"),
                   index == 0 || text[index - 1] != UInt8(ascii: ":") {
                    let next = peek(1)
                    let before = index > 0 ? text[index - 1] : UInt8(ascii: " ")
                    if next == UInt8(ascii: "'") || next == UInt8(ascii: "\"")
                        || (isIdentifierStart(next) && (isSpace(before) || before == UInt8(ascii: "(")
                            || before == UInt8(ascii: ",") || before == UInt8(ascii: "="))) {
                        body.psqlVariableOffset = index
                    }
                }
                index += 1
            default:
                if isIdentifierStart(byte), index == 0 || !isIdentifierByte(text[index - 1]) {
                    let wordStart = index
                    while index < end, isIdentifierByte(text[index]) { index += 1 }
                    let word = text[wordStart..<index]
                    if leadingWords.count < 4 {
                        leadingWords.append(String(decoding: word, as: UTF8.self).uppercased())
                        isRule = leadingWords.first == "CREATE" && leadingWords.dropFirst().contains("RULE")
                    }
                    if equalsKeyword(word, "COLLATE") || (equalsKeyword(word, "ZONE") && equalsKeyword(previousWord, "TIME")) {
                        chained()
                    } else if equalsKeyword(word, "AND") || equalsKeyword(word, "OR") {
                        // The grammar flattens `a AND b AND c` into one list: each operand starts afresh.
                        chains[chains.count - 1] = 0
                    }
                    if equalsKeyword(word, "ATOMIC"), equalsKeyword(previousWord, "BEGIN") {
                        atomicDepth += 1
                    } else if atomicDepth > 0 {
                        if equalsKeyword(word, "CASE") { caseDepth += 1 }
                        else if equalsKeyword(word, "END") {
                            if caseDepth > 0 { caseDepth -= 1 } else { atomicDepth -= 1 }
                        }
                    }
                    previousWord = word
                } else {
                    index += 1
                }
            }
        }
        return body
    }

    /// Skips a quoted string or identifier whose opening quote is at `index`; doubled quotes
    /// escape. False when it never closes.
    mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) -> Bool {
        index += 1
        while index < end {
            if !backslashEscapes, let base = text.baseAddress {
                // Long literals (data dumps) are skipped with memchr rather than byte by byte.
                guard let found = memchr(base + index, Int32(quote), end - index) else { break }
                index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            let byte = text[index]
            if backslashEscapes && byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == quote {
                if peek(1) == quote { index += 2; continue }
                index += 1
                return true
            }
            index += 1
        }
        index = end
        return false
    }

    /// If a dollar-quote tag (`$$` or `$tag$`) starts at `index`, the offset of its closing `$`.
    func dollarTagEnd() -> Int? {
        var i = index + 1
        if i < end, text[i] == UInt8(ascii: "$") { return i }
        guard i < end, isIdentifierStart(text[i]) else { return nil }
        while i < end, isIdentifierByte(text[i]), text[i] != UInt8(ascii: "$") { i += 1 }
        return i < end && text[i] == UInt8(ascii: "$") ? i : nil
    }

    mutating func skipDollarBody(_ tag: [UInt8]) -> Bool {
        while index < end {
            if text[index] == UInt8(ascii: "$"), index + tag.count <= end {
                var matches = true
                for (k, b) in tag.enumerated() where text[index + k] != b { matches = false; break }
                if matches { index += tag.count; return true }
            }
            index += 1
        }
        return false
    }

    func equalsKeyword(_ word: Slice<UnsafeBufferPointer<UInt8>>, _ keyword: StaticString) -> Bool {
        guard word.count == keyword.utf8CodeUnitCount else { return false }
        let k = keyword.utf8Start
        var i = 0
        for byte in word {
            if byte & 0xDF != k[i] { return false }
            i += 1
        }
        return true
    }
}

@inline(__always) func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C || byte == 0x0B
}

/// scan.l's {op_chars}: ~ ! @ # ^ & | ` ? + - * / % < > =
@inline(__always) func isOperatorByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "&"),
         UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "?"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"),
         UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="):
        return true
    default:
        return false
    }
}

@inline(__always) func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
}

/// An identifier start, a digit or `$`: one bit test, as the lexer asks it for every byte of
/// every identifier.
@inline(__always) func isIdentifierByte(_ byte: UInt8) -> Bool {
    switch byte >> 6 {
    case 0: return (0x03FF_0010_0000_0000 as UInt64) >> UInt64(byte & 63) & 1 != 0 // `$`, 0-9
    case 1: return (0x07FF_FFFE_87FF_FFFE as UInt64) >> UInt64(byte & 63) & 1 != 0 // A-Z, `_`, a-z
    default: return true // 0x80 and above: any byte of a multi-byte character
    }
}
