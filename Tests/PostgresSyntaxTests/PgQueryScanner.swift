import CPgQuery
import CPgQueryProtobuf
@testable import PostgresSyntax

/// libpg_query's own scanner (`pg_query_scan`), which `SQLLexer.tokens` and `SQLParser.comments`
/// used before the Swift lexer replaced it: kept here as the reference the lexer is tested against.
enum PgQueryScanner {
    struct ScannedToken: Equatable {
        let kind: PgQuery__Token
        let range: Range<Int>
        let isKeyword: Bool

        var isComment: Bool { kind == PG_QUERY__TOKEN__SQL_COMMENT || kind == PG_QUERY__TOKEN__C_COMMENT }
        /// `U&"..."` and `U&'...'`, whose end libpg_query gets wrong (see `SQLLexer`).
        var hasUnreliableEnd: Bool { kind == PG_QUERY__TOKEN__UIDENT || kind == PG_QUERY__TOKEN__USCONST }
    }

    /// Every token of `range` (file offsets), comments included; nil when PostgreSQL's scanner
    /// reports an error or the text holds a NUL byte (it would end the C string).
    static func scan(_ range: Range<Int>, of source: SourceText) -> [ScannedToken]? {
        var text = Array(source.bytes[range])
        if text.contains(0) { return nil }
        text.append(0)
        let result = text.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pg_query_scan($0) }
        }
        defer { pg_query_free_scan_result(result) }
        guard result.error == nil, let data = result.pbuf.data,
              let scan = pg_query__scan_result__unpack(nil, result.pbuf.len, UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self)) else {
            return nil
        }
        defer { pg_query__scan_result__free_unpacked(scan, nil) }
        var tokens: [ScannedToken] = []
        for index in 0..<scan.pointee.n_tokens {
            guard let token = scan.pointee.tokens[index]?.pointee else { continue }
            tokens.append(ScannedToken(kind: token.token,
                                       range: range.lowerBound + Int(token.start)..<range.lowerBound + Int(token.end),
                                       isKeyword: token.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD))
        }
        return tokens
    }

    /// What `SQLLexer.tokens` returned before the lexer: nil where it returned no tokens
    /// because the scanner failed.
    static func tokens(in range: Range<Int>, of source: SourceText) -> [Token]? {
        scan(range, of: source)?.filter { !$0.isComment }.map {
            Token(range: $0.range, keyword: $0.isKeyword ? source.text($0.range).uppercased() : nil)
        }
    }

    /// What `SQLParser.comments` returned before the lexer: nil where it returned no comments
    /// because the scanner failed.
    static func comments(in range: Range<Int>, of source: SourceText) -> [Comment]? {
        guard SQLParser.mayContainComment(source.bytes, range) else { return [] }
        return scan(range, of: source)?.filter(\.isComment).map { token in
            let isLine = token.kind == PG_QUERY__TOKEN__SQL_COMMENT
            var body = source.text(token.range)
            if isLine { body.removeFirst(2) } else { body = String(body.dropFirst(2).dropLast(2)) }
            return Comment(range: token.range, text: body.trimmingWhitespace(), isBlock: !isLine)
        }
    }
}
