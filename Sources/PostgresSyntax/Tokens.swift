/// A token as PostgreSQL's scanner reads it, for pointing at a keyword (the INDEX where
/// CONCURRENTLY is missing) without guessing through strings and comments.
public struct Token: Sendable, Equatable {
    public let range: Range<Int>
    /// Upper-cased text when the token is a keyword, else nil.
    public let keyword: String?

    public init(range: Range<Int>, keyword: String?) {
        self.range = range
        self.keyword = keyword
    }
}

public enum SQLScanner {
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
}
