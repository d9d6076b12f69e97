#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits SQL text into statements the way psql sends them, without ever failing.
///
/// libpg_query's own split functions reject the whole input, or drop or merge text, when one
/// statement is malformed. This splitter reads the tokens of `SQLLexer` (so quotes, `E''`
/// escapes, quoted identifiers, nested block comments and dollar quotes are read as PostgreSQL
/// reads them), keeps `BEGIN ATOMIC ... END` bodies and `CREATE RULE ... (a; b)` whole, and runs
/// an unterminated construct to the end of the input, so one broken statement never hides the
/// others.
public enum StatementSplitter {
    public static func split(_ bytes: [UInt8]) -> [StatementSlice] {
        bytes.withUnsafeBufferPointer { split($0, in: 0..<$0.count) }
    }

    /// Splits only `range` of `bytes` (offsets stay relative to the whole buffer).
    public static func split(_ bytes: [UInt8], in range: Range<Int>) -> [StatementSlice] {
        bytes.withUnsafeBufferPointer { split($0, in: range) }
    }

    static func split(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> [StatementSlice] {
        var lexer = SQLLexer(text, in: range)
        let end = lexer.end
        var slices: [StatementSlice] = []
        var triviaStart = lexer.offset
        while let token = lexer.next() {
            let start = token.range.lowerBound
            switch token.kind {
            case .lineComment:
                continue
            case .blockComment:
                if token.isTerminated { continue }
                // An unterminated block comment swallows the rest: report it as a statement so
                // the user hears about it.
                slices.append(StatementSlice(kind: .sql, range: start..<token.range.upperBound, leadingTrivia: triviaStart..<start,
                                             unterminated: (.blockComment, start), maxParenDepth: 0, psqlVariableOffset: nil))
                return slices
            case .punctuation where text[start] == 0x0B:
                // A vertical tab is whitespace to psql, though not to PostgreSQL 15's scanner.
                continue
            case .punctuation where text[start] == UInt8(ascii: "\\") && isAtLineStart(start, in: text, from: range.lowerBound):
                let lineEnd = endOfLine(from: start, in: text, before: end)
                slices.append(StatementSlice(kind: .psqlMetaCommand, range: start..<lineEnd, leadingTrivia: triviaStart..<start,
                                             unterminated: nil, maxParenDepth: 0, psqlVariableOffset: nil))
                lexer.skip(to: lineEnd)
                triviaStart = lineEnd
            default:
                var statement = StatementScan(text: text, end: end)
                let statementEnd = statement.read(from: token, &lexer)
                var slice = StatementSlice(kind: .sql, range: start..<statementEnd, leadingTrivia: triviaStart..<start,
                                           unterminated: statement.unterminated, maxParenDepth: statement.maxParenDepth,
                                           psqlVariableOffset: statement.psqlVariableOffset)
                slice.maxOperatorChain = statement.maxOperatorChain
                slice.longestName = statement.longestName
                slices.append(slice)
                triviaStart = statementEnd
            }
        }
        return slices
    }

    /// Only spaces, tabs and carriage returns lie between the line's start and `offset`.
    private static func isAtLineStart(_ offset: Int, in text: UnsafeBufferPointer<UInt8>, from lowerBound: Int) -> Bool {
        var index = offset - 1
        while index >= lowerBound {
            let byte = text[index]
            if byte == UInt8(ascii: "\n") { return true }
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") { return false }
            index -= 1
        }
        return true
    }

    /// The offset of the line feed that ends the line holding `offset`, or `end`.
    private static func endOfLine(from offset: Int, in text: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        guard offset < end, let base = text.baseAddress, let found = memchr(base + offset, 0x0A, end - offset) else { return end }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

/// What the splitter learns while reading one statement's tokens.
private struct StatementScan {
    let text: UnsafeBufferPointer<UInt8>
    /// Where the text being split ends.
    let end: Int
    var unterminated: (StatementSlice.Unterminated, Int)?
    var maxParenDepth = 0
    var psqlVariableOffset: Int?
    var maxOperatorChain = 0
    var longestName = 0

    init(text: UnsafeBufferPointer<UInt8>, end: Int) {
        self.text = text
        self.end = end
    }

    /// Reads tokens from `first` through the `;` that ends the statement, or to the end of the
    /// input; returns where the statement ends.
    mutating func read(from first: SQLLexer.Lexeme, _ lexer: inout SQLLexer) -> Int {
        var parenDepth = 0
        var atomicDepth = 0
        var caseDepth = 0
        var previousWord = 0..<0
        var words = 0
        var startsWithCreate = false
        var isRule = false
        // Operators chained so far in the current expression, one count per open parenthesis:
        // a comma starts a new expression, a parenthesis a nested one.
        var chains = [0]
        var lastOperatorEnd = -1
        var current: SQLLexer.Lexeme? = first
        while let token = current {
            let range = token.range
            switch token.kind {
            case .identifier:
                longestName = max(longestName, range.count)
                if words < 4 {
                    if words == 0 { startsWithCreate = isKeyword(range, "CREATE") } else if startsWithCreate, isKeyword(range, "RULE") { isRule = true }
                    words += 1
                }
                if isKeyword(range, "COLLATE") || (isKeyword(range, "ZONE") && isKeyword(previousWord, "TIME")) {
                    chained(&chains)
                } else if isKeyword(range, "AND") || isKeyword(range, "OR") {
                    // The grammar flattens `a AND b AND c` into one list: each operand starts afresh.
                    chains[chains.count - 1] = 0
                }
                if isKeyword(range, "ATOMIC"), isKeyword(previousWord, "BEGIN") {
                    atomicDepth += 1
                } else if atomicDepth > 0 {
                    if isKeyword(range, "CASE") {
                        caseDepth += 1
                    } else if isKeyword(range, "END") {
                        if caseDepth > 0 { caseDepth -= 1 } else { atomicDepth -= 1 }
                    }
                }
                previousWord = range
            case .quotedIdentifier:
                longestName = max(longestName, range.count)
                if !token.isTerminated {
                    unterminated = (.quotedIdentifier, firstOffset(of: UInt8(ascii: "\""), in: range))
                }
            case .string:
                guard !token.isTerminated else { break }
                if text[range.lowerBound] == UInt8(ascii: "$") {
                    let tagEnd = firstOffset(of: UInt8(ascii: "$"), in: range.lowerBound + 1..<range.upperBound)
                    let tag = String(decoding: UnsafeBufferPointer(rebasing: text[range.lowerBound...tagEnd]), as: UTF8.self)
                    unterminated = (.dollarQuote(tag: tag), range.lowerBound)
                } else {
                    unterminated = (.string, firstOffset(of: UInt8(ascii: "'"), in: range))
                }
            case .blockComment:
                if !token.isTerminated { unterminated = (.blockComment, range.lowerBound) }
            case .operator:
                let byte = text[range.lowerBound]
                if byte == UInt8(ascii: ":") {
                    // `::` and `:=` (whose `=` is the operator)
                    chained(&chains)
                } else if isOperatorByte(byte) {
                    // One operator as PostgreSQL's grammar sees a run of operator characters: the
                    // lexer gives back a trailing `+` or `-` as a token of its own.
                    if lastOperatorEnd != range.lowerBound { chained(&chains) }
                    lastOperatorEnd = range.upperBound
                }
            case .punctuation:
                switch text[range.lowerBound] {
                case UInt8(ascii: ";"):
                    if atomicDepth == 0 && (parenDepth == 0 || !isRule) { return range.upperBound }
                case UInt8(ascii: "("):
                    parenDepth += 1
                    maxParenDepth = max(maxParenDepth, parenDepth)
                    chains.append(0)
                case UInt8(ascii: ")"):
                    parenDepth = max(0, parenDepth - 1)
                    if chains.count > 1 { chains.removeLast() }
                case UInt8(ascii: ","):
                    chains[chains.count - 1] = 0
                case UInt8(ascii: ":"):
                    notePsqlVariable(at: range.lowerBound)
                case let byte where isOperatorByte(byte):
                    if lastOperatorEnd != range.lowerBound { chained(&chains) }
                    lastOperatorEnd = range.upperBound
                default:
                    break
                }
            default:
                break
            }
            // Read only now: the token after the `;` belongs to the next statement.
            current = lexer.next()
        }
        // No `;`: the statement runs to the end of the input, whitespace and comments included.
        return end
    }

    private mutating func chained(_ chains: inout [Int]) {
        chains[chains.count - 1] += 1
        maxOperatorChain = max(maxOperatorChain, chains[chains.count - 1])
    }

    /// A `:` that psql would expand: `:'var'`, `:"var"`, or `:var` after a space, `(`, `,` or `=`.
    private mutating func notePsqlVariable(at offset: Int) {
        guard psqlVariableOffset == nil, offset == 0 || text[offset - 1] != UInt8(ascii: ":") else { return }
        let next = offset + 1 < end ? text[offset + 1] : 0
        let before = offset > 0 ? text[offset - 1] : UInt8(ascii: " ")
        if next == UInt8(ascii: "'") || next == UInt8(ascii: "\"")
            || (isIdentifierStart(next) && (isSpace(before) || before == UInt8(ascii: "(")
                || before == UInt8(ascii: ",") || before == UInt8(ascii: "="))) {
            psqlVariableOffset = offset
        }
    }

    /// The offset of the first `byte` in `range` (the quote after a string's prefix letters).
    private func firstOffset(of byte: UInt8, in range: Range<Int>) -> Int {
        range.first { text[$0] == byte } ?? range.lowerBound
    }

    /// Whether the identifier at `range` is `keyword` (upper case), folding ASCII letters only.
    @inline(__always) private func isKeyword(_ range: Range<Int>, _ keyword: StaticString) -> Bool {
        guard range.count == keyword.utf8CodeUnitCount else { return false }
        let expected = keyword.utf8Start
        var index = 0
        for offset in range {
            if text[offset] & 0xDF != expected[index] { return false }
            index += 1
        }
        return true
    }
}
