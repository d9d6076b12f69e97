import Foundation
import LockModel
import MigrationLint
import PostgresSyntax

/// UPDATE or DELETE of every row of an existing table inside a schema migration.
public struct BackfillInMigration: Rule {
    public init() {}

    public let description = RuleDescription(
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
        ],
        goodExamples: [
            RuleExample("UPDATE users SET active = true WHERE id = 1;"),
            RuleExample("CREATE TABLE app.settings (key text PRIMARY KEY, value text NOT NULL);\nINSERT INTO app.settings VALUES ('mode', 'on');\nUPDATE app.settings SET value = 'off';"),
            RuleExample("DELETE FROM app.sessions WHERE expires_at < now();"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let relation: QualifiedName
        let verb: String
        switch context.statement {
        case .update(let table, false): relation = table; verb = "UPDATE"
        case .delete(let table, false): relation = table; verb = "DELETE"
        default: return []
        }
        let table = context.state.resolve(relation)
        guard !context.state.isCreatedInFile(relation), context.effects.scans.contains(table) else { return [] }
        let batch = verb == "UPDATE"
            ? "\(Locking.statementSQL(context).dropLast())\n  WHERE ctid IN (SELECT ctid FROM \(relation.sql) WHERE \(pendingCondition(context)) LIMIT 10000);\n-- repeat until no row is updated"
            : "DELETE FROM \(relation.sql)\n  WHERE ctid IN (SELECT ctid FROM \(relation.sql) LIMIT 10000);\n-- repeat until no row is deleted"
        return [Finding(message: "\(verb) of every row of \(table.qualified) in a migration: every row stays locked until commit",
                        range: context.statementStartRange,
                        notes: ["one statement rewrites every row: dead tuples, WAL and replication lag grow with the table"],
                        help: "move the backfill to a job that runs after the migration in batches, each in its own transaction",
                        rewrite: RewritePlan([.backfill(sql: batch, note: "in batches after the migration, each in its own transaction")]))]
    }

    /// For `SET col = value`, the rows not yet updated: `col IS DISTINCT FROM value`.
    func pendingCondition(_ context: RuleContext) -> String {
        guard let set = context.keywordRange("SET") else { return "true" }
        var assignment = context.source.text(set.upperBound..<context.statementRange.upperBound)
        while let last = assignment.last, last == ";" || last.isWhitespace { assignment.removeLast() }
        var depth = 0
        var quote: Character?
        var equals: String.Index?
        for index in assignment.indices {
            let character = assignment[index]
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "'", "\"": quote = character
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0: return "true /* a condition that skips rows already done */"
            case "=" where depth == 0 && equals == nil: equals = index
            default: break
            }
        }
        let upper = assignment.uppercased()
        guard let equals, !upper.contains(" FROM "), !upper.contains("RETURNING") else {
            return "true /* a condition that skips rows already done */"
        }
        let column = assignment[..<equals].trimmingCharacters(in: .whitespaces)
        let value = assignment[assignment.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        return "\(column) IS DISTINCT FROM \(value)"
    }
}
