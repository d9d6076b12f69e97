import Foundation
import LockModel
import MigrationLint
import PostgresSyntax

/// UPDATE or DELETE of every row of an existing table inside a schema migration.
public struct BackfillInMigration: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "backfill-in-migration",
        category: .locking,
        defaultSeverity: .warning,
        summary: "UPDATE or DELETE of a whole table in a migration locks every row in one long transaction.",
        rationale: """
            An UPDATE or DELETE without WHERE touches every row in a single statement: each row stays locked \
            against concurrent updates until commit, every updated row leaves a dead copy behind (bloat, WAL, \
            replication lag), and in a migration it usually shares a transaction with schema changes whose \
            locks are held just as long. On a large table that is minutes of blocked writes and a replica that \
            falls behind.
            """,
        safeAlternative: """
            Run the backfill as a separate job after the migration, in batches of a few thousand rows, each in \
            its own transaction, until no row is left. Keep only the schema change in the migration.
            """,
        badExamples: [
            RuleExample("↓UPDATE users SET active = true;"),
            RuleExample("↓DELETE FROM app.sessions;", inTransaction: true),
            RuleExample("ALTER TABLE \"Orders\" ADD COLUMN status text;\n↓UPDATE \"Orders\" SET status = 'new';"),
            RuleExample("ALTER TABLE app.steps ADD COLUMN \"externalId\" uuid;\n↓UPDATE app.steps SET \"externalId\" = gen_random_uuid() WHERE \"externalId\" IS NULL;"),
            RuleExample(#"↓UPDATE orders SET note = E'it\'s' -- don't"#),
            RuleExample(#"↓UPDATE users SET note = $$don't$$ /* it's */;"#),
            RuleExample("↓UPDATE orders SET total = (SELECT sum(amount) FROM items WHERE items.order_id = orders.id);"),
            RuleExample("ALTER TABLE users ADD COLUMN plan text;\n↓UPDATE users SET plan = 'free';\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;"),
            RuleExample("↓DELETE FROM tokens;\nCREATE UNIQUE INDEX tokens_value_key ON tokens (value);"),
        ],
        goodExamples: [
            RuleExample("UPDATE users SET active = true WHERE id = 1;"),
            RuleExample("CREATE TABLE app.settings (key text PRIMARY KEY, value text NOT NULL);\nINSERT INTO app.settings VALUES ('mode', 'on');\nUPDATE app.settings SET value = 'off';"),
            RuleExample("DELETE FROM app.sessions WHERE expires_at < now();"),
            RuleExample("ALTER TABLE app.steps ADD COLUMN kind text DEFAULT 'plain';\nUPDATE app.steps SET kind = 'special' WHERE kind IS NULL;"),
            RuleExample("UPDATE app.steps SET kind = 'plain' WHERE kind IS NULL;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let relation: QualifiedName
        let verb: String
        let everyRow: Bool
        switch context.statement {
        case .update(let table, let hasWhere):
            relation = table
            verb = "UPDATE"
            everyRow = !hasWhere || onlyNewColumnIsNull(table, context)
        case .delete(let table, false): relation = table; verb = "DELETE"; everyRow = true
        default: return []
        }
        let table = context.state.resolve(relation)
        // A write to a system catalog is catalog-write's: batching it would not make it safe.
        guard !context.isCreatedInFile(relation), everyRow, !CatalogWrite.isCatalog(relation, context) else { return [] }
        let batch: String?
        if verb == "DELETE" {
            batch = "DELETE FROM \(relation.sql)\n  WHERE ctid IN (SELECT ctid FROM \(relation.sql) LIMIT 10000);\n-- repeat until no row is deleted"
        } else if topLevelKeyword("FROM", context) != nil {
            // UPDATE ... FROM: the condition joins other tables, which a ctid subquery of the
            // table alone cannot see; a batch needs a key range the file does not show.
            batch = nil
        } else if let whereKeyword = topLevelKeyword("WHERE", context) {
            // The statement's own condition selects the rows still to do.
            let condition = context.source.text(whereKeyword.upperBound..<max(whereKeyword.upperBound, context.bodyEnd))
            let head = context.source.text(context.statementRange.lowerBound..<whereKeyword.lowerBound)
            batch = "\(head)WHERE ctid IN (SELECT ctid FROM \(relation.sql) WHERE\(condition) LIMIT 10000);\n-- repeat until no row is updated"
        } else {
            batch = "\(context.source.text(context.statementRange.lowerBound..<context.bodyEnd))\n  WHERE ctid IN (SELECT ctid FROM \(relation.sql) WHERE \(pendingCondition(context)) LIMIT 10000);\n-- repeat until no row is updated"
        }
        // A later statement of this migration needs the rows done (a constraint, NOT NULL, a
        // unique index): the backfill cannot move after the migration, only split it.
        if let dependent = laterDependent(table, context) {
            let line = Locking.line(of: dependent, in: context)
            return [Finding(message: "\(verb) of every row of \(table.qualified) in a migration: every row stays locked until commit",
                            range: context.firstWordRange,
                            notes: ["one statement rewrites every row: dead tuples, WAL and replication lag grow with the table",
                                    "line \(line) of this migration depends on it, so it cannot move after the migration"],
                            help: "split the migration here: run the \(verb) in batches after the first part, and keep line \(line) and what follows in a later migration",
                            rewrite: batch.map { RewritePlan([.backfill(sql: $0, note: "in batches between the two parts of the migration (line \(line) goes in the second), each in its own transaction")]) })]
        }
        return [Finding(message: "\(verb) of every row of \(table.qualified) in a migration: every row stays locked until commit",
                        range: context.firstWordRange,
                        notes: ["one statement rewrites every row: dead tuples, WAL and replication lag grow with the table"],
                        help: batch == nil
                            ? "move the backfill to a job that runs after the migration in batches of a key range, each in its own transaction"
                            : "move the backfill to a job that runs after the migration in batches, each in its own transaction",
                        rewrite: batch.map { RewritePlan([.backfill(sql: $0, note: "in batches after the migration, each in its own transaction")]) })]
    }

    /// The first `keyword` outside parentheses: the statement's own clause, not a subquery's.
    func topLevelKeyword(_ keyword: String, _ context: RuleContext) -> Range<Int>? {
        var depth = 0
        for token in context.tokens where token.range.upperBound <= context.bodyEnd {
            if context.isPunctuation(token, "(") {
                depth += 1
            } else if context.isPunctuation(token, ")") {
                depth -= 1
            } else if depth == 0, token.keyword == keyword {
                return token.range
            }
        }
        return nil
    }

    /// A later statement of the file that needs the rows of `table` as this statement leaves
    /// them: a constraint or NOT NULL checked against them, a type change, a unique index,
    /// another write.
    func laterDependent(_ table: QualifiedName, _ context: RuleContext) -> StatementAnalysis? {
        context.laterStatements(naming: table).first { analysis in
            switch analysis.statement {
            case .alterTable(let alter)? where analysis.state.resolve(alter.relation) == table:
                return alter.actions.contains {
                    switch $0 {
                    case .addConstraint, .setNotNull, .alterColumnType, .validateConstraint, .addIdentity: return true
                    default: return false
                    }
                }
            case .createIndex(let index)?: return index.isUnique && analysis.state.resolve(index.relation) == table
            case .update(let other, _)?, .delete(let other, _)?: return analysis.state.resolve(other) == table
            default: return false
            }
        }
    }

    /// `WHERE col IS NULL` on a column this file added without a default: every existing row
    /// matches, so the UPDATE is a whole-table backfill.
    func onlyNewColumnIsNull(_ relation: QualifiedName, _ context: RuleContext) -> Bool {
        guard let whereKeyword = topLevelKeyword("WHERE", context) else { return false }
        let words = context.tokens[context.tokenIndex(at: whereKeyword.upperBound)...].filter { $0.range.upperBound <= context.bodyEnd }
        guard words.count == 3, words[1].keyword == "IS", words[2].keyword == "NULL" else { return false }
        let column = context.identifierName(words[0])
        let table = context.state.resolve(relation)
        return context.earlierStatements(naming: table).contains { item in
            guard case .alterTable(let alter)? = item.statement, item.state.resolve(alter.relation) == table else { return false }
            return alter.actions.contains {
                guard case .addColumn(let added, _) = $0, added.name == column else { return false }
                if let value = added.defaultValue, value != .null(location: value.location) { return false }
                return true
            }
        }
    }

    /// For `SET col = value`, the rows not yet updated: `col IS DISTINCT FROM value`.
    func pendingCondition(_ context: RuleContext) -> String {
        let unknown = "true /* a condition that skips rows already done */"
        guard let set = topLevelKeyword("SET", context) else { return unknown }
        let assignment = context.tokens[context.tokenIndex(at: set.upperBound)...].filter { $0.range.upperBound <= context.bodyEnd }
        // A function call may be volatile (gen_random_uuid()): IS DISTINCT FROM would never settle.
        guard !assignment.contains(where: { context.isPunctuation($0, "(") || context.isPunctuation($0, ",")
                                              || $0.keyword == "FROM" || $0.keyword == "RETURNING" }),
              let equals = assignment.firstIndex(where: { context.source.text($0.range) == "=" }),
              equals > assignment.startIndex, equals + 1 < assignment.endIndex else { return unknown }
        // Line breaks around the two sides stay as written.
        let column = context.source.text(set.upperBound..<assignment[equals].range.lowerBound).trimmingCharacters(in: .whitespaces)
        let value = context.source.text(assignment[equals].range.upperBound..<context.bodyEnd).trimmingCharacters(in: .whitespaces)
        return "\(column) IS DISTINCT FROM \(value)"
    }
}
