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
        guard !context.state.isCreatedInFile(relation), everyRow, !CatalogWrite.isCatalog(relation, context) else { return [] }
        let batch: String
        if verb == "DELETE" {
            batch = "DELETE FROM \(relation.sql)\n  WHERE ctid IN (SELECT ctid FROM \(relation.sql) LIMIT 10000);\n-- repeat until no row is deleted"
        } else if let whereKeyword = context.nextKeyword("WHERE") {
            // The statement's own condition selects the rows still to do.
            let condition = context.source.text(whereKeyword.upperBound..<max(whereKeyword.upperBound, context.bodyEnd))
            let head = context.source.text(context.statementRange.lowerBound..<whereKeyword.lowerBound)
            batch = "\(head)WHERE ctid IN (SELECT ctid FROM \(relation.sql) WHERE\(condition) LIMIT 10000);\n-- repeat until no row is updated"
        } else {
            batch = "\(context.source.text(context.statementRange.lowerBound..<context.bodyEnd))\n  WHERE ctid IN (SELECT ctid FROM \(relation.sql) WHERE \(pendingCondition(context)) LIMIT 10000);\n-- repeat until no row is updated"
        }
        return [Finding(message: "\(verb) of every row of \(table.qualified) in a migration: every row stays locked until commit",
                        range: context.firstWordRange,
                        notes: ["one statement rewrites every row: dead tuples, WAL and replication lag grow with the table"],
                        help: "move the backfill to a job that runs after the migration in batches, each in its own transaction",
                        rewrite: RewritePlan([.backfill(sql: batch, note: "in batches after the migration, each in its own transaction")]))]
    }

    /// `WHERE col IS NULL` on a column this file added without a default: every existing row
    /// matches, so the UPDATE is a whole-table backfill.
    func onlyNewColumnIsNull(_ relation: QualifiedName, _ context: RuleContext) -> Bool {
        guard let whereKeyword = context.nextKeyword("WHERE") else { return false }
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
        guard let set = context.nextKeyword("SET") else { return unknown }
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
