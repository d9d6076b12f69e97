/// The value of an `EXECUTE` expression when it is built only from constants: one string
/// literal, literals joined with `||`, or `format()` of a constant format with constant
/// arguments. Anything that names a variable or calls another function is not guessed.
enum ConstantString {
    enum Value: Equatable {
        /// The SQL is these bytes of the file (one literal without escapes).
        case file(Range<Int>)
        case built([PLpgSQLBody.Embedded.Piece])
    }

    /// Nil when the expression at `range` is not built from constants alone.
    static func evaluate(_ range: Range<Int>, in source: SourceText) -> Value? {
        let tokens = SQLLexer.tokens(in: range, of: source)
        guard let first = tokens.first else { return nil }
        if tokens.count == 1 {
            guard PLpgSQL.isStringConstant(first.range, source), let (body, plain) = PLpgSQL.stringBody(first.range, source) else { return nil }
            if plain { return .file(body) }
            return pieces(of: first.range, source).map { .built($0) }
        }
        if source.text(first.range).lowercased() == "format" { return format(tokens, source).map { .built($0) } }
        // 'a' || 'b' || ...
        var result: [PLpgSQLBody.Embedded.Piece] = []
        for (index, token) in tokens.enumerated() {
            if index % 2 == 1 {
                guard source.text(token.range) == "||" else { return nil }
                continue
            }
            guard PLpgSQL.isStringConstant(token.range, source), let pieces = pieces(of: token.range, source) else { return nil }
            result += pieces
        }
        return tokens.count % 2 == 1 ? .built(result) : nil
    }

    /// The value of one string literal as pieces copied from the file: a doubled quote is one
    /// quote that stands for two bytes. Nil for escape strings (`E'...'`, `U&'...'`).
    static func pieces(of literal: Range<Int>, _ source: SourceText) -> [PLpgSQLBody.Embedded.Piece]? {
        guard let (body, plain) = PLpgSQL.stringBody(literal, source) else { return nil }
        if plain { return [.init(text: source.text(body), fileRange: body)] }
        guard source.bytes[literal.lowerBound] == UInt8(ascii: "'") else { return nil }
        var pieces: [PLpgSQLBody.Embedded.Piece] = []
        var start = body.lowerBound
        var index = body.lowerBound
        while index < body.upperBound {
            if source.bytes[index] == UInt8(ascii: "'"), index + 1 < body.upperBound, source.bytes[index + 1] == UInt8(ascii: "'") {
                if start < index { pieces.append(.init(text: source.text(start..<index), fileRange: start..<index)) }
                pieces.append(.init(text: "'", fileRange: index..<(index + 2)))
                index += 2
                start = index
                continue
            }
            index += 1
        }
        if start < body.upperBound { pieces.append(.init(text: source.text(start..<body.upperBound), fileRange: start..<body.upperBound)) }
        return pieces
    }

    /// `format('...', 'a', 'b')` with `%s`, `%I`, `%L` and `%%`, every argument a literal.
    static func format(_ tokens: [Token], _ source: SourceText) -> [PLpgSQLBody.Embedded.Piece]? {
        guard tokens.count >= 4, source.text(tokens[1].range) == "(", source.text(tokens[tokens.count - 1].range) == ")" else { return nil }
        var arguments: [(value: String, range: Range<Int>)] = []
        var index = 2
        var formatPieces: [PLpgSQLBody.Embedded.Piece]?
        while index < tokens.count - 1 {
            let token = tokens[index]
            guard PLpgSQL.isStringConstant(token.range, source), let pieces = pieces(of: token.range, source) else { return nil }
            if formatPieces == nil { formatPieces = pieces } else { arguments.append((pieces.map(\.text).joined(), token.range)) }
            index += 1
            if index < tokens.count - 1 {
                guard source.text(tokens[index].range) == "," else { return nil }
                index += 1
            }
        }
        guard let formatPieces else { return nil }
        var result: [PLpgSQLBody.Embedded.Piece] = []
        var next = 0
        for piece in formatPieces {
            // Specifiers never span a doubled quote, so each copied piece is scanned alone.
            guard piece.text.utf8.count == piece.fileRange.count else {
                result.append(piece)
                continue
            }
            let bytes = Array(piece.text.utf8)
            var start = 0
            var offset = 0
            func copy(_ upTo: Int) {
                if start < upTo {
                    result.append(.init(text: String(decoding: bytes[start..<upTo], as: UTF8.self),
                                        fileRange: (piece.fileRange.lowerBound + start)..<(piece.fileRange.lowerBound + upTo)))
                }
            }
            while offset < bytes.count {
                guard bytes[offset] == UInt8(ascii: "%") else { offset += 1; continue }
                guard offset + 1 < bytes.count else { return nil }
                copy(offset)
                let specifier = bytes[offset + 1]
                let here = (piece.fileRange.lowerBound + offset)..<(piece.fileRange.lowerBound + offset + 2)
                if specifier == UInt8(ascii: "%") {
                    result.append(.init(text: "%", fileRange: here))
                } else {
                    guard next < arguments.count else { return nil }
                    let argument = arguments[next]
                    next += 1
                    let text: String
                    switch specifier {
                    case UInt8(ascii: "s"): text = argument.value
                    case UInt8(ascii: "I"): text = quoteIdentifier(argument.value)
                    case UInt8(ascii: "L"): text = "'" + argument.value.replacingAll("'", with: "''") + "'"
                    default: return nil // positions, widths and flags are not followed
                    }
                    result.append(.init(text: text, fileRange: argument.range))
                }
                offset += 2
                start = offset
            }
            copy(bytes.count)
        }
        return result
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
