import LockModel
import MigrationLint
import PostgresSyntax

/// Shared helpers of the nullable-column and backward-compatibility rules: where a clause is in
/// the statement, what this file created earlier, and the expand/contract plans.
enum Compatibility {
    /// The name a token spells: quoted identifiers unquoted, plain ones folded to lower case, as
    /// PostgreSQL folds them.
    static func identifier(_ token: Token, in source: SourceText) -> String {
        let bytes = source.bytes[token.range]
        if bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") {
            var name: [UInt8] = []
            var previousWasQuote = false
            for byte in bytes.dropFirst().dropLast() {
                // `""` inside a quoted identifier is one `"`.
                if byte == UInt8(ascii: "\""), previousWasQuote { previousWasQuote = false; continue }
                previousWasQuote = byte == UInt8(ascii: "\"")
                name.append(byte)
            }
            return String(decoding: name, as: UTF8.self)
        }
        // PostgreSQL folds only ASCII letters.
        return String(decoding: bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Whether the token is the one-byte punctuation `character`.
    static func isPunctuation(_ token: Token, _ character: Unicode.Scalar, in source: SourceText) -> Bool {
        token.range.count == 1 && source.bytes[token.range.lowerBound] == UInt8(ascii: character)
    }

    private static let noiseWords: Set<String> = ["COLUMN", "CONSTRAINT", "IF", "EXISTS"]

    /// The range of an ALTER TABLE subcommand such as `DROP COLUMN email` or `ALTER COLUMN email
    /// DROP NOT NULL`: it starts at `leading` (not the statement's own first keyword), skips the
    /// noise words, names `name`, and contains every keyword of `containing` before the next
    /// comma. Falls back to the statement's first word.
    static func subcommandRange(_ context: RuleContext, leading: String, name: String?, requiring: String? = nil,
                                forbidding: String? = nil, containing: [String] = []) -> Range<Int> {
        let tokens = context.tokens
        let source = context.source
        let noise = noiseWords
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
            if let name, identifier(tokens[cursor], in: source) != name { continue }
            var depth = 0
            var keywords: [String] = []
            // Without a name the words right after `leading` belong to the clause (`SET SCHEMA`).
            var probe = name == nil ? cursor : cursor + 1
            while probe < tokens.count {
                let token = tokens[probe]
                if isPunctuation(token, "(", in: source) || isPunctuation(token, "[", in: source) {
                    depth += 1
                } else if isPunctuation(token, ")", in: source) || isPunctuation(token, "]", in: source) {
                    depth -= 1
                }
                if depth == 0, isPunctuation(token, ",", in: source) || isPunctuation(token, ";", in: source) { break }
                if let keyword = tokens[probe].keyword { keywords.append(keyword) }
                probe += 1
            }
            guard containing.allSatisfy(keywords.contains) else { continue }
            return context.clauseRange(at: token.range.lowerBound)
        }
        return context.statementStartRange
    }

    /// Where `name` is written in the statement (`app.users`, `"Users"`), from its first token
    /// to its last; the statement's first word when it cannot be found.
    static func nameRange(_ context: RuleContext, _ name: QualifiedName, after offset: Int = 0) -> Range<Int> {
        let tokens = context.tokens
        let source = context.source
        for (index, token) in tokens.enumerated() where token.range.lowerBound >= offset {
            guard identifier(token, in: source) == name.name else { continue }
            let qualified = index >= 2 && source.text(tokens[index - 1].range) == "."
            if let schema = name.schema {
                guard qualified, identifier(tokens[index - 2], in: source) == schema else { continue }
                return tokens[index - 2].range.lowerBound..<token.range.upperBound
            }
            if qualified { continue }
            return token.range
        }
        return context.statementStartRange
    }

    /// The statement as the user wrote it, ending with `;`.
    static func statementSQL(_ context: RuleContext) -> String {
        var text = context.statementText
        if !text.hasSuffix(";") { text += ";" }
        return text
    }

    /// The user's DROP statement with `IF EXISTS` after the object kind, so that running the
    /// contract step twice does no harm.
    static func dropWithIfExists(_ context: RuleContext, _ drop: Drop, kindKeywords: [String]) -> String {
        guard !drop.ifExists else { return statementSQL(context) }
        let tokens = context.tokens
        guard let kind = tokens.dropFirst().first(where: { kindKeywords.contains($0.keyword ?? "") }) else {
            return statementSQL(context)
        }
        let range = context.statementRange
        var text = context.source.text(range.lowerBound..<kind.range.upperBound) + " IF EXISTS"
            + context.source.text(kind.range.upperBound..<range.upperBound)
        if !text.hasSuffix(";") { text += ";" }
        return text
    }

    /// The statements before this one in the file.
    static func earlier(_ context: RuleContext) -> ArraySlice<StatementAnalysis> {
        context.earlierStatements
    }

    /// The statements after this one in the file.
    static func later(_ context: RuleContext) -> ArraySlice<StatementAnalysis> {
        context.laterStatements
    }

    /// The column was added earlier in this file (or its table created here): no release that
    /// is running knows it.
    static func columnIsNew(_ context: RuleContext, table: QualifiedName, column: String) -> Bool {
        if context.state.isCreatedInFile(table) { return true }
        let target = context.state.resolve(table)
        return context.earlierStatements(naming: table).contains { analysis in
            guard case .alterTable(let alter)? = analysis.statement, analysis.state.resolve(alter.relation) == target else { return false }
            return alter.actions.contains { if case .addColumn(let added, _) = $0 { return added.name == column } else { return false } }
        }
    }

    /// An object of one of `kinds` was created earlier in this file under `name`.
    static func createdEarlier(_ context: RuleContext, _ name: QualifiedName, kinds: Set<ObjectKind>) -> Bool {
        let target = context.state.resolve(name)
        if [.table, .view, .materializedView, .sequence, .index].contains(where: kinds.contains),
           context.state.isCreatedInFile(name) { return true }
        if kinds.contains(.type) || kinds.contains(.domain), context.state.createdEnums.contains(target.qualified) { return true }
        return context.earlierStatements(naming: name).contains {
            created(by: $0, kinds: kinds, matching: target) || renamed(by: $0, kinds: kinds, to: target)
        }
    }

    /// An earlier `ALTER ... RENAME TO name` gave the object this name in this file (PostgreSQL's
    /// and Prisma's way to replace an enum: rename the old one to `x_old`, create `x`, drop
    /// `x_old`): no running release knows it under this name.
    static func renamed(by analysis: StatementAnalysis, kinds: Set<ObjectKind>, to target: QualifiedName) -> Bool {
        guard case .rename(let rename)? = analysis.statement, kinds.contains(rename.kind) else { return false }
        var renamed = analysis.state.resolve(rename.object)
        renamed.name = rename.newName
        return renamed == target
    }

    /// A statement after this one, in the same transaction, creates `name` again (or renames
    /// another object to it): the DROP or rename is half of a replacement that running code never
    /// sees half-done.
    /// Outside a transaction, a CREATE in the very next statement leaves a gap of one statement
    /// boundary, which is as short as a replacement gets.
    static func recreatedInSameTransaction(_ context: RuleContext, _ name: QualifiedName, kinds: Set<ObjectKind>) -> Bool {
        let target = context.state.resolve(name)
        if let next = later(context).first(where: { $0.statement != nil }),
           created(by: next, kinds: kinds, matching: target) || renamed(by: next, kinds: kinds, to: target) {
            return true
        }
        guard context.state.inTransactionBlock else { return false }
        return context.laterStatements(naming: name).contains {
            $0.transactionNumber == context.analysis.transactionNumber
                && (created(by: $0, kinds: kinds, matching: target) || renamed(by: $0, kinds: kinds, to: target))
        }
    }

    static func recreatedLater(_ context: RuleContext, _ name: QualifiedName, kinds: Set<ObjectKind>) -> Bool {
        let target = context.state.resolve(name)
        return context.laterStatements(naming: name).contains { created(by: $0, kinds: kinds, matching: target) }
    }

    static func created(by analysis: StatementAnalysis, kinds: Set<ObjectKind>, matching target: QualifiedName) -> Bool {
        let state = analysis.state
        switch analysis.statement {
        case .createTable(let create)?:
            return kinds.contains(.table) && state.resolve(create.relation) == target
        case .createView(let name, let materialized)?:
            return kinds.contains(materialized ? .materializedView : .view) && state.resolve(name) == target
        case .createSequence(let name)?:
            return kinds.contains(.sequence) && state.resolve(name) == target
        case .createFunction(let name)?:
            return !kinds.isDisjoint(with: [.function, .procedure, .routine]) && state.resolve(name) == target
        case .createEnum(let name)?:
            return kinds.contains(.type) && state.resolve(name) == target
        case .createDomain(let name, _, _)?:
            return !kinds.isDisjoint(with: [.type, .domain]) && state.resolve(name) == target
        case .createSchema(let schema)?:
            // A schema name has no schema of its own: search_path does not apply.
            return kinds.contains(.schema) && schema == target.name
        default:
            return false
        }
    }

    /// `'<text>'` as a SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The contract step: the user's statement, after the deploy steps, with a lock timeout and
    /// an ignore comment that records why it is safe now.
    static func contractStep(_ sql: String, ruleID: String, reason: String, lockTimeout: Bool = true, note: String) -> RewritePlan.Step {
        let prefix = lockTimeout ? SQLText.lockTimeout + "\n" : ""
        return .migration(sql: "\(prefix)-- migration-lint-ignore: \(ruleID) \(reason)\n\(sql)", note: note)
    }

    /// Rename `old` to `new` and leave a view under the old name in the same transaction, so
    /// that running code keeps reading and writing through it (a simple view is updatable). The
    /// rename rules recognise this pattern and stay silent on it.
    static func renameBehindView(rename: String, oldName: QualifiedName, newName: QualifiedName) -> RewritePlan.Step {
        .migration(sql: """
            BEGIN;
            SET LOCAL lock_timeout = '2s';
            \(rename)
            CREATE OR REPLACE VIEW \(oldName.sql) AS SELECT * FROM \(newName.sql);
            COMMIT;
            """, note: "rename, and keep the old name as an updatable view for the release still running")
    }
}

extension ColumnDefinition {
    /// One shared default for every existing row would break a constraint of the column: a
    /// unique key gets duplicates, a foreign key points nowhere, a check may reject it.
    var constraintsRejectSharedDefault: Bool {
        constraints.contains { constraint in
            switch constraint.kind {
            case .primaryKey, .unique, .exclusion, .foreignKey, .check: return true
            default: return false
            }
        }
    }
}

/// A default that says "no value" for common types without being NULL, and that PostgreSQL
/// stores once in the catalog (non-volatile, so ADD COLUMN does not rewrite the table).
enum EmptyValue {
    static func sql(for type: TypeName?) -> String? {
        guard let type else { return nil }
        if type.isArray { return "'{}'" }
        switch type.baseName {
        case "text", "varchar", "bpchar", "citext", "name": return "''"
        case "int2", "int4", "int8", "numeric", "float4", "float8", "smallint", "integer", "bigint", "int", "decimal", "real":
            return "0"
        case "bool", "boolean": return "false"
        case "jsonb", "json": return "'{}'"
        case "timestamptz", "timestamp": return "now()"
        case "date": return "CURRENT_DATE"
        case "interval": return "'0'"
        default: return nil
        }
    }
}

extension Compatibility {
    /// The end of a column definition that starts at `start`: the last token before the comma or
    /// parenthesis that closes it (comments after it are not part of it).
    static func columnEnd(_ context: RuleContext, from start: Int) -> Int {
        let bytes = context.source.bytes
        let tokens = context.tokens
        var depth = 0
        var end = start + 1
        // Tokens are in order: skip to the first at `start` instead of testing every one.
        var low = 0, high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle].range.lowerBound < start { low = middle + 1 } else { high = middle }
        }
        for token in tokens[low...] {
            // Punctuation is one byte; anything longer is a word, a literal or an operator.
            let byte = token.range.count == 1 ? bytes[token.range.lowerBound] : 0
            // Brackets count too: `DEFAULT ARRAY['a', 'b']` has a comma inside.
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") {
                if depth == 0 { break }
                depth -= 1
            } else if depth == 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") {
                break
            }
            end = token.range.upperBound
        }
        return end
    }

    /// The range of a column definition, from its name to its last clause.
    static func columnRange(_ context: RuleContext, _ column: ColumnDefinition) -> Range<Int> {
        guard let start = column.location else { return context.statementStartRange }
        return start..<columnEnd(context, from: start)
    }

    /// Each constraint of a column definition with its text as written (`REFERENCES users (id) ON
    /// DELETE CASCADE`, `CHECK (n > 0)`), without a leading `CONSTRAINT name`.
    static func constraintTexts(_ context: RuleContext, _ column: ColumnDefinition) -> [(constraint: Constraint, text: String)] {
        guard let start = column.location else { return [] }
        let end = columnEnd(context, from: start)
        let located = column.constraints.filter { $0.location != nil }.sorted { ($0.location ?? 0) < ($1.location ?? 0) }
        let tokens = context.tokens
        return located.enumerated().map { index, constraint in
            var lower = constraint.location ?? start
            let upper = index + 1 < located.count ? (located[index + 1].location ?? end) : end
            let inside = tokens.filter { $0.range.lowerBound >= lower && $0.range.upperBound <= upper }
            if inside.first?.keyword == "CONSTRAINT", inside.count > 2 { lower = inside[2].range.lowerBound }
            let last = inside.last { $0.range.upperBound <= upper }?.range.upperBound ?? upper
            return (constraint, context.source.text(lower..<max(lower, last)))
        }
    }

    /// The shared check of the DROP rules for views, functions, types, sequences and schemas:
    /// one finding per dropped object that running code may still use.
    static func dropFindings(_ context: RuleContext, kinds: Set<ObjectKind>, kindKeywords: [String], ruleID: String,
                             silentWhenRecreated: Bool, deploy: (String) -> String) -> [Finding] {
        guard case .drop(let drop) = context.statement, kinds.contains(drop.kind) else { return [] }
        let what = drop.kind.rawValue
        var findings: [Finding] = []
        for object in drop.objects {
            if createdEarlier(context, object, kinds: kinds) { continue }
            if silentWhenRecreated, recreatedInSameTransaction(context, object, kinds: kinds) { continue }
            let name = drop.kind == .schema ? object.name : context.state.resolve(object).qualified
            var notes = context.lockNotes(on: object)
            if drop.behavior == .cascade {
                notes.append("CASCADE also drops every object that depends on \(name), without listing them")
            }
            if silentWhenRecreated, recreatedLater(context, object, kinds: kinds) {
                notes.append("it is created again later in this file, but not in the same transaction: until then it is missing; DROP and CREATE in one transaction, or in consecutive statements, are not reported")
            }
            let plan = RewritePlan([
                .deploy(deploy(name)),
                contractStep(dropWithIfExists(context, drop, kindKeywords: kindKeywords), ruleID: ruleID,
                             reason: "no running release uses it since step 1",
                             lockTimeout: !context.effects.locks.isEmpty,
                             note: "drop it once no running release uses it"),
            ])
            findings.append(Finding(
                message: "dropping \(what) \(name) breaks the release still running if it uses it",
                range: nameRange(context, object), notes: notes,
                help: "remove every use of \(name) from the application and deploy that first; drop it in a later migration",
                rewrite: plan))
        }
        return findings
    }
}
