import CPgQuery
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQL a PL/pgSQL body runs, found with libpg_query's PL/pgSQL parser
/// (`pg_query_parse_plpgsql`): every static statement, and every `EXECUTE` of a string that
/// does not depend on a variable, each placed in the file, with the branches around it.
///
/// The parser gives each statement's line, counted from the body's first line, and its text as
/// written (an `INTO` clause blanked out), so each is found in the file byte for byte from that
/// line: the statements of a body are ranges of the file itself, whatever the dollar-quote tag.
public struct PLpgSQLBody: Sendable {
    /// A construct that decides whether, or how often, a statement inside it runs.
    public struct Enclosure: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case ifBranch = "an IF branch"
            case caseBranch = "a CASE branch"
            case loop = "a loop"
            case exceptionHandler = "an EXCEPTION handler"
        }
        public let kind: Kind
        /// 1-based line in the file.
        public let line: Int
    }

    /// SQL the body runs.
    public struct Embedded: Sendable {
        public enum Text: Sendable, Equatable {
            /// The SQL is these bytes of the file.
            case file(Range<Int>)
            /// The SQL had to be built (quotes undoubled, `format()` applied, constants joined);
            /// each piece says which file bytes it came from.
            case built([Piece])
        }
        public struct Piece: Sendable, Equatable {
            public let text: String
            /// The file bytes it came from; the same length as `text` when copied one for one.
            public let fileRange: Range<Int>
        }
        public let text: Text
        /// Innermost last.
        public let enclosures: [Enclosure]
        /// The file range of the `EXECUTE` string this SQL came from; nil for static SQL.
        public let execute: Range<Int>?

        public init(text: Text, enclosures: [Enclosure], execute: Range<Int>?) {
            self.text = text
            self.enclosures = enclosures
            self.execute = execute
        }
    }

    /// Something the body runs that cannot be read as SQL, with its place in the file.
    public struct Unread: Sendable, Equatable {
        public let range: Range<Int>
        public let reason: String

        public init(range: Range<Int>, reason: String) {
            self.range = range
            self.reason = reason
        }
    }

    public var statements: [Embedded] = []
    public var unread: [Unread] = []

    public init(statements: [Embedded] = [], unread: [Unread] = []) {
        self.statements = statements
        self.unread = unread
    }
}

public enum PLpgSQL {
    /// The body of a DO statement as a range of the file inside its quotes, with the language;
    /// `bytesAreSQL` is false for a single-quoted body with escapes, whose text differs from
    /// its bytes.
    public struct DoBody: Sendable, Equatable {
        /// The whole string constant, quotes included.
        public let literal: Range<Int>
        /// Inside the quotes.
        public let body: Range<Int>
        public let language: String
        public let bytesAreSQL: Bool
    }

    /// Nil when `parsed` is not a DO statement.
    public static func doBody(of parsed: ParsedStatement, in source: SourceText) -> DoBody? {
        guard case .other("DoStmt")? = parsed.statement else { return nil }
        let tokens = SQLLexer.tokens(in: parsed.range, of: source)
        var language = "plpgsql"
        var literal: Range<Int>?
        var index = 1
        while index < tokens.count {
            let token = tokens[index]
            if token.keyword == "LANGUAGE", index + 1 < tokens.count {
                let name = tokens[index + 1].range
                language = source.text(name).trimmingCharacters(in: "'\"").lowercased()
                index += 2
                continue
            }
            if literal == nil, isStringConstant(token.range, source) { literal = token.range }
            index += 1
        }
        guard let literal else { return nil }
        return stringBody(literal, source).map { DoBody(literal: literal, body: $0.body, language: language, bytesAreSQL: $0.bytesAreSQL) }
    }

    /// The SQL a PL/pgSQL body runs. `function` is the CREATE FUNCTION statement the body
    /// belongs to (its parameters are variables of the body); nil for a DO block.
    public static func statements(ofBody body: DoBody, in source: SourceText, function: Range<Int>? = nil) -> PLpgSQLBody {
        var result = PLpgSQLBody()
        guard body.bytesAreSQL else {
            result.unread.append(.init(range: body.literal, reason: "\(function == nil ? "DO" : "function") body in a quoted string with escapes"))
            return result
        }
        var text: [UInt8]
        if let function {
            text = Array(source.bytes[function])
        } else {
            text = Array("CREATE FUNCTION migration_lint_do() RETURNS void LANGUAGE plpgsql AS ".utf8)
            text += source.bytes[body.literal]
        }
        text.append(0)
        text.withUnsafeBufferPointer { buffer in
            let parsed = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pg_query_parse_plpgsql($0) }
            defer { pg_query_free_plpgsql_parse_result(parsed) }
            if let error = parsed.error {
                let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
                result.unread.append(.init(range: body.literal, reason: "PL/pgSQL the parser cannot read (\(message))"))
                return
            }
            guard let functions = parsed.plpgsql_funcs,
                  let json = ParseTreeJSON(UnsafeBufferPointer(start: UnsafeRawPointer(functions).assumingMemoryBound(to: UInt8.self),
                                                               count: strlen(functions))) else { return }
            var walker = BodyWalker(json: json, source: source, body: body.body)
            walker.walk(0, enclosures: [], enclosing: nil)
            result = walker.result
        }
        return result
    }

    /// The body of a CREATE FUNCTION / CREATE PROCEDURE: its string constant after AS, or the
    /// statements between BEGIN ATOMIC and END (`literal` is then the whole of them).
    public static func functionBody(of parsed: ParsedStatement, in source: SourceText) -> (name: QualifiedName, body: DoBody)? {
        guard case .createFunction(let name, _)? = parsed.statement else { return nil }
        let tokens = SQLLexer.tokens(in: parsed.range, of: source)
        var language = "sql"
        var body: DoBody?
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.keyword == "LANGUAGE", index + 1 < tokens.count {
                language = source.text(tokens[index + 1].range).trimmingCharacters(in: "'\"").lowercased()
            } else if token.keyword == "AS", index + 1 < tokens.count, isStringConstant(tokens[index + 1].range, source),
                      let inside = stringBody(tokens[index + 1].range, source) {
                body = DoBody(literal: tokens[index + 1].range, body: inside.body, language: "", bytesAreSQL: inside.bytesAreSQL)
            } else if token.keyword == "BEGIN", index + 1 < tokens.count, tokens[index + 1].keyword == "ATOMIC",
                      let end = tokens.lastIndex(where: { $0.keyword == "END" }), end > index + 1 {
                let inside = tokens[index + 1].range.upperBound..<tokens[end].range.lowerBound
                body = DoBody(literal: inside, body: inside, language: "", bytesAreSQL: true)
            }
            index += 1
        }
        guard let body else { return nil }
        return (name, DoBody(literal: body.literal, body: body.body, language: language, bytesAreSQL: body.bytesAreSQL))
    }

    /// The function `CALL f(...)` or `SELECT f(...)` calls (the first call of a SELECT list).
    public static func calledFunction(of parsed: ParsedStatement, in source: SourceText) -> QualifiedName? {
        guard parsed.statement != nil else { return nil }
        let tokens = SQLLexer.tokens(in: parsed.range, of: source)
        guard tokens.count >= 3, tokens[0].keyword == "CALL" || tokens[0].keyword == "SELECT" else { return nil }
        func identifier(_ token: Token) -> String? {
            let text = source.text(token.range)
            guard let first = text.utf8.first else { return nil }
            if first == UInt8(ascii: "\"") { return String(text.dropFirst().dropLast()) }
            let isStart = (first | 0x20) >= UInt8(ascii: "a") && (first | 0x20) <= UInt8(ascii: "z") || first == UInt8(ascii: "_") || first >= 0x80
            return isStart ? text.lowercased() : nil
        }
        guard let first = identifier(tokens[1]) else { return nil }
        if source.text(tokens[2].range) == "(" { return QualifiedName(name: first) }
        guard tokens.count >= 5, source.text(tokens[2].range) == ".", let second = identifier(tokens[3]),
              source.text(tokens[4].range) == "(" else { return nil }
        return QualifiedName(schema: first, name: second)
    }

    /// `'...'`, `E'...'`, `U&'...'`, `$tag$...$tag$` (a parameter `$1` is not one).
    static func isStringConstant(_ range: Range<Int>, _ source: SourceText) -> Bool {
        let bytes = source.bytes[range]
        guard let first = bytes.first else { return false }
        if first == UInt8(ascii: "'") { return true }
        if first == UInt8(ascii: "$") {
            guard range.count > 1 else { return false }
            let second = source.bytes[range.lowerBound + 1]
            return !(second >= UInt8(ascii: "0") && second <= UInt8(ascii: "9"))
        }
        let lower = first | 0x20
        guard range.count > 1, [UInt8(ascii: "e"), UInt8(ascii: "u"), UInt8(ascii: "n")].contains(lower) else { return false }
        let second = source.bytes[range.lowerBound + 1]
        return second == UInt8(ascii: "'") || (lower == UInt8(ascii: "u") && second == UInt8(ascii: "&"))
    }

    /// The inside of a string constant, and whether its bytes are its value.
    static func stringBody(_ literal: Range<Int>, _ source: SourceText) -> (body: Range<Int>, bytesAreSQL: Bool)? {
        let bytes = source.bytes
        guard literal.count >= 2 else { return nil }
        if bytes[literal.lowerBound] == UInt8(ascii: "$") {
            guard let close = bytes[(literal.lowerBound + 1)..<literal.upperBound].firstIndex(of: UInt8(ascii: "$")) else { return nil }
            let tag = close + 1 - literal.lowerBound
            guard literal.count >= 2 * tag else { return nil }
            return ((literal.lowerBound + tag)..<(literal.upperBound - tag), true)
        }
        guard bytes[literal.lowerBound] == UInt8(ascii: "'"), bytes[literal.upperBound - 1] == UInt8(ascii: "'") else {
            // E'', U&'', B'', X'': escapes make the value differ from the bytes.
            let open = bytes[literal].firstIndex(of: UInt8(ascii: "'")) ?? literal.lowerBound
            return ((open + 1)..<max(open + 1, literal.upperBound - 1), false)
        }
        let inside = (literal.lowerBound + 1)..<(literal.upperBound - 1)
        return (inside, !bytes[inside].contains(UInt8(ascii: "'")))
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}

/// Walks the PL/pgSQL tree in source order and places each statement in the file.
struct BodyWalker {
    let json: ParseTreeJSON
    let source: SourceText
    let body: Range<Int>
    /// The file line of the body's line 1.
    let firstLine: Int
    /// Where the previous statement ended: two identical statements on one line are two places.
    var cursor: Int
    var result = PLpgSQLBody()

    init(json: ParseTreeJSON, source: SourceText, body: Range<Int>) {
        self.json = json
        self.source = source
        self.body = body
        self.firstLine = source.lineIndex(containing: body.lowerBound) + 1
        self.cursor = body.lowerBound
    }

    static let loops: Set<String> = ["PLpgSQL_stmt_loop", "PLpgSQL_stmt_while", "PLpgSQL_stmt_fori", "PLpgSQL_stmt_fors",
                                     "PLpgSQL_stmt_forc", "PLpgSQL_stmt_foreach_a", "PLpgSQL_stmt_dynfors"]

    /// Every statement under `index` (any JSON value), in source order.
    mutating func walk(_ index: Int, enclosures: [PLpgSQLBody.Enclosure], enclosing: (type: String, line: Int)?) {
        switch json.entries[index].kind {
        case .array:
            for element in json.elements(index) { walk(element, enclosures: enclosures, enclosing: enclosing) }
        case .object:
            if let (typeKey, statement) = json.node(index), json.string(typeKey).hasPrefix("PLpgSQL_stmt_") {
                visit(json.string(typeKey), statement, enclosures: enclosures)
                return
            }
            for (key, value) in json.members(index) {
                var inner = enclosures
                if let enclosing {
                    let name = json.string(key)
                    if enclosing.type == "PLpgSQL_stmt_block", name == "exceptions" {
                        inner.append(.init(kind: .exceptionHandler, line: enclosing.line))
                    } else if enclosing.type == "PLpgSQL_stmt_if", name != "cond" {
                        inner.append(.init(kind: .ifBranch, line: enclosing.line))
                    } else if enclosing.type == "PLpgSQL_stmt_case", name != "t_expr" {
                        inner.append(.init(kind: .caseBranch, line: enclosing.line))
                    } else if Self.loops.contains(enclosing.type), name == "body" {
                        inner.append(.init(kind: .loop, line: enclosing.line))
                    }
                }
                walk(value, enclosures: inner, enclosing: enclosing)
            }
        default:
            break
        }
    }

    mutating func visit(_ type: String, _ statement: Int, enclosures: [PLpgSQLBody.Enclosure]) {
        let line = firstLine + max(0, json.int(json.member(statement, "lineno")) - 1)
        switch type {
        case "PLpgSQL_stmt_execsql":
            let query = query(statement, "sqlstmt")
            if json.bool(json.member(statement, "into")), let range = locate(query, line: line, intoBlanked: true) {
                // PL/pgSQL replaced the INTO clause with as many spaces (pl_gram.y,
                // make_execsql_stmt): the statement is that text, byte for byte over the file's.
                let text: PLpgSQLBody.Embedded.Text = source.text(range) == query
                    ? .file(range) : .built([.init(text: query, fileRange: range)])
                result.statements.append(.init(text: text, enclosures: enclosures, execute: nil))
                return
            }
            guard let range = locate(query, line: line) else {
                // `SELECT ... INTO variable` only reads; anything else with INTO is worth saying.
                if json.bool(json.member(statement, "into")),
                   query.drop(while: { $0.isWhitespace }).prefix(6).uppercased() == "SELECT" { return }
                result.unread.append(.init(range: source.lineRange(line), reason: "PL/pgSQL statement not found in the file"))
                return
            }
            result.statements.append(.init(text: .file(range), enclosures: enclosures, execute: nil))
        case "PLpgSQL_stmt_dynexecute":
            let query = query(statement, "query")
            guard let range = locate(query, line: line) else {
                result.unread.append(.init(range: source.lineRange(line), reason: "dynamic EXECUTE"))
                return
            }
            switch ConstantString.evaluate(range, in: source) {
            case .file(let sql)?:
                result.statements.append(.init(text: .file(sql), enclosures: enclosures, execute: range))
            case .built(let pieces)?:
                result.statements.append(.init(text: .built(pieces), enclosures: enclosures, execute: range))
            case nil:
                result.unread.append(.init(range: range, reason: "dynamic EXECUTE"))
            }
        default:
            walk(statement, enclosures: enclosures, enclosing: (type, line))
        }
    }

    /// The text of the `PLpgSQL_expr` in member `key`.
    func query(_ statement: Int, _ key: StaticString) -> String {
        guard let value = json.member(statement, key), let (_, body) = json.node(value) else { return "" }
        return json.string(json.member(body, "query"))
    }

    /// The file range of `text`, searched from the start of `line` (and after the previous
    /// statement) to the end of the body.
    /// With `intoBlanked`, a space of `text` also stands for any byte of the file: PL/pgSQL
    /// hands over a statement with its INTO clause replaced by spaces.
    mutating func locate(_ text: String, line: Int, intoBlanked: Bool = false) -> Range<Int>? {
        let needle = Array(text.utf8)
        guard !needle.isEmpty else { return nil }
        let start = max(cursor, source.lineRange(line).lowerBound, body.lowerBound)
        guard start + needle.count <= body.upperBound else { return nil }
        let bytes = source.bytes
        var offset = start
        let space = UInt8(ascii: " ")
        while offset + needle.count <= body.upperBound {
            if bytes[offset] == needle[0], intoBlanked
                ? zip(bytes[offset..<(offset + needle.count)], needle).allSatisfy({ $0 == $1 || $1 == space })
                : bytes[offset..<(offset + needle.count)].elementsEqual(needle) {
                cursor = offset + needle.count
                return offset..<(offset + needle.count)
            }
            offset += 1
        }
        return nil
    }
}

extension StatementSlice {
    /// The same slice in a text where its bytes start `offset` later (SQL split on its own,
    /// then placed after a file's text).
    public func shifted(by offset: Int) -> StatementSlice {
        var slice = StatementSlice(kind: kind, range: (range.lowerBound + offset)..<(range.upperBound + offset),
                                   leadingTrivia: (leadingTrivia.lowerBound + offset)..<(leadingTrivia.upperBound + offset),
                                   unterminated: unterminated.map { ($0.kind, $0.offset + offset) }, maxParenDepth: maxParenDepth,
                                   psqlVariableOffset: psqlVariableOffset.map { $0 + offset })
        slice.maxOperatorChain = maxOperatorChain
        return slice
    }
}

extension StatementSlice {
    /// The slice with the comment lines (and blank lines) right above it in `bytes` as its
    /// leading trivia: a statement in a DO body keeps the suppression comments written above it.
    public func withCommentLinesAbove(in bytes: [UInt8], after floor: Int) -> StatementSlice {
        var start = range.lowerBound
        // Back to the start of the statement's own line, if only blanks precede it there.
        var lineStart = start
        while lineStart > floor, bytes[lineStart - 1] == UInt8(ascii: " ") || bytes[lineStart - 1] == UInt8(ascii: "\t") { lineStart -= 1 }
        guard lineStart == floor || bytes[lineStart - 1] == UInt8(ascii: "\n") else { return self }
        while lineStart > floor {
            // The line above: blank, or a `--` comment after blanks.
            var above = lineStart - 1
            while above > floor, bytes[above - 1] != UInt8(ascii: "\n") { above -= 1 }
            var first = above
            while first < lineStart - 1, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t") || bytes[first] == UInt8(ascii: "\r") { first += 1 }
            let isComment = first + 1 < lineStart - 1 && bytes[first] == UInt8(ascii: "-") && bytes[first + 1] == UInt8(ascii: "-")
            guard first == lineStart - 1 || isComment else { break }
            start = first == lineStart - 1 ? start : first
            lineStart = above
        }
        var slice = StatementSlice(kind: kind, range: range, leadingTrivia: start..<range.lowerBound, unterminated: unterminated,
                                   maxParenDepth: maxParenDepth, psqlVariableOffset: psqlVariableOffset)
        slice.maxOperatorChain = maxOperatorChain
        return slice
    }
}
