import LockModel
import MigrationLint
import PostgresSyntax

/// ADD CONSTRAINT ... CHECK without NOT VALID on a table that already exists.
public struct AddCheckNotValid: Rule {
    public init() {}

    public let description = RuleDescription(
        id: "add-check-not-valid",
        category: .locking,
        defaultSeverity: .warning,
        summary: "ADD CHECK without NOT VALID scans the whole table under ACCESS EXCLUSIVE.",
        rationale: """
            Adding a CHECK constraint takes ACCESS EXCLUSIVE on the table and, unless it is NOT VALID, reads \
            every row to prove the condition before it commits. Nothing can read or write the table during that \
            scan.
            """,
        safeAlternative: """
            Add the constraint with NOT VALID (instant: only new and updated rows are checked), then run ALTER \
            TABLE ... VALIDATE CONSTRAINT in a separate transaction, which scans under SHARE UPDATE EXCLUSIVE \
            while reads and writes continue.
            """,
        versionNotes: "NOT VALID CHECK constraints exist since PostgreSQL 9.2. Since 12 a validated CHECK (col IS NOT NULL) also lets SET NOT NULL skip its scan.",
        badExamples: [
            RuleExample("ALTER TABLE orders ADD ↓CONSTRAINT orders_total_positive CHECK (total > 0);"),
            RuleExample("ALTER TABLE app.users ADD ↓CHECK (char_length(name) <= 100);"),
            RuleExample("ALTER TABLE \"Users\" ADD ↓CONSTRAINT \"Email_Present\" CHECK (email IS NOT NULL);", inTransaction: true),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;"),
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);"),
            RuleExample("CREATE TABLE app.users (id bigint PRIMARY KEY, name text NOT NULL CHECK (char_length(name) <= 100));"),
        ],
        fixExamples: [
            FixExample(RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);"),
                       "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.state.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .addConstraint(let constraint) = action, !constraint.isNotValid,
                  case .check = constraint.kind, context.effects.scans.contains(table) else { return nil }
            let name = constraint.name.map { " " + quoteIdentifier($0) } ?? ""
            return Finding(message: "CHECK\(name) without NOT VALID scans \(table.qualified) to check every row",
                           range: context.clauseRange(at: constraint.location),
                           notes: Locking.lockNotes(context, suffix: " while every row is checked"),
                           help: context.state.inTransactionBlock
                               ? "add NOT VALID here, and VALIDATE CONSTRAINT in a later migration (its own transaction)"
                               : "add NOT VALID, then VALIDATE CONSTRAINT in a separate statement",
                           rewrite: NotValidAdvice.plan(context, constraint, table: alter.relation, suffix: "check"),
                           fix: NotValidAdvice.fix(context, constraint, table: alter.relation))
        }
    }
}
