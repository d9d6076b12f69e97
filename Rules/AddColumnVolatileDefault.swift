import LockModel
import MigrationLint
import PostgresSyntax

/// ADD COLUMN with a default that PostgreSQL must compute for every existing row.
public struct AddColumnVolatileDefault: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "add-column-volatile-default",
        category: .rewrite,
        defaultSeverity: .error,
        summary: "ADD COLUMN with a volatile default (or any default before PostgreSQL 11) rewrites the whole table.",
        rationale: """
            Since PostgreSQL 11, ADD COLUMN with a non-volatile default (a constant, now(), CURRENT_TIMESTAMP) \
            stores the value once in the catalog and returns instantly. A volatile default (clock_timestamp(), \
            random(), gen_random_uuid(), nextval(), or a function MigrationLint does not know) must be computed \
            for every row, so PostgreSQL rewrites the table and all its indexes while holding ACCESS EXCLUSIVE: \
            no reads, no writes, for as long as the copy takes. Before PostgreSQL 11 every default rewrites.
            """,
        safeAlternative: """
            Add the column without a default, set the default for new rows, backfill existing rows in batches \
            outside the migration's transaction, then add NOT NULL through a NOT VALID check that is validated \
            separately.
            """,
        versionNotes: """
            PostgreSQL 11 added fast defaults for non-volatile expressions; before 11 every default rewrites. On \
            PostgreSQL 18 and later the rewrite's NOT NULL step adds the NOT NULL constraint NOT VALID and validates \
            it (release notes 18), syntax newer than the PostgreSQL \(GrammarVersion.text) grammar MigrationLint reads.
            """,
        badExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT ↓gen_random_uuid();"),
            RuleExample("ALTER TABLE events ADD COLUMN seen_at timestamptz DEFAULT ↓clock_timestamp();"),
            RuleExample("ALTER TABLE \"Accounts\" ADD COLUMN score int DEFAULT ↓(random() * 10)::int;"),
            RuleExample("ALTER TABLE app.orders ADD COLUMN status text DEFAULT ↓'new';", postgresVersion: 10),
            RuleExample("ALTER TABLE orders ADD COLUMN ref text DEFAULT ↓make_ref();"),
            RuleExample("ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT ↓uuidv7();", postgresVersion: 18),
            RuleExample(#"ALTER TABLE orders ADD COLUMN seen timestamptz DEFAULT ↓clock_timestamp() /* it's */;"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN token text NOT NULL DEFAULT ↓md5(random()::text || E'it\'s') /* the user's */;"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN ref text DEFAULT ↓(gen_random_uuid()::text || $$don't$$) -- don't\#n;"#),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();"),
            RuleExample("ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT CURRENT_TIMESTAMP;"),
            RuleExample("ALTER TABLE app.orders ADD COLUMN status text DEFAULT 'new';"),
            RuleExample("CREATE TABLE tokens (id bigint PRIMARY KEY);\nALTER TABLE tokens ADD COLUMN value uuid DEFAULT gen_random_uuid();"),
            RuleExample("ALTER TABLE users ADD COLUMN note text;"),
            // ADD COLUMN IF NOT EXISTS of a column that exists: PostgreSQL skips it with a notice.
            RuleExample("ALTER TABLE users ADD COLUMN IF NOT EXISTS token uuid DEFAULT gen_random_uuid();", after: "CREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table else { return [] }
        // A table created in this file is empty: its rewrite costs nothing.
        guard !context.isCreatedInFile(alter.relation) else { return [] }
        return alter.actions.compactMap { action -> Finding? in
            guard case .addColumn(let column, _) = action, !context.state.skips(action, on: alter.relation),
                  let value = column.defaultValue else { return nil }
            let change = LockModel.addColumnEffect(column, on: context.state.resolve(alter.relation), context.state)
            guard change.rewrites, !column.isSerial, !column.isIdentity, column.generatedExpression == nil else { return nil }
            let table = context.state.resolve(alter.relation)
            let reason = change.reason ?? "the default \(context.expressionText(value)) is computed for every row"
            let message = "ADD COLUMN \(column.name) rewrites \(table.qualified): \(reason)"
            var notes: [String] = []
            if let lock = context.lockSentence(on: alter.relation, while: "every row is copied") { notes.append(lock) }
            notes.append(contentsOf: change.assumptions.texts)
            return Finding(message: message, range: context.expressionRange(at: value.location), notes: notes,
                           help: "add the column without a default, then backfill in batches",
                           rewrite: plan(table: alter.relation, column: column, value: value, context: context))
        }
    }

    func plan(table: QualifiedName, column: ColumnDefinition, value: Expression, context: RuleContext) -> RewritePlan {
        let tableSQL = table.sql
        let name = quoteIdentifier(column.name)
        let type = column.type.map { context.source.text(context.expressionRange(at: $0.location)) } ?? "text"
        let valueSQL = context.expressionText(value)
        var steps: [RewritePlan.Step] = [
            .migration(sql: "\(SQLText.lockTimeout)\n-- nullable: backfilled in step 3\nALTER TABLE \(tableSQL) ADD COLUMN \(name) \(type);",
                       note: "add the column without a default (instant)"),
            .migration(sql: "\(SQLText.lockTimeout)\nALTER TABLE \(tableSQL) ALTER COLUMN \(name) SET DEFAULT \(valueSQL);",
                       note: "new rows get the default"),
        ]
        steps += SQLText.backfillThenNotNull(table: table, column: column.name, value: valueSQL, notNull: column.hasNotNull,
                                             postgresVersion: context.postgresVersion)
        return RewritePlan(steps)
    }
}
