import LockModel
import MigrationLint
import PostgresSyntax

/// Helpers shared by the rewrite and blocking-lock rules: what earlier statements of the file
/// did, the locks to name, and where a statement that needs no transaction block goes. Places in
/// the statement are in RuleContext+Clauses.swift, text of it in RuleContext+Rewrites.swift.
enum Locking {
    /// The 1-based line of a statement, for messages that point back at it.
    static func line(of analysis: StatementAnalysis, in context: RuleContext) -> Int {
        context.file.position(of: analysis.parsed.range.lowerBound).line
    }

    /// The earlier statement of this transaction that took ACCESS EXCLUSIVE on `relation` and
    /// still holds it. CONCURRENTLY or NOT VALID on that table cannot shorten the block any more:
    /// the rules that advise them stay silent, and lock-held-across-statements reports the
    /// statement that extends the lock, pointing at this one.
    static func accessExclusiveHolder(of relation: QualifiedName, _ context: RuleContext) -> StatementAnalysis? {
        guard let index = context.state.accessExclusiveHeldSince[context.state.resolve(relation).qualified],
              index < context.analysis.index, context.fileAnalyses.indices.contains(index) else { return nil }
        return context.fileAnalyses[index]
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
        case .diesel:
            return "put the statement in its own migration with a `metadata.toml` beside `up.sql` that says `run_in_transaction = false`"
        case .upDownFiles, .prisma:
            return "put the statement alone in its own migration file: a file with several statements is sent as one transaction"
        case .flyway:
            return "put the statement in its own migration and allow it to run outside a transaction (Flyway `executeInTransaction=false`)"
        case .plain, .sqitch:
            return "run the statement in a migration that is not wrapped in a transaction"
        }
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

/// The shared shape of the rules that want NOT VALID plus a separate VALIDATE.
enum NotValidAdvice {
    /// The constraint clause with a name (PostgreSQL's default naming when it has none).
    static func namedClause(_ context: RuleContext, _ constraint: Constraint, table: QualifiedName, suffix: String) -> (name: String, clause: String) {
        let clause = context.clauseText(at: constraint.location)
        if let name = constraint.name { return (quoteIdentifier(name), clause) }
        let name = quoteIdentifier(Locking.defaultConstraintName(table: table.name, columns: constraint.columns, suffix: suffix))
        return (name, "CONSTRAINT \(name) \(clause)")
    }

    /// Step 1 adds the constraint NOT VALID (brief lock, no scan); step 2 validates it in its own
    /// transaction under SHARE UPDATE EXCLUSIVE.
    static func plan(_ context: RuleContext, _ constraint: Constraint, table: QualifiedName, suffix: String) -> RewritePlan {
        let (name, clause) = namedClause(context, constraint, table: table, suffix: suffix)
        return RewritePlan([
            .migration(sql: SQLText.withLockTimeout("ALTER TABLE \(table.sql) ADD \(clause) NOT VALID;"),
                       note: "new and updated rows are checked from now on; no scan"),
            .migration(sql: SQLText.withStatementTimeout("ALTER TABLE \(table.sql) VALIDATE CONSTRAINT \(name);"),
                       note: "in its own transaction: scans under SHARE UPDATE EXCLUSIVE, reads and writes continue"),
        ])
    }

    /// NOT VALID at the end of the clause and a VALIDATE statement after this one: only where
    /// the file runs statement by statement, so the VALIDATE gets its own transaction.
    static func fix(_ context: RuleContext, _ constraint: Constraint, table: QualifiedName) -> Fix? {
        guard !context.state.inTransactionBlock, let name = constraint.name else { return nil }
        let clause = context.clauseRange(at: constraint.location)
        let validate = "ALTER TABLE \(table.sql) VALIDATE CONSTRAINT \(quoteIdentifier(name));"
        guard context.isTerminated else {
            // The `;` right after the last token: a comment after it must not swallow it.
            let end = context.bodyEnd
            return Fix(message: "add NOT VALID and validate in a separate statement", edits: [
                Edit(range: clause.upperBound..<clause.upperBound, replacement: " NOT VALID" + (clause.upperBound == end ? ";\n" + validate : "")),
            ] + (clause.upperBound == end ? [] : [Edit(range: end..<end, replacement: ";\n" + validate)]))
        }
        let end = context.statementRange.upperBound
        return Fix(message: "add NOT VALID and validate in a separate statement", edits: [
            Edit(range: clause.upperBound..<clause.upperBound, replacement: " NOT VALID"),
            Edit(range: end..<end, replacement: "\n" + validate),
        ])
    }
}
