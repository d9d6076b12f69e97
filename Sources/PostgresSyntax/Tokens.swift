import CPgQuery

/// A token of PostgreSQL's own scanner, for pointing at a keyword (the INDEX where CONCURRENTLY
/// is missing) without guessing through strings and comments.
public struct Token: Sendable, Equatable {
    public let range: Range<Int>
    /// Upper-cased text when the token is a keyword, else nil.
    public let keyword: String?
}

public enum SQLScanner {
    /// Tokens of `range` (file offsets). Empty when the text cannot be scanned.
    public static func tokens(in range: Range<Int>, of source: SourceText) -> [Token] {
        var tokens: [Token] = []
        scan(range, of: source) { kind, keyword, tokenRange in
            guard kind != PG_QUERY__TOKEN__SQL_COMMENT, kind != PG_QUERY__TOKEN__C_COMMENT else { return }
            tokens.append(Token(range: tokenRange, keyword: keyword ? source.text(tokenRange).uppercased() : nil))
        }
        return tokens
    }

    /// Runs libpg_query's scanner over `range` and calls `visit` with each token's kind, whether
    /// it is a keyword, and its file range. Does nothing when the text cannot be scanned.
    static func scan(_ range: Range<Int>, of source: SourceText, _ visit: (PgQuery__Token, Bool, Range<Int>) -> Void) {
        var text = Array(source.bytes[range])
        if text.contains(0) { return }
        text.append(0)
        let result = text.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pg_query_scan($0) }
        }
        defer { pg_query_free_scan_result(result) }
        guard result.error == nil, let data = result.pbuf.data,
              let scan = pg_query__scan_result__unpack(nil, result.pbuf.len, UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self)) else {
            return
        }
        defer { pg_query__scan_result__free_unpacked(scan, nil) }
        for index in 0..<scan.pointee.n_tokens {
            guard let token = scan.pointee.tokens[index]?.pointee else { continue }
            visit(token.token, token.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD,
                  range.lowerBound + Int(token.start)..<range.lowerBound + Int(token.end))
        }
    }
}
