/// Placeholders that migration tools replace before PostgreSQL sees the file: Flyway and
/// Liquibase `${name}`, Go templates `{{ ... }}` (golang-migrate users, supabase/auth), psql
/// variables `:name`, `:'name'`, `:"name"`.
///
/// Each is replaced, for parsing only, by a stand-in of the same byte length and the right kind
/// (an identifier, a string literal, a quoted identifier), so every offset of the file stays
/// where it was and findings point at the file as written. A Go template action (`{{ if }}`,
/// `{{ end }}`, `{{ range }}`) cannot be stood in for: it becomes blanks and is reported.
public struct Placeholders: Sendable {
    public struct Found: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case flyway = "${...}"
            case goTemplate = "Go template"
            case psqlVariable = "psql variable"
        }
        public let range: Range<Int>
        public let kind: Kind
        /// The name inside (`schema` for `${schema}`, `index .Options "Namespace"` for a template).
        public let name: String
        /// What the parser read in its place; nil when it was blanked out (a template action).
        public let standIn: String?
    }

    /// The text with every placeholder replaced, byte for byte the same length.
    public let bytes: [UInt8]
    public let found: [Found]

    /// Nil when the text holds no placeholder.
    public static func substitute(_ source: SourceText) -> Placeholders? {
        let bytes = source.bytes
        // Cheap refusal: no place where a placeholder could start, before the file is lexed to
        // tell strings and comments apart. PL/pgSQL's `:=` and casts' `::` are not such places
        // (a file of functions and casts was lexed a second time for nothing).
        guard mayHoldPlaceholder(bytes) else { return nil }
        var skips: [(range: Range<Int>, isString: Bool)] = []
        bytes.withUnsafeBufferPointer { text in
            var lexer = SQLLexer(text, in: 0..<text.count)
            while let token = lexer.next() {
                switch token.kind {
                case .lineComment, .blockComment: skips.append((token.range, false))
                case .string, .quotedIdentifier: skips.append((token.range, true))
                default: break
                }
            }
        }
        var out = bytes
        var found: [Found] = []
        var index = 0
        var skip = 0
        while index < bytes.count {
            while skip < skips.count, skips[skip].range.upperBound <= index { skip += 1 }
            if skip < skips.count, skips[skip].range.lowerBound <= index {
                let (range, isString) = skips[skip]
                // Inside strings and quoted names only the tools' own `${}` and `{{}}` count:
                // psql leaves quoted text alone.
                if isString {
                    let body = body(of: range, in: bytes)
                    var inner = max(index, body.lowerBound)
                    while inner < body.upperBound {
                        if let placeholder = braced(bytes, at: inner, end: body.upperBound) {
                            record(placeholder, into: &out, &found)
                            inner = placeholder.range.upperBound
                        } else {
                            inner += 1
                        }
                    }
                }
                index = range.upperBound
                continue
            }
            if let placeholder = braced(bytes, at: index, end: bytes.count) ?? psql(bytes, at: index) {
                record(placeholder, into: &out, &found)
                index = placeholder.range.upperBound
                continue
            }
            index += 1
        }
        return found.isEmpty ? nil : Placeholders(bytes: out, found: found)
    }

    /// The text between a string's or quoted name's delimiters: a placeholder never takes in the
    /// quote or the `$tag$` around it (in `$${}$$` the `${}` is not one: replacing it would
    /// unbalance the dollar quote, and the rest of the file would read as one string).
    static func body(of token: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        if bytes[token.lowerBound] == UInt8(ascii: "$"),
           let tagEnd = bytes[(token.lowerBound + 1)..<token.upperBound].firstIndex(of: UInt8(ascii: "$")) {
            let delimiter = tagEnd + 1 - token.lowerBound
            let end = token.count >= 2 * delimiter ? token.upperBound - delimiter : token.upperBound
            return min(tagEnd + 1, end)..<end
        }
        guard let quote = bytes[token].firstIndex(where: { $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") }) else { return token }
        let end = token.upperBound > quote + 1 && bytes[token.upperBound - 1] == bytes[quote] ? token.upperBound - 1 : token.upperBound
        return (quote + 1)..<end
    }

    static func record(_ placeholder: Found, into out: inout [UInt8], _ found: inout [Found]) {
        let replacement = placeholder.standIn.map { Array($0.utf8) } ?? Array(repeating: UInt8(ascii: " "), count: placeholder.range.count)
        out.replaceSubrange(placeholder.range, with: replacement)
        found.append(placeholder)
    }

    /// `${name}` or `{{ ... }}` at `index`, on one line.
    static func braced(_ bytes: [UInt8], at index: Int, end: Int) -> Found? {
        guard index + 1 < end else { return nil }
        let isDollar = bytes[index] == UInt8(ascii: "$") && bytes[index + 1] == UInt8(ascii: "{")
        let isTemplate = bytes[index] == UInt8(ascii: "{") && bytes[index + 1] == UInt8(ascii: "{")
        guard isDollar || isTemplate else { return nil }
        var close = index + 2
        while close < end, bytes[close] != UInt8(ascii: "\n") {
            if isDollar, bytes[close] == UInt8(ascii: "}") {
                let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                let range = index..<(close + 1)
                return Found(range: range, kind: .flyway, name: name, standIn: identifier(name, length: range.count))
            }
            if isTemplate, bytes[close] == UInt8(ascii: "}"), close + 1 < end, bytes[close + 1] == UInt8(ascii: "}") {
                let inside = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                let name = inside.trimmingCharacters(in: " -\t")
                let range = index..<(close + 2)
                let first = name.split(separator: " ").first.map(String.init) ?? ""
                let isAction = ["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"].contains(first)
                    || name.hasPrefix("/*")
                return Found(range: range, kind: .goTemplate, name: name, standIn: isAction ? nil : identifier(name, length: range.count))
            }
            close += 1
        }
        return nil
    }

    /// A psql interpolation at `index`: `:'name'`, `:"name"` or `:name` (not `::`, `:=`, or a
    /// slice bound such as `[1:n]`).
    static func psql(_ bytes: [UInt8], at index: Int) -> Found? {
        guard bytes[index] == UInt8(ascii: ":"), index + 2 < bytes.count else { return nil }
        let before = index > 0 ? bytes[index - 1] : UInt8(ascii: " ")
        guard before != UInt8(ascii: ":") else { return nil }
        let next = bytes[index + 1]
        if next == UInt8(ascii: "'") || next == UInt8(ascii: "\"") {
            var close = index + 2
            while close < bytes.count, isNameByte(bytes[close]) { close += 1 }
            guard close < bytes.count, close > index + 2, bytes[close] == next else { return nil }
            let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
            let range = index..<(close + 1)
            let quote = next == UInt8(ascii: "'") ? "'" : "\""
            return Found(range: range, kind: .psqlVariable, name: name,
                         standIn: quote + identifier(name, length: range.count - 2) + quote)
        }
        let isSpaceBefore = before == UInt8(ascii: " ") || before == UInt8(ascii: "\t") || before == UInt8(ascii: "\n")
            || before == UInt8(ascii: "(") || before == UInt8(ascii: ",") || before == UInt8(ascii: "=")
        guard isSpaceBefore, isNameByte(next), !(next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) else { return nil }
        var close = index + 1
        while close < bytes.count, isNameByte(bytes[close]) { close += 1 }
        let name = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
        let range = index..<close
        return Found(range: range, kind: .psqlVariable, name: name, standIn: identifier(name, length: range.count))
    }

    /// Whether some byte of `bytes` starts what `braced` or `psql` reads, wherever it is: the
    /// places `substitute` finds are among them (inside strings it only narrows `braced`).
    static func mayHoldPlaceholder(_ bytes: [UInt8]) -> Bool {
        // A plain loop over the buffer: `indices.contains` with a closure took 20 instructions a
        // byte, 1 % of the corpus run.
        bytes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                // Each starts at one of these bytes; the test keeps the calls off the other bytes of a long file.
                let byte = buffer[index]
                guard byte == UInt8(ascii: ":") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "{") else { continue }
                if braced(bytes, at: index, end: bytes.count) != nil || psql(bytes, at: index) != nil { return true }
            }
            return false
        }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_")
    }

    /// A plain identifier of exactly `length` bytes that reads like `name`: `_` then its
    /// letters, digits and underscores lower-cased, padded with `_`.
    static func identifier(_ name: String, length: Int) -> String {
        var text = "_"
        for byte in name.utf8 where isNameByte(byte) && text.utf8.count < length {
            text.append(Character(Unicode.Scalar(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)))
        }
        while text.utf8.count < length { text.append("_") }
        return String(text.prefix(length))
    }
}
