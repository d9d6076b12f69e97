import PostgresSyntax

/// Places in the statement, found on its tokens (`SQLLexer`): a quote, a comment, a dollar quote
/// or an `E''` escape between two clauses is one token or none, never a place to stop.
extension RuleContext {
    /// The index in `tokens` of the token holding `offset`, or of the first token after it
    /// (`tokens.count` when none is).
    public func tokenIndex(at offset: Int) -> Int {
        let tokens = self.tokens
        var low = 0, high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle].range.upperBound <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The token holding `offset`; nil in whitespace or a comment.
    public func token(at offset: Int) -> Token? {
        let index = tokenIndex(at: offset)
        guard index < tokens.count, tokens[index].range.contains(offset) else { return nil }
        return tokens[index]
    }

    /// The first keyword `keyword` (upper case) at or after `offset`.
    public func nextKeyword(_ keyword: String, from offset: Int? = nil) -> Range<Int>? {
        let tokens = self.tokens
        return tokens[tokenIndex(at: offset ?? 0)...].first { $0.keyword == keyword && $0.range.lowerBound >= (offset ?? 0) }?.range
    }

    /// Whether `token` is the one-byte punctuation `character` (`(`, `,`, `;`...).
    public func isPunctuation(_ token: Token, _ character: Unicode.Scalar) -> Bool {
        token.range.count == 1 && source.bytes[token.range.lowerBound] == UInt8(ascii: character)
    }

    /// Whether `token` is a word or a quoted identifier (`"a b"`), not a literal, an operator or
    /// punctuation. `U&"..."` is left out: its name needs its escapes decoded.
    public func isName(_ token: Token) -> Bool {
        let text = source.bytes[token.range]
        guard let first = text.first else { return false }
        if first == UInt8(ascii: "\"") { return text.count >= 2 && text.last == UInt8(ascii: "\"") }
        let startsLikeName = first == UInt8(ascii: "_") || first >= 0x80 || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
        return startsLikeName && !text.contains(UInt8(ascii: "'")) && !text.contains(UInt8(ascii: "\""))
    }

    /// The name a token spells, as PostgreSQL reads it: a quoted identifier without its quotes
    /// (`""` is one `"`), any other word with ASCII letters folded to lower case.
    public func identifierName(_ token: Token) -> String {
        let bytes = source.bytes[token.range]
        if bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") {
            var name: [UInt8] = []
            var previousWasQuote = false
            for byte in bytes.dropFirst().dropLast() {
                if byte == UInt8(ascii: "\""), previousWasQuote { previousWasQuote = false; continue }
                previousWasQuote = byte == UInt8(ascii: "\"")
                name.append(byte)
            }
            return String(decoding: name, as: UTF8.self)
        }
        return String(decoding: bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// From the first `(` at or after `offset` through the `)` that closes it; nil when there is
    /// none, or it never closes.
    public func balancedGroup(from offset: Int) -> Range<Int>? {
        let tokens = self.tokens
        var index = tokenIndex(at: offset)
        while index < tokens.count, !isPunctuation(tokens[index], "(") { index += 1 }
        guard index < tokens.count else { return nil }
        let open = tokens[index].range.lowerBound
        var depth = 0
        while index < tokens.count {
            if isPunctuation(tokens[index], "(") {
                depth += 1
            } else if isPunctuation(tokens[index], ")") {
                depth -= 1
                if depth == 0 { return open..<tokens[index].range.upperBound }
            }
            index += 1
        }
        return nil
    }

    /// The end of the clause that starts at `offset`: the end of its last token before a `,` or
    /// `;` at its own level, or the `)` or `]` that closes the level it is in. Comments after
    /// that token are not part of the clause.
    public func clauseEnd(from offset: Int) -> Int {
        let tokens = self.tokens
        var index = tokenIndex(at: offset)
        var end = offset
        var depth = 0
        while index < tokens.count, tokens[index].range.lowerBound < parsed.range.upperBound {
            let token = tokens[index]
            if isPunctuation(token, "(") || isPunctuation(token, "[") {
                depth += 1
            } else if isPunctuation(token, ")") || isPunctuation(token, "]") {
                if depth == 0 { break }
                depth -= 1
            } else if depth == 0, isPunctuation(token, ",") || isPunctuation(token, ";") {
                break
            }
            end = token.range.upperBound
            index += 1
        }
        return end
    }

    /// The clause starting at `location` (see `clauseEnd`); the statement's first word when
    /// `location` is nil or outside the statement.
    public func clauseRange(at location: Int?) -> Range<Int> {
        guard let start = location, parsed.range.contains(start) else { return firstWordRange }
        return start..<max(clauseEnd(from: start), start + 1)
    }

    /// One expression starting at `location` (a function call with its arguments, a literal,
    /// a type): the tokens of its clause up to the first gap outside parentheses. Parentheses
    /// that open the clause (`DEFAULT (now())`) are not in PostgreSQL's location: they are taken in.
    public func expressionRange(at location: Int?) -> Range<Int> {
        guard let location, parsed.range.contains(location) else { return firstWordRange }
        let tokens = self.tokens
        let first = tokenIndex(at: location)
        var start = location
        var before = first - 1
        while before >= 0, isPunctuation(tokens[before], "(") { before -= 1 }
        if before < first - 1 {
            // Only when the parentheses open the clause (after DEFAULT), not a call's argument list.
            let opener = before >= 0 ? tokens[before] : nil
            if opener.map({ !endsLikeWord($0) || Self.clauseOpeningKeywords.contains($0.keyword ?? "") }) ?? true {
                start = tokens[before + 1].range.lowerBound
            }
        }
        let clause = clauseRange(at: start)
        var depth = 0
        var index = tokenIndex(at: clause.lowerBound)
        while index < tokens.count, tokens[index].range.upperBound <= clause.upperBound {
            let token = tokens[index]
            if isPunctuation(token, "(") || isPunctuation(token, "[") {
                depth += 1
            } else if isPunctuation(token, ")") || isPunctuation(token, "]") {
                depth -= 1
            }
            if depth == 0, index + 1 < tokens.count, tokens[index + 1].range.lowerBound > token.range.upperBound {
                return clause.lowerBound..<token.range.upperBound
            }
            index += 1
        }
        return clause
    }

    private static let clauseOpeningKeywords: Set<String> = ["DEFAULT", "AS", "USING", "CHECK", "SELECT", "WHERE", "THEN", "ELSE", "AND", "OR", "NOT"]

    /// A token that ends in a letter, digit or `_`: a word that can name a function.
    private func endsLikeWord(_ token: Token) -> Bool {
        let byte = source.bytes[token.range.upperBound - 1]
        return byte == UInt8(ascii: "_") || byte >= 0x80 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    /// The statement's first word (for findings about a whole statement).
    public var firstWordRange: Range<Int> { firstWordRange(of: parsed) }

    /// The first word of another statement of the file.
    public func firstWordRange(of statement: ParsedStatement) -> Range<Int> {
        if statement.range == parsed.range, let first = tokens.first { return first.range }
        return SQLLexer.firstToken(in: statement.range, of: source) ?? statement.range.lowerBound..<statement.range.lowerBound + 1
    }

    /// Whether the statement ends with its own `;`.
    public var isTerminated: Bool {
        tokens.last.map { isPunctuation($0, ";") } ?? false
    }

    /// The end of the statement's last token before its `;`: where a clause added at the end of
    /// the statement goes (a comment before the `;` stays after it).
    public var bodyEnd: Int {
        let tokens = self.tokens
        guard let last = tokens.last else { return parsed.range.lowerBound }
        if isPunctuation(last, ";") {
            return tokens.count >= 2 ? tokens[tokens.count - 2].range.upperBound : last.range.lowerBound
        }
        return last.range.upperBound
    }
}

/// The same places for the statements a rule looks at when the file ends.
extension FileContext {
    /// The first word of a statement of the file.
    public func firstWordRange(of statement: ParsedStatement) -> Range<Int> {
        SQLLexer.firstToken(in: statement.range, of: file.source) ?? statement.range.lowerBound..<statement.range.lowerBound + 1
    }

    /// Where text appended to `statement` goes: after its `;`, or, when it has none, after its
    /// last token (a comment after that token would swallow what follows on its line).
    public func appendingPoint(of statement: ParsedStatement) -> (offset: Int, isTerminated: Bool) {
        guard let last = SQLLexer.tokens(in: statement.range, of: file.source).last else { return (statement.range.upperBound, false) }
        let isTerminated = last.range.count == 1 && file.source.bytes[last.range.lowerBound] == UInt8(ascii: ";")
        return (last.range.upperBound, isTerminated)
    }
}
