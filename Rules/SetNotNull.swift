import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER COLUMN ... SET NOT NULL that scans the table under ACCESS EXCLUSIVE.
public struct SetNotNull: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "set-not-null",
        category: .locking,
        defaultSeverity: .warning,
        summary: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists.",
        rationale: """
            SET NOT NULL takes ACCESS EXCLUSIVE and reads every row to prove the column has no NULL: no reads or \
            writes on the table for the whole scan. Since PostgreSQL 12 the scan is skipped when a valid CHECK \
            (col IS NOT NULL) constraint already proves it; a NOT VALID one does not count. MigrationLint knows \
            such a check when it is added or validated earlier in the same file, or when the file drops a \
            constraint named after the column right after SET NOT NULL (the usual last step of the safe pattern, \
            whose validation ran in an earlier migration).
            """,
        safeAlternative: """
            Add CHECK (col IS NOT NULL) NOT VALID (brief lock, no scan), VALIDATE it in a separate transaction \
            (scan under SHARE UPDATE EXCLUSIVE, traffic continues), then SET NOT NULL, which now skips its scan, \
            and drop the check. On PostgreSQL 18 and later add the NOT NULL constraint itself NOT VALID and \
            VALIDATE it: no SET NOT NULL, no check to drop.
            """,
        versionNotes: """
            PostgreSQL 12 made SET NOT NULL use a valid CHECK constraint; before 12 it always scans, so keep the \
            validated CHECK instead. PostgreSQL 18 can add the NOT NULL constraint itself as NOT VALID and validate \
            it under SHARE UPDATE EXCLUSIVE (release notes 18, "Allow ALTER TABLE to set the NOT VALID attribute of \
            NOT NULL constraints"; alter_table.sgml, ADD table_constraint and VALIDATE CONSTRAINT): on 18 and later \
            the advice is ADD CONSTRAINT ... NOT NULL col NOT VALID, then VALIDATE CONSTRAINT, with no CHECK to drop. \
            That ADD is newer than the PostgreSQL \(GrammarVersion.text) grammar MigrationLint reads: in a file it is reported as \
            syntax-error (a warning when the target is 18 or later), and a SET NOT NULL after it is not known to \
            validate an existing constraint.
            """,
        badExamples: [
            RuleExample("ALTER TABLE users ALTER COLUMN email ↓SET NOT NULL;"),
            RuleExample("ALTER TABLE app.orders ALTER COLUMN total ↓SET NOT NULL, ALTER COLUMN status ↓SET NOT NULL;"),
            RuleExample("ALTER TABLE \"Users\" ALTER COLUMN \"Email\" ↓SET NOT NULL;", inTransaction: true),
            RuleExample("ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL);\nALTER TABLE users ALTER COLUMN email ↓SET NOT NULL;",
                        postgresVersion: 11),
            RuleExample("ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email ↓SET NOT NULL;"),
            RuleExample(#"ALTER TABLE orders ALTER COLUMN note ↓SET NOT NULL /* it's */ -- don't"#),
            RuleExample("ALTER TABLE users ALTER COLUMN email ↓SET NOT NULL;", postgresVersion: 18),
            RuleExample(#"ALTER TABLE users ALTER COLUMN email /* it's */ ↓SET NOT NULL, ALTER COLUMN note SET DEFAULT E'it\'s';"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN note SET DEFAULT $$don't$$, ALTER COLUMN email ↓SET NOT NULL -- don't\#n;"#),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            RuleExample("CREATE TABLE app.orders (id bigint PRIMARY KEY, total numeric);\nALTER TABLE app.orders ALTER COLUMN total SET NOT NULL;"),
            RuleExample("ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;"),
            RuleExample("ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"),
            // NOT NULL already: nothing to read (`redundant-set-not-null` reports the lock).
            RuleExample("ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        let modern = context.postgresVersion >= 12
        return Locking.matchingActions(alter) {
            if case .setNotNull = $0 { return true } else { return false }
        }.compactMap { occurrence, action -> Finding? in
            guard case .setNotNull(let column) = action else { return nil }
            // Whether the table is read, as the lock model says: not when the column is NOT NULL
            // already (`redundant-set-not-null` says so) nor, from PostgreSQL 12, when a valid
            // CHECK (col IS NOT NULL) the state knows proves it.
            guard LockModel.effects(ofSubcommand: action, of: alter, in: context.state).scans.contains(table),
                  !(modern && provenByFile(table: table, column: column, context)) else { return nil }
            let range = context.keywordClause(["SET", "NOT", "NULL"], occurrence: occurrence) ?? context.firstWordRange
            var notes = context.lockNotes(while: "every row is read")
            if !modern { notes.append("before PostgreSQL 12 SET NOT NULL always scans, even with a valid CHECK constraint") }
            let help = context.postgresVersion >= 18
                ? "add the NOT NULL constraint NOT VALID (PostgreSQL 18), then validate it separately"
                : modern ? "add CHECK (\(quoteIdentifier(column)) IS NOT NULL) NOT VALID, validate it separately, then SET NOT NULL"
                         : "keep a validated CHECK (\(quoteIdentifier(column)) IS NOT NULL) instead of NOT NULL until PostgreSQL 12"
            return Finding(message: "SET NOT NULL on \(quoteIdentifier(column)) scans \(table.qualified) to prove no row is NULL",
                           range: range, notes: notes, help: help,
                           rewrite: plan(table: alter.relation, column: column, postgresVersion: context.postgresVersion))
        }
    }

    /// An earlier VALIDATE, or a later DROP CONSTRAINT, on the same table of a constraint named
    /// after the column: the file shows the safe pattern whose check the state cannot see.
    func provenByFile(table: QualifiedName, column: String, _ context: RuleContext) -> Bool {
        func names(_ item: StatementAnalysis, _ pick: (AlterTableAction) -> String?) -> [String] {
            guard case .alterTable(let other)? = item.statement, item.state.resolve(other.relation) == table else { return [] }
            return other.actions.compactMap(pick)
        }
        let key = column.lowercased()
        let validated = context.earlierStatements(naming: table).flatMap { item in
            names(item) { if case .validateConstraint(let name) = $0 { return name } else { return nil } }
        }
        let dropped = context.laterStatements(naming: table).flatMap { item in
            names(item) { if case .dropConstraint(let name, _, _) = $0 { return name } else { return nil } }
        }
        return (validated + dropped).contains { $0.lowercased().contains(key) }
    }

    func plan(table: QualifiedName, column: String, postgresVersion: Int) -> RewritePlan {
        if postgresVersion >= 18 { return RewritePlan(SQLText.notNullSteps(table: table, column: column, postgresVersion: postgresVersion)) }
        let tableSQL = table.sql
        let name = quoteIdentifier(column)
        let check = quoteIdentifier(SQLText.constraintName(table.name, column, "not_null"))
        var steps: [RewritePlan.Step] = [
            .migration(sql: SQLText.withLockTimeout("ALTER TABLE \(tableSQL) ADD CONSTRAINT \(check) CHECK (\(name) IS NOT NULL) NOT VALID;"),
                       note: "new and updated rows are checked from now on; no scan"),
            .migration(sql: SQLText.withStatementTimeout("ALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(check);"),
                       note: "scan under SHARE UPDATE EXCLUSIVE: reads and writes continue"),
        ]
        if postgresVersion >= 12 {
            steps.append(.migration(sql: SQLText.withLockTimeout("ALTER TABLE \(tableSQL) ALTER COLUMN \(name) SET NOT NULL;\nALTER TABLE \(tableSQL) DROP CONSTRAINT \(check);"),
                                    note: "the valid check lets SET NOT NULL skip its scan; the check is then redundant"))
        } else {
            steps.append(.deploy("before PostgreSQL 12 keep \(check) as the NOT NULL guarantee; SET NOT NULL after upgrading"))
        }
        return RewritePlan(steps)
    }
}
