import PostgresSyntax
import SwiftSyntax

/// How the API a literal is passed to reads `\(...)`.
enum InterpolationStyle {
    /// SQLKit's `SQLQueryString`: `\(ident:)`, `\(literal:)`, `\(bind:)`, `\(unsafeRaw:)`, or an
    /// `SQLExpression`.
    case sqlQueryString
    /// PostgresNIO's `PostgresQuery`: every `\(value)` is a bind parameter.
    case postgresQuery
    /// A plain Swift `String` (a name passed to a builder): `\(value)` is text made at run time,
    /// read as the expression's own words (`"\(Status.schema)_idx"` is `Status.schema_idx`).
    case swiftString
}

/// What a Swift string literal holds, as Swift reads it.
enum LiteralValue {
    /// The value of a literal without interpolations; nil when it has some.
    static func plain(_ literal: StringLiteralExprSyntax, file: [UInt8]) -> String? {
        for segment in literal.segments { if case .expressionSegment = segment { return nil } }
        var sql = MappedSQL()
        var binds = 0
        StringLiteralReader(file: file).append(literal, style: .sqlQueryString, to: &sql, binds: &binds)
        return String(decoding: sql.bytes, as: UTF8.self)
    }
}

/// Reads a string literal's bytes as Swift does (multi-line indentation stripped, escapes
/// resolved, raw-string delimiters honoured) into mapped SQL: runs of plain text are copied byte
/// for byte, escapes and interpolations are generated text mapped onto the code that wrote them.
struct StringLiteralReader {
    let file: [UInt8]

    /// Appends the literal's value; returns a description of each interpolation made a placeholder.
    @discardableResult
    func append(_ literal: StringLiteralExprSyntax, style: InterpolationStyle, to sql: inout MappedSQL, binds: inout Int) -> [String] {
        let pounds = literal.openingPounds?.text.utf8.count ?? 0
        let multiline = literal.openingQuote.tokenKind == .multilineStringQuote
        var start = literal.openingQuote.endPositionBeforeTrailingTrivia.utf8Offset
        var end = literal.closingQuote.positionAfterSkippingLeadingTrivia.utf8Offset
        guard start <= end, end <= file.count else { return [] }
        var indentation: [UInt8] = []
        if multiline {
            // The closing delimiter's indentation is removed from every line; the newline after
            // the opening delimiter and the one before the closing delimiter are not part of the value.
            var lineStart = end
            while lineStart > start, file[lineStart - 1] == 0x20 || file[lineStart - 1] == 0x09 { lineStart -= 1 }
            indentation = Array(file[lineStart..<end])
            end = lineStart
            if end > start, file[end - 1] == 0x0A { end -= 1 }
            if end > start, file[end - 1] == 0x0D { end -= 1 }
            if start < end, file[start] == 0x0D { start += 1 }
            if start < end, file[start] == 0x0A { start += 1 }
        }
        var interpolations: [(range: Range<Int>, segment: ExpressionSegmentSyntax)] = []
        for segment in literal.segments {
            if case .expressionSegment(let expression) = segment {
                interpolations.append((expression.positionAfterSkippingLeadingTrivia.utf8Offset..<expression.endPositionBeforeTrailingTrivia.utf8Offset, expression))
            }
        }
        var placeholders: [String] = []
        var index = start
        var runStart = start
        var atLineStart = multiline
        var nextInterpolation = 0
        func flush(_ upTo: Int) {
            if runStart < upTo { sql.copy(runStart..<upTo, of: file) }
        }
        while index < end {
            if atLineStart {
                atLineStart = false
                var skipped = 0
                while skipped < indentation.count, index + skipped < end, file[index + skipped] == indentation[skipped] { skipped += 1 }
                flush(index)
                index += skipped
                runStart = index
                continue
            }
            if nextInterpolation < interpolations.count, interpolations[nextInterpolation].range.lowerBound == index {
                let (range, segment) = interpolations[nextInterpolation]
                flush(index)
                let (text, note) = placeholder(for: segment, style: style, binds: &binds)
                sql.generate(text, for: range, file: file)
                if let note { placeholders.append(note) }
                nextInterpolation += 1
                index = max(range.upperBound, index + 1)
                runStart = index
                continue
            }
            let byte = file[index]
            if byte == 0x5C, isEscape(at: index, pounds: pounds, end: end) {
                flush(index)
                let escapeStart = index
                index += 1 + pounds
                guard index < end else { runStart = index; break }
                let kind = file[index]
                var value: String?
                switch kind {
                case UInt8(ascii: "n"): value = "\n"; index += 1
                case UInt8(ascii: "t"): value = "\t"; index += 1
                case UInt8(ascii: "r"): value = "\r"; index += 1
                case UInt8(ascii: "0"): value = " "; index += 1
                case UInt8(ascii: "\\"): value = "\\"; index += 1
                case UInt8(ascii: "\""): value = "\""; index += 1
                case UInt8(ascii: "'"): value = "'"; index += 1
                case UInt8(ascii: "u"):
                    var scan = index + 1
                    if scan < end, file[scan] == UInt8(ascii: "{") {
                        scan += 1
                        var code: UInt32 = 0
                        while scan < end, let digit = file[scan].hexDigitValue { code = code &* 16 &+ digit; scan += 1 }
                        if scan < end, file[scan] == UInt8(ascii: "}") { scan += 1 }
                        value = Unicode.Scalar(code).map { String(Character($0)) } ?? " "
                    }
                    index = scan
                case 0x20, 0x09, 0x0D, 0x0A:
                    // A backslash at the end of a line of a multi-line literal joins the lines.
                    var scan = index
                    while scan < end, file[scan] == 0x20 || file[scan] == 0x09 { scan += 1 }
                    if scan < end, file[scan] == 0x0D { scan += 1 }
                    if scan < end, file[scan] == 0x0A { scan += 1 }
                    index = scan
                    atLineStart = multiline
                    value = ""
                default:
                    index += 1
                    value = String(decoding: [kind], as: UTF8.self)
                }
                if let value, !value.isEmpty { sql.generate(value, for: escapeStart..<index, file: file) }
                runStart = index
                continue
            }
            index += 1
            if multiline, byte == 0x0A {
                flush(index)
                runStart = index
                atLineStart = true
            }
        }
        flush(min(index, end))
        return placeholders
    }

    private func isEscape(at index: Int, pounds: Int, end: Int) -> Bool {
        guard pounds > 0 else { return true }
        guard index + pounds < end else { return false }
        return file[(index + 1)...(index + pounds)].allSatisfy { $0 == UInt8(ascii: "#") }
    }

    /// SQL that keeps the statement parseable where `\(...)` stands, and what it stands for.
    func placeholder(for segment: ExpressionSegmentSyntax, style: InterpolationStyle, binds: inout Int) -> (String, String?) {
        guard let first = segment.expressions.first else { return ("NULL", nil) }
        let label = first.label?.text
        let expression = first.expression
        let source = expression.trimmedDescription
        let literalValue = expression.as(StringLiteralExprSyntax.self).flatMap { LiteralValue.plain($0, file: file) }
        func bind() -> (String, String?) {
            binds += 1
            return ("$\(binds)", "`\\(\(segment.expressions.trimmedDescription))` is bind parameter $\(binds)")
        }
        switch (style, label) {
        case (.swiftString, _):
            if let literalValue { return (literalValue, nil) }
            return (source, "`\\(\(source))` is text made at run time, read as \(source)")
        case (_, "bind"), (_, "binds"), (.postgresQuery, _):
            return bind()
        case (_, "ident"):
            if let literalValue { return (SQLSyntax.identifier(literalValue), nil) }
            return (SQLSyntax.identifier(source), "`\\(ident: \(source))` is read as the identifier \(SQLSyntax.identifier(source))")
        case (_, "literal"):
            if let literalValue { return (SQLSyntax.literal(literalValue), nil) }
            if expression.is(IntegerLiteralExprSyntax.self) || expression.is(FloatLiteralExprSyntax.self) { return (source, nil) }
            if let boolean = expression.as(BooleanLiteralExprSyntax.self) { return (boolean.literal.text, nil) }
            return (SQLSyntax.literal(source), "`\\(literal: \(source))` is read as the string \(SQLSyntax.literal(source))")
        case (_, "unsafeRaw"), (_, "raw"):
            if let literalValue { return (literalValue, nil) }
            return (SQLSyntax.identifier(source), "`\\(unsafeRaw: \(source))` is SQL built at run time, read as the identifier \(SQLSyntax.identifier(source))")
        default:
            // `\(expression)` of an `SQLExpression`: an identifier in all the places migrations use it.
            if let call = expression.as(FunctionCallExprSyntax.self), call.calledExpression.trimmedDescription == "SQLIdentifier",
               let argument = call.arguments.first?.expression.as(StringLiteralExprSyntax.self),
               let name = LiteralValue.plain(argument, file: file) {
                return (SQLSyntax.identifier(name), nil)
            }
            return (SQLSyntax.identifier(source), "`\\(\(source))` is read as the identifier \(SQLSyntax.identifier(source))")
        }
    }
}

/// Quoting as SQLKit's PostgreSQL dialect writes it.
enum SQLSyntax {
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    static func literal(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "''") + "'"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
