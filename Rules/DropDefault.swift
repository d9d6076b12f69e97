import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER COLUMN ... DROP DEFAULT on a column the running release inserts without naming.
public struct DropDefault: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-default",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP DEFAULT breaks inserts of the running release that leave the column out.",
        rationale: """
            DROP DEFAULT is instant (ACCESS EXCLUSIVE, briefly), but from the commit on every INSERT that leaves \
            the column out stores NULL instead of the default, or fails when the column is NOT NULL. The release \
            still running was written against the default. Columns added earlier in the same migration (no \
            running code inserts them) a default replaced later in the same file, and a default dropped together with the column's NOT NULL \
            (the column becomes optional: an insert that leaves it out stores NULL, which is then allowed) are not reported. \
            A warning: the break is silent (NULL stored instead of the default) until a NOT NULL or a reader trips over it.
            """,
        safeAlternative: """
            Deploy code that sets the column on every insert first; then drop the default in a later migration. \
            To change the default, use SET DEFAULT directly: it replaces the old one in one step.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER TABLE users ↓ALTER COLUMN status DROP DEFAULT;"),
            RuleExample("ALTER TABLE app.\"Orders\" ↓ALTER \"State\" DROP DEFAULT;"),
            RuleExample("ALTER TABLE users ↓ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN note SET DEFAULT '';"),
            RuleExample(#"ALTER TABLE users ↓ALTER COLUMN status /* it's */ DROP DEFAULT, ALTER COLUMN note SET DEFAULT E'it\'s' -- don't\#n;"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN note SET DEFAULT $$don't$$, ↓ALTER COLUMN "user's" DROP DEFAULT /* the user's */"#),
            RuleExample("ALTER TABLE users ↓ALTER COLUMN status DROP DEFAULT, ALTER COLUMN note DROP NOT NULL;"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'new';\nALTER TABLE users ALTER COLUMN status DROP DEFAULT;"),
            RuleExample("CREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY, \"State\" text NOT NULL DEFAULT 'new');\nALTER TABLE app.\"Orders\" ALTER \"State\" DROP DEFAULT;"),
            RuleExample("ALTER TABLE users ALTER COLUMN status DROP DEFAULT;\nALTER TABLE users ALTER COLUMN status SET DEFAULT 'active';", inTransaction: true),
            RuleExample("ALTER TABLE \"WorkflowRun\" ALTER COLUMN \"startedAt\" DROP NOT NULL,\nALTER COLUMN \"startedAt\" DROP DEFAULT;"),
            RuleExample("ALTER TABLE resources ALTER COLUMN last_checked DROP DEFAULT;\nALTER TABLE resources ALTER COLUMN last_checked DROP NOT NULL;", inTransaction: true),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .dropDefault(let column) = action,
                  !Compatibility.columnIsNew(context, table: alter.relation, column: column),
                  !defaultSetAgain(context, alter, table: table, column: column),
                  !notNullDropped(context, alter, table: table, column: column) else { return nil }
            let sql = "ALTER TABLE \(alter.relation.sql) ALTER COLUMN \(quoteIdentifier(column)) DROP DEFAULT;"
            let plan = RewritePlan([
                .deploy("deploy code that sets \(table.qualified).\(column) on every insert, everywhere"),
                Compatibility.contractStep(sql, ruleID: description.id, reason: "every running release sets the column since step 1",
                                           note: "drop the default once no running release relies on it"),
            ])
            return Finding(
                message: "dropping the default of \(table.qualified).\(column) breaks inserts of the running release that leave it out",
                range: context.subcommandRange(leading: "ALTER", name: column, containing: ["DROP", "DEFAULT"]),
                notes: context.lockNotes(on: alter.relation, concerning: .locksOnly),
                help: "deploy code that always sets the column first; to change the default, use SET DEFAULT alone",
                rewrite: plan)
        }
    }

    /// The same statement, or another of the file, drops NOT NULL of the column: it becomes
    /// optional, and an insert that leaves it out stores NULL, which the new schema allows.
    func notNullDropped(_ context: RuleContext, _ alter: AlterTable, table: QualifiedName, column: String) -> Bool {
        func drops(_ actions: [AlterTableAction]) -> Bool {
            actions.contains { if case .dropNotNull(let name) = $0 { return name == column } else { return false } }
        }
        if drops(alter.actions) { return true }
        let dropsNotNull = { (analysis: StatementAnalysis) -> Bool in
            guard case .alterTable(let other)? = analysis.statement, analysis.state.resolve(other.relation) == table else { return false }
            return drops(other.actions)
        }
        return context.earlierStatements(naming: table).contains(where: dropsNotNull)
            || context.laterStatements(naming: table).contains(where: dropsNotNull)
    }

    /// A SET DEFAULT of the same column later in the statement or the file replaces the default.
    func defaultSetAgain(_ context: RuleContext, _ alter: AlterTable, table: QualifiedName, column: String) -> Bool {
        func sets(_ actions: [AlterTableAction]) -> Bool {
            actions.contains { if case .setDefault(let name, _) = $0 { return name == column } else { return false } }
        }
        if sets(alter.actions) { return true }
        return context.laterStatements(naming: table).contains { analysis in
            guard case .alterTable(let later)? = analysis.statement, analysis.state.resolve(later.relation) == table else { return false }
            return sets(later.actions)
        }
    }
}
