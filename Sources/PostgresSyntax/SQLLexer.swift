#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// PostgreSQL 15's lexical rules (src/backend/parser/scan.l, as patched by libpg_query), over
/// UTF-8 bytes, with no allocation: the ranges it reports are those `pg_query_scan` reports.
///
/// Unlike PostgreSQL's scanner it never fails. Where PostgreSQL stops with an error (an
/// unterminated string or comment, `""`, `1e`, `$1a`, an operator of 64 characters), it returns
/// the token it would have read and continues, so that rules still find the keywords around it.
/// A NUL byte is a one-byte token (PostgreSQL's scanner, given a C string, stops there).
///
/// The one place it deliberately differs from `pg_query_scan`: a `U&'...'` string or `U&"..."`
/// identifier spans its whole text, where libpg_query reports an empty range for the string and
/// only the `U` for the identifier (it uses the length of the last rule that matched, not the
/// token's end, for those two token types).
public struct SQLLexer {
    /// What a lexical unit is: enough to drop comments, to look identifiers up as keywords, and to
    /// recognise the `N` of `N'...'`, which PostgreSQL's scanner returns as the keyword NCHAR.
    enum Kind: UInt8, Sendable {
        /// An unquoted identifier, or a keyword: the scanner tells them apart by looking it up.
        case identifier
        /// `"..."` or `U&"..."`: never a keyword, whatever it spells.
        case quotedIdentifier
        /// `'...'`, `E'...'`, `B'...'`, `X'...'`, `U&'...'` (with continuation lines), `$tag$...$tag$`.
        case string
        /// The `N` of `N'...'`: the string itself follows as a token of its own.
        case nationalPrefix
        case number
        /// `$1`.
        case parameter
        /// A run of operator characters, and `::`, `:=`, `..`.
        case `operator`
        /// Any other single byte: `,()[];.:+-*/` and also bytes PostgreSQL does not expect (`\`, `{`,
        /// a vertical tab, a NUL).
        case punctuation
        case lineComment
        case blockComment
    }

    /// One token of the lexer, comments included.
    struct Lexeme: Sendable, Equatable {
        let kind: Kind
        let range: Range<Int>
        /// False for a string, quoted identifier, dollar quote or block comment still open at the end
        /// of the input. PostgreSQL rejects those; the lexer runs them to the end and goes on.
        let isTerminated: Bool
    }

    private let text: UnsafeBufferPointer<UInt8>
    private var index: Int
    /// Where the lexed range ends.
    let end: Int

    /// Tokens of `range` (file offsets), comments left out, with the ranges and keywords that
    /// libpg_query's `pg_query_scan` reports (see `SQLLexer` for where they differ). Text that
    /// PostgreSQL cannot scan (an unterminated string, a NUL byte) still gives its tokens.
    public static func tokens(in range: Range<Int>, of source: SourceText) -> [Token] {
        source.bytes.withUnsafeBufferPointer { text in
            let keywords = KeywordTable.shared
            var lexer = SQLLexer(text, in: range)
            var tokens: [Token] = []
            // Statements average about ten bytes a token; growing from empty would reallocate
            // several times per statement. Long statements grow from there.
            tokens.reserveCapacity(min(range.count / 8, 1_024) + 4)
            while let token = lexer.next() {
                switch token.kind {
                case .lineComment, .blockComment:
                    continue
                case .identifier:
                    tokens.append(Token(range: token.range, keyword: keywords.keyword(text, token.range)))
                case .nationalPrefix:
                    // PostgreSQL reads the `N` of `N'...'` as the keyword NCHAR; its text is `N`.
                    tokens.append(Token(range: token.range, keyword: "N"))
                default:
                    tokens.append(Token(range: token.range, keyword: nil))
                }
            }
            return tokens
        }
    }

    /// The range of the first token of `range`, comments left out: the word a finding about a
    /// whole statement points at.
    public static func firstToken(in range: Range<Int>, of source: SourceText) -> Range<Int>? {
        source.bytes.withUnsafeBufferPointer { text in
            var lexer = SQLLexer(text, in: range)
            while let token = lexer.next() {
                if token.kind != .lineComment && token.kind != .blockComment { return token.range }
            }
            return nil
        }
    }

    /// The first `count` words of `range` (comments left out), lower-cased, up to the first token
    /// that is not a plain word: enough to tell what a statement is without parsing it.
    public static func leadingWords(_ count: Int, in range: Range<Int>, of source: SourceText) -> [String] {
        source.bytes.withUnsafeBufferPointer { text in
            var lexer = SQLLexer(text, in: range)
            var words: [String] = []
            while words.count < count, let token = lexer.next() {
                switch token.kind {
                case .lineComment, .blockComment: continue
                case .identifier: words.append(String(decoding: text[token.range], as: UTF8.self).lowercased())
                default: return words
                }
            }
            return words
        }
    }

    /// Lexes `range` of `text`; a range reaching past the text is cut to it.
    init(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>) {
        self.text = text
        self.end = min(max(range.upperBound, 0), text.count)
        self.index = min(max(range.lowerBound, 0), end)
    }

    /// Where the next token is read from.
    var offset: Int { index }

    /// Goes on reading at `offset` (never backwards, never past the end): the statement splitter
    /// passes over a psql meta-command line this way, which is not SQL.
    mutating func skip(to offset: Int) {
        index = min(max(offset, index), end)
    }

    /// The next token, or nil at the end of the range.
    mutating func next() -> Lexeme? {
        skipWhitespace()
        guard index < end else { return nil }
        let start = index
        let byte = text[start]
        switch byte {
        case _ where isIdentifierStart(byte):
            return identifierOrPrefixedLiteral()
        case UInt8(ascii: "\""):
            index += 1
            return quotedIdentifier(from: start)
        case UInt8(ascii: "'"):
            index += 1
            return quotedString(from: start, style: .standard)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        case UInt8(ascii: "."):
            if isDigit(peek(start + 1)) { return number() }
            return peek(start + 1) == UInt8(ascii: ".") ? fixed(.operator, length: 2) : fixed(.punctuation, length: 1)
        case UInt8(ascii: "$"):
            return dollar()
        case UInt8(ascii: ":"):
            let next = peek(start + 1)
            return next == UInt8(ascii: ":") || next == UInt8(ascii: "=") ? fixed(.operator, length: 2) : fixed(.punctuation, length: 1)
        case UInt8(ascii: "-") where peek(start + 1) == UInt8(ascii: "-"):
            return lineComment()
        case UInt8(ascii: "/") where peek(start + 1) == UInt8(ascii: "*"):
            return blockComment()
        case _ where isOperatorByte(byte):
            return operatorToken()
        default:
            return fixed(.punctuation, length: 1)
        }
    }

    // MARK: - Reading bytes

    /// The byte at `offset`, or 0 past the end. Callers only compare the result with bytes
    /// other than 0, so a real NUL and the end of input never need telling apart.
    @inline(__always) private func peek(_ offset: Int) -> UInt8 {
        offset < end ? text[offset] : 0
    }

    /// The offset of the first `byte` at or after `offset`, before the end.
    @inline(__always) private func find(_ byte: UInt8, from offset: Int) -> Int? {
        guard offset < end, let base = text.baseAddress, let found = memchr(base + offset, Int32(byte), end - offset) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private mutating func skipWhitespace() {
        // scan.l's {space}: a vertical tab is not one in PostgreSQL 15 (it is in 16).
        while index < end, isSQLSpace(text[index]) { index += 1 }
    }

    private mutating func fixed(_ kind: Kind, length: Int) -> Lexeme {
        let start = index
        index += length
        return Lexeme(kind: kind, range: start..<index, isTerminated: true)
    }

    // MARK: - Identifiers and the literals that start like one

    /// An identifier, or a literal whose prefix letter would otherwise start one: flex takes the
    /// longest match, so `b'` beats the identifier `b`, and `u&` beats `u`.
    private mutating func identifierOrPrefixedLiteral() -> Lexeme {
        let start = index
        let lower = text[start] | 0x20
        let next = peek(start + 1)
        if next == UInt8(ascii: "'") {
            switch lower {
            case UInt8(ascii: "b"), UInt8(ascii: "x"):
                index += 2
                return quotedString(from: start, style: .bits)
            case UInt8(ascii: "e"):
                index += 2
                return quotedString(from: start, style: .escapes)
            case UInt8(ascii: "n"):
                // scan.l gives back the quote and returns NCHAR for the `n` alone.
                return fixed(.nationalPrefix, length: 1)
            default:
                break
            }
        }
        if lower == UInt8(ascii: "u"), next == UInt8(ascii: "&") {
            switch peek(start + 2) {
            case UInt8(ascii: "\""):
                index += 3
                return quotedIdentifier(from: start)
            case UInt8(ascii: "'"):
                index += 3
                return quotedString(from: start, style: .standard)
            default:
                // {xufailed}: the `u` alone is an identifier, the `&` an operator.
                return fixed(.identifier, length: 1)
            }
        }
        index += 1
        while index < end, isIdentifierByte(text[index]) { index += 1 }
        return Lexeme(kind: .identifier, range: start..<index, isTerminated: true)
    }

    /// The end of `"..."`, `""` standing for one quote; `index` is past the opening quote.
    private mutating func quotedIdentifier(from start: Int) -> Lexeme {
        while let quote = find(UInt8(ascii: "\""), from: index) {
            index = quote + 1
            if peek(index) != UInt8(ascii: "\"") {
                return Lexeme(kind: .quotedIdentifier, range: start..<index, isTerminated: true)
            }
            index += 1
        }
        index = end
        return Lexeme(kind: .quotedIdentifier, range: start..<end, isTerminated: false)
    }

    // MARK: - Strings

    /// How a quoted string's body is read.
    private enum StringStyle {
        /// `'...'`, `N'...'`, `U&'...'`: `''` is a quote, a backslash is a backslash.
        case standard
        /// `E'...'`: `''` is a quote and a backslash escapes the byte after it.
        case escapes
        /// `B'...'`, `X'...'`: the first quote ends it (scan.l's xbinside and xhinside are `[^']*`).
        case bits
    }

    /// The end of a quoted string whose body starts at `index`, through its continuations: a
    /// string followed by whitespace holding a newline, then another quote, goes on there
    /// (`'a'\n'b'` is one constant). libpg_query's patched scanner allows no comment in that
    /// whitespace, so `'a' -- c\n'b'` is two strings.
    private mutating func quotedString(from start: Int, style: StringStyle) -> Lexeme {
        while true {
            guard closeQuote(style) else {
                return Lexeme(kind: .string, range: start..<end, isTerminated: false)
            }
            guard let next = continuation(after: index) else {
                return Lexeme(kind: .string, range: start..<index, isTerminated: true)
            }
            index = next
        }
    }

    /// Moves past the quote that closes a string body starting at `index`. False, at the end of
    /// input, when there is none.
    private mutating func closeQuote(_ style: StringStyle) -> Bool {
        style == .escapes ? closeQuoteAfterEscapes() : closePlainQuote(doubledQuotes: style == .standard)
    }

    /// A body without escapes: memchr finds each quote, so long literals (data dumps) go fast.
    private mutating func closePlainQuote(doubledQuotes: Bool) -> Bool {
        while let quote = find(UInt8(ascii: "'"), from: index) {
            index = quote + 1
            if !doubledQuotes || peek(index) != UInt8(ascii: "'") { return true }
            index += 1
        }
        index = end
        return false
    }

    /// An `E'...'` body: every escape (`\'`, `\\`, `\n`, `\x41`, `\101`, `\u0041`) hides at most
    /// the one byte after the backslash; the rest of it is ordinary text.
    private mutating func closeQuoteAfterEscapes() -> Bool {
        while index < end {
            let byte = text[index]
            if byte == UInt8(ascii: "'") {
                index += 1
                if peek(index) != UInt8(ascii: "'") { return true }
            } else if byte == UInt8(ascii: "\\") {
                index += 1
            }
            index += 1
        }
        index = end
        return false
    }

    /// Where a string closed just before `offset` continues: past the opening quote of the next
    /// part, when only spaces, tabs and form feeds, then a newline, then any whitespace, lie between.
    private func continuation(after offset: Int) -> Int? {
        var offset = offset
        while offset < end, isHorizontalSpace(text[offset]) { offset += 1 }
        guard offset < end, isNewline(text[offset]) else { return nil }
        while offset < end, isSQLSpace(text[offset]) { offset += 1 }
        return offset < end && text[offset] == UInt8(ascii: "'") ? offset + 1 : nil
    }

    // MARK: - Dollars: quotes and parameters

    /// `$1`, `$$...$$`, `$tag$...$tag$`, or a lone `$`.
    private mutating func dollar() -> Lexeme {
        let start = index
        let next = peek(start + 1)
        if isDigit(next) {
            index += 2
            while index < end, isDigit(text[index]) { index += 1 }
            return Lexeme(kind: .parameter, range: start..<index, isTerminated: true)
        }
        // A tag is an identifier without `$`, not starting with a digit.
        var tagEnd = start + 1
        if isIdentifierStart(next) {
            while tagEnd < end, isDollarTagByte(text[tagEnd]) { tagEnd += 1 }
        }
        guard tagEnd < end, text[tagEnd] == UInt8(ascii: "$") else {
            // {dolqfailed} and {other}: the `$` alone; what follows is read afresh.
            return fixed(.punctuation, length: 1)
        }
        index = tagEnd + 1
        return dollarQuoted(from: start, tagLength: index - start)
    }

    /// The end of a dollar-quoted string whose tag (`$tag$`, `tagLength` bytes, both dollars
    /// included) starts at `start`; `index` is past the tag. The body is the text up to the first
    /// copy of the tag: nothing in it is special.
    private mutating func dollarQuoted(from start: Int, tagLength: Int) -> Lexeme {
        // Function bodies are long and hold few dollars: memchr finds each.
        while let dollar = find(UInt8(ascii: "$"), from: index), dollar + tagLength <= end {
            if matchesTag(at: dollar, tagStart: start, length: tagLength) {
                index = dollar + tagLength
                return Lexeme(kind: .string, range: start..<index, isTerminated: true)
            }
            index = dollar + 1
        }
        index = end
        return Lexeme(kind: .string, range: start..<end, isTerminated: false)
    }

    private func matchesTag(at offset: Int, tagStart: Int, length: Int) -> Bool {
        var k = 1 // both start with `$`
        while k < length {
            if text[offset + k] != text[tagStart + k] { return false }
            k += 1
        }
        return true
    }

    // MARK: - Numbers

    /// An integer, decimal or real: `12`, `1.5`, `1.`, `.5`, `1e10`, `1.5E-3`.
    ///
    /// `1..10` is `1`, `..`, `10` (scan.l's {decimalfail}). PostgreSQL 15 rejects a number run
    /// into letters (`1e`, `1e+`, `1abc`, `1.e`): here the number ends before the letter, as it
    /// did in PostgreSQL 14, and the letters are an identifier.
    private mutating func number() -> Lexeme {
        let start = index
        while index < end, isDigit(text[index]) { index += 1 }
        if peek(index) == UInt8(ascii: "."), !(index > start && peek(index + 1) == UInt8(ascii: ".")) {
            index += 1
            while index < end, isDigit(text[index]) { index += 1 }
        }
        if peek(index) | 0x20 == UInt8(ascii: "e") {
            var exponent = index + 1
            if peek(exponent) == UInt8(ascii: "+") || peek(exponent) == UInt8(ascii: "-") { exponent += 1 }
            if isDigit(peek(exponent)) {
                index = exponent + 1
                while index < end, isDigit(text[index]) { index += 1 }
            }
        }
        return Lexeme(kind: .number, range: start..<index, isTerminated: true)
    }

    // MARK: - Operators and comments

    /// scan.l's {operator} rule: the longest run of operator characters, cut where a comment
    /// starts inside it; then a trailing `+` or `-` is given back (so `=-1` is `=`, `-`, `1`),
    /// unless the operator holds a character that no SQL operator has (`?-` and `@-` stay whole).
    private mutating func operatorToken() -> Lexeme {
        let start = index
        var stop = start + 1
        while stop < end, isOperatorByte(text[stop]) {
            // `--` and `/*` start a comment, never continue an operator (they cannot start one:
            // `next()` reads those as comments first).
            let previous = text[stop - 1], current = text[stop]
            if (previous == UInt8(ascii: "-") && current == UInt8(ascii: "-"))
                || (previous == UInt8(ascii: "/") && current == UInt8(ascii: "*")) {
                stop -= 1
                break
            }
            stop += 1
        }
        let last = text[stop - 1]
        if stop - start > 1, last == UInt8(ascii: "+") || last == UInt8(ascii: "-"), !hasNonSQLOperatorCharacter(start..<stop) {
            repeat { stop -= 1 } while stop - start > 1 && (text[stop - 1] == UInt8(ascii: "+") || text[stop - 1] == UInt8(ascii: "-"))
        }
        index = stop
        return Lexeme(kind: stop - start == 1 ? .punctuation : .operator, range: start..<stop, isTerminated: true)
    }

    private func hasNonSQLOperatorCharacter(_ range: Range<Int>) -> Bool {
        for offset in range {
            switch text[offset] {
            case UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "^"),
                 UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "?"), UInt8(ascii: "%"):
                return true
            default:
                continue
            }
        }
        return false
    }

    /// `--` up to, not including, the end of the line (a LF or a CR).
    private mutating func lineComment() -> Lexeme {
        let start = index
        index += 2
        while index < end, !isNewline(text[index]) { index += 1 }
        return Lexeme(kind: .lineComment, range: start..<index, isTerminated: true)
    }

    /// `/* ... */`, nesting as PostgreSQL's comments do.
    private mutating func blockComment() -> Lexeme {
        let start = index
        index += 2
        var depth = 1
        while index < end {
            let byte = text[index]
            if byte == UInt8(ascii: "*"), peek(index + 1) == UInt8(ascii: "/") {
                index += 2
                depth -= 1
                if depth == 0 { return Lexeme(kind: .blockComment, range: start..<index, isTerminated: true) }
            } else if byte == UInt8(ascii: "/"), peek(index + 1) == UInt8(ascii: "*") {
                index += 2
                depth += 1
            } else {
                index += 1
            }
        }
        return Lexeme(kind: .blockComment, range: start..<end, isTerminated: false)
    }
}

// MARK: - Byte classes of scan.l

/// {space}: space, tab, LF, CR, form feed.
@inline(__always) private func isSQLSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D && byte != 0x0B)
}

/// {horiz_space}: space, tab, form feed.
@inline(__always) private func isHorizontalSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0C
}

@inline(__always) private func isNewline(_ byte: UInt8) -> Bool {
    byte == 0x0A || byte == 0x0D
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}

/// {dolq_cont}: an identifier byte other than `$`.
@inline(__always) private func isDollarTagByte(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || isDigit(byte)
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
