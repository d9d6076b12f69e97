import CPgQuery
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the statements of a file with libpg_query (the PostgreSQL 15 grammar), one statement at
/// a time, so that a statement the grammar rejects never hides the others.
public struct SQLParser: Sendable {
    /// Statements nested deeper than this are refused before they reach libpg_query, whose
    /// recursive descent would otherwise exhaust its memory or the stack.
    public var maxParenDepth: Int
    /// Longer statements are refused the same way (bytes).
    public var maxStatementBytes: Int
    /// Expressions chaining more binary operators are refused the same way: each operator nests
    /// the tree one level, and libpg_query recurses on that depth (a million overflow a 64 MiB
    /// stack; 100,000 take seconds).
    public var maxOperatorChain: Int

    public init(maxParenDepth: Int = 1_000, maxStatementBytes: Int = 8 << 20, maxOperatorChain: Int = 10_000) {
        self.maxParenDepth = maxParenDepth
        self.maxStatementBytes = maxStatementBytes
        self.maxOperatorChain = maxOperatorChain
    }

    /// Splits and parses all of `source`, or only `ranges` of it (the "up" part of a migration).
    public func parse(_ source: SourceText, ranges: [Range<Int>]? = nil) -> [ParsedStatement] {
        parse(slices(of: source, ranges: ranges), in: source)
    }

    /// The statements of all of `source`, or of `ranges` of it, not yet parsed.
    public func slices(of source: SourceText, ranges: [Range<Int>]? = nil) -> [StatementSlice] {
        (ranges ?? [0..<source.count]).flatMap { StatementSplitter.split(source.bytes, in: $0) }
    }

    /// Parses slices in order. Slices are independent, so callers may parse parts of a long
    /// file on several threads and concatenate the results.
    public func parse<C: Collection>(_ slices: C, in source: SourceText) -> [ParsedStatement] where C.Element == StatementSlice {
        var result: [ParsedStatement] = []
        result.reserveCapacity(slices.count)
        for slice in slices {
            result.append(contentsOf: parse(slice, in: source))
        }
        return result
    }

    public func parse(_ slice: StatementSlice, in source: SourceText) -> [ParsedStatement] {
        let comments = Self.comments(in: slice.leadingTrivia.lowerBound..<slice.range.upperBound, of: source)
        if let refused = refusal(slice, in: source, comments: comments) { return refused }
        var text = Array(source.bytes[slice.range])
        text.append(0)
        return text.withUnsafeBufferPointer { buffer -> [ParsedStatement] in
            let result = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pg_query_parse($0) }
            defer { pg_query_free_parse_result(result) }
            if let error = result.error {
                if let variable = slice.psqlVariableOffset {
                    return [ParsedStatement(slice: slice, content: .psqlVariable(offset: variable), comments: comments)]
                }
                let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
                let cursor = Int(error.pointee.cursorpos)
                let offset = cursor > 0 ? source.byteOffset(ofCharacter: cursor, in: slice.range) : slice.range.lowerBound
                return [ParsedStatement(slice: slice, content: .syntaxError(message: message, offset: offset), comments: comments)]
            }
            guard let tree = result.parse_tree,
                  let json = ParseTreeJSON(UnsafeBufferPointer(start: UnsafeRawPointer(tree).assumingMemoryBound(to: UInt8.self),
                                                               count: strlen(tree))) else {
                return [ParsedStatement(slice: slice, content: .syntaxError(message: "libpg_query returned no tree", offset: slice.range.lowerBound), comments: comments)]
            }
            let statementText = UnsafeBufferPointer(rebasing: buffer[0..<(buffer.count - 1)])
            return decode(TreeDecoder(json: json, base: slice.range.lowerBound, text: statementText), slice: slice, comments: comments)
        }
    }

    /// What a slice is instead of SQL for libpg_query: a psql line, or text refused before it
    /// reaches the parser (a NUL byte, nesting or length past the limits).
    func refusal(_ slice: StatementSlice, in source: SourceText, comments: [Comment]) -> [ParsedStatement]? {
        if slice.kind == .psqlMetaCommand {
            return [ParsedStatement(slice: slice, content: .psqlMetaCommand(source.text(slice.range)), comments: comments)]
        }
        if let nul = source.firstNUL(in: slice.range) {
            return [ParsedStatement(slice: slice, content: .syntaxError(message: "the file contains a NUL byte", offset: nul), comments: comments)]
        }
        if slice.maxParenDepth > maxParenDepth {
            return [ParsedStatement(slice: slice, content: .syntaxError(
                message: "parentheses nested \(slice.maxParenDepth) deep; MigrationLint refuses more than \(maxParenDepth)",
                offset: slice.range.lowerBound), comments: comments)]
        }
        if slice.maxOperatorChain > maxOperatorChain {
            return [ParsedStatement(slice: slice, content: .syntaxError(
                message: "an expression chains \(slice.maxOperatorChain) operators; MigrationLint refuses more than \(maxOperatorChain)",
                offset: slice.range.lowerBound), comments: comments)]
        }
        if slice.range.count > maxStatementBytes {
            return [ParsedStatement(slice: slice, content: .syntaxError(
                message: "statement of \(slice.range.count) bytes; MigrationLint refuses more than \(maxStatementBytes)",
                offset: slice.range.lowerBound), comments: comments)]
        }
        return nil
    }

    /// Typed statements from the parse tree, which dies with libpg_query's result right after.
    private func decode(_ decoder: TreeDecoder, slice: StatementSlice, comments: [Comment]) -> [ParsedStatement] {
        let statements = decoder.nodes(0, "stmts")
        guard let first = statements.first else { return [] } // only `;` or comments
        if statements.count == 1 {
            return [ParsedStatement(slice: slice, content: .statement(decoder.statement(decoder.member(first, "stmt"))), comments: comments)]
        }
        // Rare: the grammar saw several statements in one slice. Keep each with its own range.
        return statements.enumerated().map { index, raw -> ParsedStatement in
            let start = slice.range.lowerBound + decoder.int(raw, "stmt_location")
            let length = decoder.int(raw, "stmt_len")
            let end = length > 0 ? min(slice.range.upperBound, start + length) : slice.range.upperBound
            var sub = StatementSlice(kind: .sql, range: start..<end, leadingTrivia: index == 0 ? slice.leadingTrivia : start..<start,
                                     unterminated: nil, maxParenDepth: slice.maxParenDepth, psqlVariableOffset: nil)
            sub.maxOperatorChain = slice.maxOperatorChain
            sub.longestName = slice.longestName
            return ParsedStatement(slice: sub, content: .statement(decoder.statement(decoder.member(raw, "stmt"))),
                                   comments: comments.filter { index == 0 ? $0.range.upperBound <= end : $0.range.lowerBound >= start && $0.range.upperBound <= end })
        }
    }

    /// Comments in `range`, found with the SQL lexer so that text inside strings and dollar
    /// quotes never counts. Text without `--` or `/*` is not lexed at all.
    static func comments(in range: Range<Int>, of source: SourceText) -> [Comment] {
        guard mayContainComment(source.bytes, range) else { return [] }
        return source.bytes.withUnsafeBufferPointer { text in
            var lexer = SQLLexer(text, in: range)
            var comments: [Comment] = []
            while let token = lexer.next() {
                let isLine = token.kind == .lineComment
                guard isLine || token.kind == .blockComment else { continue }
                if let text = asciiCommentText(text, token.range, isLine: isLine, isTerminated: token.isTerminated) {
                    comments.append(Comment(range: token.range, text: text, isBlock: !isLine))
                    continue
                }
                var body = source.text(token.range)
                if isLine {
                    body.removeFirst(2)
                } else {
                    // A comment still open at the end of the input has no `*/` to drop.
                    body = String(body.dropFirst(2).dropLast(token.isTerminated ? 2 : 0))
                }
                comments.append(Comment(range: token.range, text: body.trimmingWhitespace(), isBlock: !isLine))
            }
            return comments
        }
    }

    /// The text of an all-ASCII comment, without its markers and the whitespace around it, cut
    /// from the bytes (nil for other comments): trimming by `Character` was half the cost of
    /// finding comments. Same result as the general path below for ASCII text.
    static func asciiCommentText(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, isLine: Bool, isTerminated: Bool) -> String? {
        var lower = range.lowerBound + 2
        var upper = isLine || !isTerminated ? range.upperBound : range.upperBound - 2
        guard lower <= upper, !text[range].contains(where: { $0 >= 0x80 }) else { return nil }
        // Unicode's White_Space in ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        while lower < upper, isSpace(text[lower]) { lower += 1 }
        while upper > lower, isSpace(text[upper - 1]) { upper -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: text[lower..<upper]), as: UTF8.self)
    }

    static func mayContainComment(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = range.lowerBound
            while index + 1 < range.upperBound {
                let byte = buffer[index]
                if (byte == UInt8(ascii: "-") && buffer[index + 1] == UInt8(ascii: "-"))
                    || (byte == UInt8(ascii: "/") && buffer[index + 1] == UInt8(ascii: "*")) {
                    return true
                }
                index += 1
            }
            return false
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
