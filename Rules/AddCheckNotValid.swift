import LockModel
import MigrationLint
import PostgresSyntax

/// ADD CONSTRAINT ... CHECK without NOT VALID on a table that already exists.
public struct AddCheckNotValid: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
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
            RuleExample("ALTER TABLE workers ADD COLUMN active_tasks integer DEFAULT 0 ↓CHECK (active_tasks >= 0);"),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_chk CHECK (note <> 'it''s') /* don't */;"#),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_amt CHECK (amount > 0 AND note <> E'it\'s');"#),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_note CHECK (note <> $$it's$$), ADD ↓CONSTRAINT o_code CHECK (code <> $t$don't$t$);"#),
            RuleExample(#"ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT E'it\'s' ↓CHECK (note <> $$don't$$) /* it's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE orders_copy AS SELECT * FROM orders WITH NO DATA;\nALTER TABLE orders_copy ADD CONSTRAINT orders_copy_total_positive CHECK (total > 0);"),
            RuleExample("SELECT id, total INTO orders_copy FROM orders;\nALTER TABLE orders_copy ADD CONSTRAINT orders_copy_total_positive CHECK (total > 0);"),
            RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;"),
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);"),
            RuleExample("CREATE TABLE app.users (id bigint PRIMARY KEY, name text NOT NULL CHECK (char_length(name) <= 100));"),
            RuleExample("CREATE TABLE workers (id bigint PRIMARY KEY);\nALTER TABLE workers ADD COLUMN active_tasks integer DEFAULT 0 CHECK (active_tasks >= 0);"),
            RuleExample("BEGIN;\nALTER TABLE orders RENAME COLUMN total TO amount;\nALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);\nCOMMIT;"),
            // ADD COLUMN IF NOT EXISTS of a column that exists: PostgreSQL skips it with a notice.
            RuleExample("ALTER TABLE users ADD COLUMN IF NOT EXISTS code text CHECK (code <> '');", after: "CREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);"),
        ],
        fixExamples: [
            FixExample(RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);"),
                       "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;"),
            FixExample(RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_chk CHECK (note <> 'it''s') /* don't */;"#),
                       #"ALTER TABLE orders ADD CONSTRAINT o_chk CHECK (note <> 'it''s') NOT VALID /* don't */;\#nALTER TABLE orders VALIDATE CONSTRAINT o_chk;"#),
            FixExample(RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_amt CHECK (amount > 0 AND note <> E'it\'s');"#),
                       #"ALTER TABLE orders ADD CONSTRAINT o_amt CHECK (amount > 0 AND note <> E'it\'s') NOT VALID;\#nALTER TABLE orders VALIDATE CONSTRAINT o_amt;"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation),
              // Already locked ACCESS EXCLUSIVE by this transaction: NOT VALID cannot help here.
              Locking.accessExclusiveHolder(of: alter.relation, context) == nil else { return [] }
        let table = context.state.resolve(alter.relation)
        guard context.effects.scans.contains(table) else { return [] }
        var findings: [Finding] = []
        for action in alter.actions {
            switch action {
            case .addConstraint(let constraint):
                guard !constraint.isNotValid, case .check = constraint.kind else { continue }
                let name = constraint.name.map { " " + quoteIdentifier($0) } ?? ""
                findings.append(Finding(message: "CHECK\(name) without NOT VALID scans \(table.qualified) to check every row",
                                        range: context.clauseRange(at: constraint.location),
                                        notes: context.lockNotes(while: "every row is checked"),
                                        help: context.state.inTransactionBlock
                                            ? "add NOT VALID here, and VALIDATE CONSTRAINT in a later migration (its own transaction)"
                                            : "add NOT VALID, then VALIDATE CONSTRAINT in a separate statement",
                                        rewrite: NotValidAdvice.plan(context, constraint, table: alter.relation, suffix: "check"),
                                        fix: NotValidAdvice.fix(context, constraint, table: alter.relation)))
            case .addColumn(let column, _) where !context.state.skips(action, on: alter.relation):
                // A column-level CHECK has no NOT VALID form: split it into a table constraint.
                for constraint in column.constraints {
                    guard case .check = constraint.kind, let start = constraint.location,
                          let group = context.balancedGroup(from: start) else { continue }
                    let range = start..<group.upperBound
                    findings.append(Finding(message: "CHECK on new column \(quoteIdentifier(column.name)) scans \(table.qualified) to check every row",
                                            range: range,
                                            notes: context.lockNotes(while: "every row is checked"),
                                            help: "add the column without the CHECK, then add the CHECK as a NOT VALID table constraint and validate it separately",
                                            rewrite: columnPlan(context, table: alter.relation, column: column, check: range)))
                }
            default:
                continue
            }
        }
        return findings
    }

    func columnPlan(_ context: RuleContext, table: QualifiedName, column: ColumnDefinition, check: Range<Int>) -> RewritePlan? {
        guard let start = column.location, let condition = context.parenthesizedText(from: check.lowerBound) else { return nil }
        let clauseEnd = context.clauseRange(at: start).upperBound
        guard check.upperBound <= clauseEnd else { return nil }
        // The column as written, without its CHECK clause.
        let definition = context.compactText(start..<clauseEnd, omitting: check)
        let justification = column.hasNotNull ? "" : "-- nullable: as in the original statement\n"
        let name = quoteIdentifier(SQLText.constraintName(table.name, column.name, "check"))
        return RewritePlan([
            .migration(sql: SQLText.withLockTimeout("\(justification)ALTER TABLE \(table.sql) ADD COLUMN IF NOT EXISTS \(definition);\nALTER TABLE \(table.sql) ADD CONSTRAINT \(name) CHECK (\(condition)) NOT VALID;"),
                       note: "the column, and its check for new and updated rows only: no scan"),
            .migration(sql: SQLText.withStatementTimeout("ALTER TABLE \(table.sql) VALIDATE CONSTRAINT \(name);"),
                       note: "in its own transaction: scans under SHARE UPDATE EXCLUSIVE, reads and writes continue"),
        ])
    }
}
