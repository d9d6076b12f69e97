import LockModel
import MigrationLint
import PostgresSyntax

/// Where the clauses a rule points at are written in the statement: keyword runs, ALTER TABLE
/// subcommands, names, column definitions and their constraints, types. All found on tokens.
extension RuleContext {
    /// The range of the `occurrence`-th run of consecutive keyword tokens `keywords`, starting at
    /// its first keyword and covering the clause up to the next `,` or `;`.
    func keywordClause(_ keywords: [String], occurrence: Int = 0) -> Range<Int>? {
        let tokens = self.tokens
        var found = 0
        guard tokens.count >= keywords.count else { return nil }
        for start in 0...(tokens.count - keywords.count) {
            let matches = keywords.indices.allSatisfy { tokens[start + $0].keyword == keywords[$0] }
            guard matches else { continue }
            if found == occurrence { return clauseRange(at: tokens[start].range.lowerBound) }
            found += 1
        }
        return nil
    }

    /// The tokens of a column constraint's head: `UNIQUE`, `PRIMARY KEY`, or `CONSTRAINT name
    /// UNIQUE`, as a range (a column constraint's clause would run to the end of the column).
    func columnConstraintHead(_ constraint: Constraint) -> Range<Int>? {
        guard let start = constraint.location else { return nil }
        let tokens = self.tokens.filter { $0.range.lowerBound >= start }
        guard var index = tokens.indices.first else { return nil }
        if tokens[index].keyword == "CONSTRAINT" { index += 2 }
        guard index < tokens.count else { return nil }
        var end = tokens[index].range.upperBound
        if tokens[index].keyword == "PRIMARY", index + 1 < tokens.count { end = tokens[index + 1].range.upperBound }
        return start..<end
    }

    /// The range of an ALTER TABLE subcommand such as `DROP COLUMN email` or `ALTER COLUMN email
    /// DROP NOT NULL`: it starts at `leading` (not the statement's own first keyword), skips the
    /// noise words, names `name`, and contains every keyword of `containing` before the next
    /// comma. Falls back to the statement's first word.
    func subcommandRange(leading: String, name: String?, requiring: String? = nil,
                         forbidding: String? = nil, containing: [String] = []) -> Range<Int> {
        let tokens = self.tokens
        let noise: Set<String> = ["COLUMN", "CONSTRAINT", "IF", "EXISTS"]
        for (index, token) in tokens.enumerated() where index > 0 && token.keyword == leading {
            var cursor = index + 1
            var sawRequired = requiring == nil
            var sawForbidden = false
            while cursor < tokens.count, let keyword = tokens[cursor].keyword, noise.contains(keyword) {
                if keyword == requiring { sawRequired = true }
                if keyword == forbidding { sawForbidden = true }
                cursor += 1
            }
            guard sawRequired, !sawForbidden, cursor < tokens.count else { continue }
            if let name, identifierName(tokens[cursor]) != name { continue }
            var depth = 0
            var keywords: [String] = []
            // Without a name the words right after `leading` belong to the clause (`SET SCHEMA`).
            var probe = name == nil ? cursor : cursor + 1
            while probe < tokens.count {
                let token = tokens[probe]
                if isPunctuation(token, "(") || isPunctuation(token, "[") {
                    depth += 1
                } else if isPunctuation(token, ")") || isPunctuation(token, "]") {
                    depth -= 1
                }
                if depth == 0, isPunctuation(token, ",") || isPunctuation(token, ";") { break }
                if let keyword = tokens[probe].keyword { keywords.append(keyword) }
                probe += 1
            }
            guard containing.allSatisfy(keywords.contains) else { continue }
            return clauseRange(at: token.range.lowerBound)
        }
        return firstWordRange
    }

    /// Where `name` is written in the statement (`app.users`, `"Users"`), from its first token
    /// to its last; the statement's first word when it cannot be found.
    func nameRange(_ name: QualifiedName, after offset: Int = 0) -> Range<Int> {
        let tokens = self.tokens
        for (index, token) in tokens.enumerated() where token.range.lowerBound >= offset {
            guard identifierName(token) == name.name else { continue }
            let qualified = index >= 2 && source.text(tokens[index - 1].range) == "."
            if let schema = name.schema {
                guard qualified, identifierName(tokens[index - 2]) == schema else { continue }
                return tokens[index - 2].range.lowerBound..<token.range.upperBound
            }
            if qualified { continue }
            return token.range
        }
        return firstWordRange
    }

    /// The end of a column definition that starts at `start`: the last token before the comma or
    /// parenthesis that closes it (comments after it are not part of it).
    func columnEnd(from start: Int) -> Int {
        max(clauseEnd(from: start), start + 1)
    }

    /// The range of a column definition, from its name to its last clause.
    func columnRange(_ column: ColumnDefinition) -> Range<Int> {
        guard let start = column.location else { return firstWordRange }
        return start..<columnEnd(from: start)
    }

    /// Each constraint of a column definition with its text as written (`REFERENCES users (id) ON
    /// DELETE CASCADE`, `CHECK (n > 0)`), without a leading `CONSTRAINT name`.
    func constraintTexts(_ column: ColumnDefinition) -> [(constraint: Constraint, text: String)] {
        guard let start = column.location else { return [] }
        let end = columnEnd(from: start)
        let located = column.constraints.filter { $0.location != nil }.sorted { ($0.location ?? 0) < ($1.location ?? 0) }
        let tokens = self.tokens
        return located.enumerated().map { index, constraint in
            var lower = constraint.location ?? start
            let upper = index + 1 < located.count ? (located[index + 1].location ?? end) : end
            let inside = tokens.filter { $0.range.lowerBound >= lower && $0.range.upperBound <= upper }
            if inside.first?.keyword == "CONSTRAINT", inside.count > 2 { lower = inside[2].range.lowerBound }
            let last = inside.last { $0.range.upperBound <= upper }?.range.upperBound ?? upper
            return (constraint, source.text(lower..<max(lower, last)))
        }
    }

    /// The range of a type as written, without an array suffix: `character varying(20)`,
    /// `timestamp(3) without time zone`, `public.mood`. Nil when PostgreSQL gave no location.
    func typeRange(_ type: TypeName, tokens: [Token]) -> Range<Int>? {
        guard let location = type.location else { return nil }
        guard var index = tokens.firstIndex(where: { $0.range.lowerBound == location }) else { return nil }
        func text(_ i: Int) -> String { i < tokens.count ? source.text(tokens[i].range).uppercased() : "" }
        var end = tokens[index].range.upperBound
        // Qualified names: schema "." name.
        while text(index + 1) == ".", index + 2 < tokens.count {
            index += 2
            end = tokens[index].range.upperBound
        }
        // Multi-word spellings: CHARACTER VARYING, DOUBLE PRECISION, NATIONAL CHARACTER VARYING.
        while ["VARYING", "PRECISION", "CHARACTER", "CHAR"].contains(text(index + 1)) {
            index += 1
            end = tokens[index].range.upperBound
        }
        if text(index + 1) == "(" {
            var depth = 0
            var probe = index + 1
            while probe < tokens.count {
                let word = text(probe)
                if word == "(" { depth += 1 } else if word == ")" { depth -= 1 }
                if depth == 0 { break }
                probe += 1
            }
            guard probe < tokens.count else { return location..<end }
            index = probe
            end = tokens[index].range.upperBound
        }
        if ["WITH", "WITHOUT"].contains(text(index + 1)), text(index + 2) == "TIME", text(index + 3) == "ZONE" {
            index += 3
            end = tokens[index].range.upperBound
        }
        return location..<end
    }

    /// The token texts of a statement, upper-cased, with their ranges.
    var words: [(text: String, range: Range<Int>)] {
        tokens.map { (source.text($0.range).uppercased(), $0.range) }
    }
}
