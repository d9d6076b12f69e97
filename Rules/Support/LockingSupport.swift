import LockModel
import MigrationLint
import PostgresSyntax

/// Helpers shared by the rewrite and blocking-lock rules: building statements from the user's
/// own text, reading what earlier statements of the file did, and pointing at clauses.
enum Locking {
    /// The statement as the user wrote it, ending with `;`.
    static func statementSQL(_ context: RuleContext) -> String {
        var text = context.statementText
        while let last = text.last, last.isWhitespace { text.removeLast() }
        if !text.hasSuffix(";") { text += ";" }
        return text
    }

    /// The statement with `insertion` placed at `offset` (a file offset inside the statement).
    static func statementSQL(_ context: RuleContext, inserting insertion: String, at offset: Int) -> String {
        let range = context.statementRange
        let clamped = min(max(offset, range.lowerBound), range.upperBound)
        var text = context.source.text(range.lowerBound..<clamped) + insertion + context.source.text(clamped..<range.upperBound)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        if !text.hasSuffix(";") { text += ";" }
        return text
    }

    /// The text of a clause as the user wrote it (up to the next `,` or `;` at its level).
    static func clauseText(_ context: RuleContext, at location: Int?) -> String {
        context.source.text(context.clauseRange(at: location))
    }

    /// Analyses of the statements before this one in the file.
    static func earlier(_ context: RuleContext) -> ArraySlice<StatementAnalysis> {
        context.earlierStatements
    }

    /// Analyses of the statements after this one in the file.
    static func later(_ context: RuleContext) -> ArraySlice<StatementAnalysis> {
        context.laterStatements
    }

    /// The 1-based line of a statement, for messages that point back at it.
    static func line(of analysis: StatementAnalysis, in context: RuleContext) -> Int {
        context.source.position(of: analysis.parsed.range.lowerBound).line
    }

    /// The range of the `occurrence`-th run of consecutive keyword tokens `keywords`, starting at
    /// its first keyword and covering the clause up to the next `,` or `;`.
    static func keywordClause(_ context: RuleContext, _ keywords: [String], occurrence: Int = 0) -> Range<Int>? {
        let tokens = context.tokens
        var found = 0
        guard tokens.count >= keywords.count else { return nil }
        for start in 0...(tokens.count - keywords.count) {
            let matches = keywords.indices.allSatisfy { tokens[start + $0].keyword == keywords[$0] }
            guard matches else { continue }
            if found == occurrence { return context.clauseRange(at: tokens[start].range.lowerBound) }
            found += 1
        }
        return nil
    }

    /// The ALTER TABLE actions of the statement that match `predicate`, with their position among
    /// the matching ones (to find the n-th keyword run in the text).
    static func matchingActions(_ alter: AlterTable, _ predicate: (AlterTableAction) -> Bool) -> [(occurrence: Int, action: AlterTableAction)] {
        alter.actions.filter(predicate).enumerated().map { ($0.offset, $0.element) }
    }

    /// Where to move a statement that cannot run inside a transaction block, in the words of the
    /// migration tool that runs this file.
    static func outsideTransactionHelp(_ context: RuleContext) -> String {
        if context.state.inExplicitTransaction {
            return "move the statement after COMMIT, or into a migration without BEGIN"
        }
        switch context.file.layout {
        case .goose:
            return "put the statement in its own migration annotated `-- +goose NO TRANSACTION`"
        case .dbmate:
            return "put the statement in its own migration whose header is `-- migrate:up transaction:false`"
        case .upDownFiles, .prisma:
            return "put the statement alone in its own migration file: a file with several statements is sent as one transaction"
        case .flyway:
            return "put the statement in its own migration and allow it to run outside a transaction (Flyway `executeInTransaction=false`)"
        case .plain, .sqitch:
            return "run the statement in a migration that is not wrapped in a transaction"
        }
    }

    /// `SET lock_timeout` plus the statement: the shape of every blocking rewrite step.
    static func withLockTimeout(_ sql: String) -> String { "\(SQLText.lockTimeout)\n\(sql)" }
    static func withStatementTimeout(_ sql: String) -> String { "\(SQLText.statementTimeout)\n\(sql)" }

    /// An edit that inserts a `SET lock_timeout` line before the statement.
    static func lockTimeoutEdit(_ context: RuleContext) -> Edit {
        let start = context.statementRange.lowerBound
        return Edit(range: start..<start, replacement: "\(SQLText.lockTimeout)\n")
    }

    /// A constraint name as PostgreSQL would generate it for `table` and `columns`.
    static func defaultConstraintName(table: String, columns: [String], suffix: String) -> String {
        let parts = [table] + (columns.isEmpty ? [] : [columns.joined(separator: "_")]) + [suffix]
        return SQLText.constraintName(parts.joined(separator: "_"))
    }

    /// The type of `column` of `table` as defined by an earlier statement of this file (CREATE
    /// TABLE, ADD COLUMN, or an earlier type change), or nil when the file does not say.
    static func knownColumnType(table: QualifiedName, column: String, _ context: RuleContext) -> TypeName? {
        var type: TypeName?
        for item in context.earlierStatements(naming: table) {
            guard let statement = item.statement else { continue }
            switch statement {
            case .createTable(let create) where item.state.resolve(create.relation) == table:
                type = create.columns.first { $0.name == column }?.type
            case .alterTable(let alter) where alter.kind == .table && item.state.resolve(alter.relation) == table:
                for action in alter.actions {
                    switch action {
                    case .addColumn(let definition, _) where definition.name == column: type = definition.type
                    case .alterColumnType(let name, let newType, _) where name == column: type = newType
                    default: break
                    }
                }
            default:
                continue
            }
        }
        return type
    }
}

extension Locking {
    /// The text inside the first balanced parentheses at or after `offset` in the statement.
    static func parenthesizedText(_ context: RuleContext, after offset: Int) -> String? {
        parenthesizedRange(context, after: offset).map { context.source.text($0) }
    }

    /// The byte range inside the first balanced parentheses at or after `offset`.
    static func parenthesizedRange(_ context: RuleContext, after offset: Int) -> Range<Int>? {
        let bytes = context.source.bytes
        var index = offset
        let end = context.statementRange.upperBound
        while index < end, bytes[index] != UInt8(ascii: "(") { index += 1 }
        guard index < end else { return nil }
        let open = index
        var depth = 0
        var quote: UInt8?
        while index < end {
            let byte = bytes[index]
            if let q = quote {
                if byte == q { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return open + 1..<index }
            }
            index += 1
        }
        return nil
    }
}

/// The shared shape of the rules that want NOT VALID plus a separate VALIDATE.
enum NotValidAdvice {
    /// The constraint clause with a name (PostgreSQL's default naming when it has none).
    static func namedClause(_ context: RuleContext, _ constraint: Constraint, table: QualifiedName, suffix: String) -> (name: String, clause: String) {
        let clause = Locking.clauseText(context, at: constraint.location)
        if let name = constraint.name { return (quoteIdentifier(name), clause) }
        let name = quoteIdentifier(Locking.defaultConstraintName(table: table.name, columns: constraint.columns, suffix: suffix))
        return (name, "CONSTRAINT \(name) \(clause)")
    }

    /// Step 1 adds the constraint NOT VALID (brief lock, no scan); step 2 validates it in its own
    /// transaction under SHARE UPDATE EXCLUSIVE.
    static func plan(_ context: RuleContext, _ constraint: Constraint, table: QualifiedName, suffix: String) -> RewritePlan {
        let (name, clause) = namedClause(context, constraint, table: table, suffix: suffix)
        return RewritePlan([
            .migration(sql: Locking.withLockTimeout("ALTER TABLE \(table.sql) ADD \(clause) NOT VALID;"),
                       note: "new and updated rows are checked from now on; no scan"),
            .migration(sql: Locking.withStatementTimeout("ALTER TABLE \(table.sql) VALIDATE CONSTRAINT \(name);"),
                       note: "in its own transaction: scans under SHARE UPDATE EXCLUSIVE, reads and writes continue"),
        ])
    }

    /// NOT VALID at the end of the clause and a VALIDATE statement after this one: only where
    /// the file runs statement by statement, so the VALIDATE gets its own transaction.
    static func fix(_ context: RuleContext, _ constraint: Constraint, table: QualifiedName) -> Fix? {
        guard !context.state.inTransactionBlock, let name = constraint.name else { return nil }
        let clause = context.clauseRange(at: constraint.location)
        let end = context.statementRange.upperBound
        let terminated = end > 0 && context.source.bytes[end - 1] == UInt8(ascii: ";")
        return Fix(message: "add NOT VALID and validate in a separate statement", edits: [
            Edit(range: clause.upperBound..<clause.upperBound, replacement: " NOT VALID"),
            Edit(range: end..<end, replacement: (terminated ? "" : ";") + "\nALTER TABLE \(table.sql) VALIDATE CONSTRAINT \(quoteIdentifier(name));"),
        ])
    }
}

extension Locking {
    /// The tokens of a column constraint's head: `UNIQUE`, `PRIMARY KEY`, or `CONSTRAINT name
    /// UNIQUE`, as a range (a column constraint's clause would run to the end of the column).
    static func columnConstraintHead(_ context: RuleContext, _ constraint: Constraint) -> Range<Int>? {
        guard let start = constraint.location else { return nil }
        let tokens = context.tokens.filter { $0.range.lowerBound >= start }
        guard var index = tokens.indices.first else { return nil }
        if tokens[index].keyword == "CONSTRAINT" { index += 2 }
        guard index < tokens.count else { return nil }
        var end = tokens[index].range.upperBound
        if tokens[index].keyword == "PRIMARY", index + 1 < tokens.count { end = tokens[index + 1].range.upperBound }
        return start..<end
    }
}

extension Locking {
    /// From `offset` through the closing parenthesis of the first balanced group after it:
    /// `CHECK (a > 0)` as a range.
    static func throughParenthesizedGroup(_ context: RuleContext, from offset: Int) -> Range<Int>? {
        guard let inner = parenthesizedRange(context, after: offset) else { return nil }
        return offset..<(inner.upperBound + 1)
    }
}
