import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER COLUMN ... DROP NOT NULL on a column the running release reads.
public struct DropNotNull: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-not-null",
        category: .compatibility,
        defaultSeverity: .info,
        summary: "DROP NOT NULL lets NULL reach code of the running release that assumes the column always has a value.",
        rationale: """
            DROP NOT NULL is instant (ACCESS EXCLUSIVE, briefly, no scan), and the running release keeps working \
            until a NULL is actually written; then every reader that assumed a value (a non-optional field in a \
            model, arithmetic, string functions) may fail. It is also the usual first step of removing a column, \
            where it is exactly right. So it is reported as info by default: a reminder to deploy readers that \
            handle NULL before any writer stores one. Columns added earlier in the same migration are not reported.
            """,
        safeAlternative: """
            Deploy code that handles NULL in the column first, then drop NOT NULL, then deploy code that writes NULL.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER TABLE users ↓ALTER COLUMN email DROP NOT NULL;"),
            RuleExample("ALTER TABLE app.\"Orders\" ↓ALTER \"Total\" DROP NOT NULL;"),
            RuleExample("ALTER TABLE users ALTER COLUMN name SET DEFAULT '', ↓ALTER COLUMN name DROP NOT NULL;"),
            RuleExample(#"ALTER TABLE users ↓ALTER COLUMN email /* it's */ DROP NOT NULL, ALTER COLUMN note SET DEFAULT E'it\'s' -- don't\#n;"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN name SET DEFAULT $$don't$$, ↓ALTER COLUMN name DROP NOT NULL /* the user's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN code text NOT NULL DEFAULT '';\nALTER TABLE users ALTER COLUMN code DROP NOT NULL;"),
            RuleExample("ALTER TABLE app.\"Orders\" ALTER COLUMN \"Total\" SET NOT NULL;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .dropNotNull(let column) = action,
                  !Compatibility.columnIsNew(context, table: alter.relation, column: column) else { return nil }
            let plan = RewritePlan([
                .deploy("deploy code that handles NULL in \(table.qualified).\(column) everywhere it is read"),
                .migration(sql: "\(SQLText.lockTimeout)\nALTER TABLE \(alter.relation.sql) ALTER COLUMN \(quoteIdentifier(column)) DROP NOT NULL;",
                           note: "instant, under a short lock timeout"),
                .deploy("deploy code that may write NULL"),
            ])
            return Finding(
                message: "dropping NOT NULL on \(table.qualified).\(column): readers in the running release may not expect NULL",
                range: context.subcommandRange(leading: "ALTER", name: column, containing: ["DROP", "NOT"]),
                notes: context.lockNotes(on: alter.relation, concerning: .locksOnly),
                help: "deploy readers that handle NULL before any code writes it",
                rewrite: plan)
        }
    }
}
