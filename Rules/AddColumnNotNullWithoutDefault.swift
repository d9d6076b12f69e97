import LockModel
import MigrationLint
import PostgresSyntax

/// ADD COLUMN ... NOT NULL with no default on a table that already exists.
public struct AddColumnNotNullWithoutDefault: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "add-column-not-null-without-default",
        category: .nullability,
        defaultSeverity: .error,
        summary: "ADD COLUMN ... NOT NULL without a default fails on a non-empty table and breaks inserts from the running release.",
        rationale: """
            PostgreSQL fills the new column with its default for every existing row; without a default that is \
            NULL, which NOT NULL rejects, so the statement fails with "column contains null values" as soon as the \
            table has one row. On an empty table it succeeds, and then every INSERT from the release still running \
            (which does not know the column) fails with a not-null violation until the new release is everywhere. \
            It is an error by default because there is no table state in which it is harmless, except a table \
            created in the same migration, where it is not reported.
            """,
        safeAlternative: """
            Give the column a non-volatile default (a constant, `now()`): PostgreSQL 11+ stores it once in the \
            catalog, existing rows and the old release's inserts get it, and nothing is rewritten. Drop the default \
            only after every running release writes the column. Without a sensible default: add the column \
            nullable, deploy code that writes it, backfill in batches, then add NOT NULL through a NOT VALID check.
            """,
        versionNotes: """
            Before PostgreSQL 11 a default on ADD COLUMN rewrites the whole table; there use the nullable, backfill, \
            check sequence. On PostgreSQL 18 and later that sequence ends with the NOT NULL constraint itself added \
            NOT VALID and validated (release notes 18, "Allow ALTER TABLE to set the NOT VALID attribute of NOT NULL \
            constraints"), syntax newer than the PostgreSQL \(GrammarVersion.text) grammar MigrationLint reads.
            """,
        badExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN ↓email text NOT NULL;"),
            RuleExample("ALTER TABLE app.\"Orders\" ADD COLUMN ↓\"Total\" bigint CONSTRAINT orders_total_nn NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓token uuid NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓code text NOT NULL DEFAULT NULL, ADD COLUMN ↓level int PRIMARY KEY;"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓active boolean NOT NULL;", postgresVersion: 10),
            RuleExample("ALTER TABLE users ADD COLUMN ↓token uuid NOT NULL;", postgresVersion: 18),
            RuleExample("ALTER TABLE orders ADD COLUMN ↓ref text NOT NULL UNIQUE;"),
            RuleExample("ALTER TABLE app.orders ADD COLUMN ↓coupon_id bigint NOT NULL CONSTRAINT orders_coupon_fk REFERENCES app.coupons (id) ON DELETE CASCADE CHECK (coupon_id > 0);"),
            RuleExample(#"ALTER TABLE users ADD COLUMN ↓email /* the user's address */ text NOT NULL -- don't\#n;"#),
            RuleExample(#"ALTER TABLE orders ADD COLUMN ↓note text NOT NULL CHECK (note <> E'it\'s') /* it's */, ADD COLUMN ↓code text NOT NULL CONSTRAINT orders_code_check CHECK (code <> $$don't$$) -- the user's code\#n;"#),
            RuleExample(#"ALTER TABLE orders ADD COLUMN ↓ref text NOT NULL DEFAULT NULL /* don't */ CHECK (ref <> $t$it's$t$)"#),
            RuleExample("ALTER TABLE orders ADD COLUMN ↓shop_id bigint NOT NULL, ADD CONSTRAINT orders_shop_id_fkey FOREIGN KEY (shop_id) REFERENCES shops (id);"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓confirmed_at timestamptz NOT NULL;"),
            RuleExample("ALTER TABLE \"HttpSource\" ADD COLUMN ↓\"projectId\" TEXT NOT NULL;\nCREATE UNIQUE INDEX \"HttpSource_projectId_key\" ON \"HttpSource\"(\"projectId\");"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';"),
            RuleExample("CREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY);\nALTER TABLE app.\"Orders\" ADD COLUMN \"Total\" bigint NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();"),
            RuleExample("ALTER TABLE users ADD COLUMN row_id bigserial NOT NULL;"),
            // ADD COLUMN IF NOT EXISTS of a column that exists: PostgreSQL skips it with a notice.
            RuleExample("ALTER TABLE users ADD COLUMN IF NOT EXISTS code text NOT NULL;", after: "CREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .addColumn(let column, _) = action, !context.state.skips(action, on: alter.relation), column.hasNotNull || column.isPrimaryKey,
                  !column.isIdentity, !column.isSerial, column.generatedExpression == nil else { return nil }
            if let value = column.defaultValue {
                guard case .null = value else { return nil }
            }
            var notes: [String] = []
            if let lock = context.lockSentence(on: alter.relation) { notes.append(lock) }
            notes.append("on an empty table it succeeds, and inserts from the running release then fail")
            return Finding(
                message: "ADD COLUMN \(table.qualified).\(column.name) NOT NULL without a default fails if the table has any row",
                range: context.columnRange(column), notes: notes,
                help: sharedDefault(context, column, table: alter.relation) == nil
                    ? "no one default fits every existing row of this column (a key, a reference, or a time of an event): add it nullable, backfill it, then make it NOT NULL as the rewrite shows"
                    : "add a non-volatile DEFAULT (a constant, now()), and drop it only after every running release writes the column",
                rewrite: plan(context, table: alter.relation, column: column))
        }
    }

    /// The default every existing row can share, if one fits: none for a key, a reference or a
    /// check (one value for all rows breaks them), nor for a time that is not when the row was written.
    func sharedDefault(_ context: RuleContext, _ column: ColumnDefinition, table: QualifiedName) -> String? {
        guard context.postgresVersion >= 11, column.defaultValue == nil, !column.rejectsSharedDefault(context, table: table) else { return nil }
        return EmptyValue.sql(for: column.type, column: column.name)
    }

    func plan(_ context: RuleContext, table: QualifiedName, column: ColumnDefinition) -> RewritePlan {
        let tableSQL = table.sql
        let name = quoteIdentifier(column.name)
        let type = column.type?.sql ?? "text"
        let qualified = "\(context.state.resolve(table).qualified).\(column.name)"
        if let value = sharedDefault(context, column, table: table) {
            let clause = context.source.text(context.columnRange(column))
            return RewritePlan([
                .migration(sql: "\(SQLText.lockTimeout)\nALTER TABLE \(tableSQL) ADD COLUMN \(clause) DEFAULT \(value);",
                           note: "existing rows and the running release's inserts get the default; stored once, no rewrite"),
                .deploy("deploy the release that writes \(qualified) on every insert, everywhere"),
                .migration(sql: "\(SQLText.lockTimeout)\n-- migration-lint-ignore: drop-default every running release writes the column since step 2\nALTER TABLE \(tableSQL) ALTER COLUMN \(name) DROP DEFAULT;",
                           note: "optional: only if new rows must always name a value"),
            ])
        }
        let check = quoteIdentifier(SQLText.constraintName(table.name, column.name, "not_null"))
        var steps: [RewritePlan.Step] = [
            .migration(sql: "\(SQLText.lockTimeout)\n-- nullable: until the backfill in step 3; NOT NULL in step 4\nALTER TABLE \(tableSQL) ADD COLUMN \(name) \(type);",
                       note: "add the column nullable (instant)"),
            .deploy("deploy the release that writes \(qualified) on every insert and update, everywhere"),
            .deploy("backfill \(qualified) for existing rows in batches (UPDATE ... WHERE \(name) IS NULL, 10000 rows per transaction), outside any migration transaction"),
            context.postgresVersion >= 18
                // PostgreSQL 18: the NOT NULL constraint itself, NOT VALID then validated (see SQLText.notNullSteps).
                ? .migrationNeeding(version: 18, sql: """
                    \(SQLText.lockTimeout)
                    \(SQLText.statementTimeout)
                    ALTER TABLE \(tableSQL) ADD CONSTRAINT \(check) NOT NULL \(name) NOT VALID;
                    ALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(check);
                    """, note: "run without a transaction: VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes continue), and the column is then NOT NULL")
                : .migration(sql: """
                    \(SQLText.lockTimeout)
                    \(SQLText.statementTimeout)
                    ALTER TABLE \(tableSQL) ADD CONSTRAINT \(check) CHECK (\(name) IS NOT NULL) NOT VALID;
                    ALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(check);
                    ALTER TABLE \(tableSQL) ALTER COLUMN \(name) SET NOT NULL;
                    ALTER TABLE \(tableSQL) DROP CONSTRAINT \(check);
                    """, note: "run without a transaction: VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes continue), and the valid check lets SET NOT NULL skip its scan (PostgreSQL 12+)"),
        ]
        // The column's own constraints, each added the way that does not block: NOT VALID and
        // validated separately, or through an index built CONCURRENTLY.
        for (constraint, text) in context.constraintTexts(column) {
            switch constraint.kind {
            case .check, .foreignKey:
                let isCheck: Bool
                if case .check = constraint.kind { isCheck = true } else { isCheck = false }
                let constraintName = quoteIdentifier(constraint.name ?? SQLText.constraintName(table.name, column.name, isCheck ? "check" : "fkey"))
                let definition = isCheck ? text : "FOREIGN KEY (\(name)) \(text)"
                steps.append(.migration(sql: """
                    \(SQLText.lockTimeout)
                    \(SQLText.statementTimeout)
                    ALTER TABLE \(tableSQL) ADD CONSTRAINT \(constraintName) \(definition) NOT VALID;
                    ALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(constraintName);
                    """, note: "run without a transaction: the constraint holds for new rows at once, and VALIDATE checks the old ones while reads and writes continue"))
            case .unique, .primaryKey:
                let isKey = constraint.kind == .primaryKey
                let constraintName = quoteIdentifier(constraint.name ?? (isKey ? SQLText.constraintName(table.name, "pkey")
                                                                              : SQLText.constraintName(table.name, column.name, "key")))
                steps += [
                    .migration(sql: "\(SQLText.statementTimeout)\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \(constraintName) ON \(tableSQL) (\(name));",
                               note: "build the index without blocking writes, in a migration without a transaction"),
                    .migration(sql: "\(SQLText.lockTimeout)\n\(SQLText.statementTimeout)\nALTER TABLE \(tableSQL) ADD CONSTRAINT \(constraintName) \(isKey ? "PRIMARY KEY" : "UNIQUE") USING INDEX \(constraintName);",
                               note: "the index becomes the constraint; the column is already NOT NULL, so this is brief"),
                ]
            default:
                break
            }
        }
        // Constraints of the same ALTER on the column (`ADD CONSTRAINT ... FOREIGN KEY (col)`):
        // kept, added the same way.
        if case .alterTable(let alter) = context.statement {
            for case .addConstraint(let constraint) in alter.actions where constraint.columns.contains(column.name) {
                let clause = context.clauseText(at: constraint.location)
                switch constraint.kind {
                case .foreignKey:
                    let (constraintName, named) = NotValidAdvice.namedClause(context, constraint, table: table, suffix: "fkey")
                    steps.append(.migration(sql: """
                        \(SQLText.lockTimeout)
                        \(SQLText.statementTimeout)
                        ALTER TABLE \(tableSQL) ADD \(named) NOT VALID;
                        ALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(constraintName);
                        """, note: "run without a transaction: the constraint holds for new rows at once, and VALIDATE checks the old ones while reads and writes continue"))
                case .unique, .primaryKey:
                    steps.append(.migration(sql: "\(SQLText.lockTimeout)\n\(SQLText.statementTimeout)\nALTER TABLE \(tableSQL) ADD \(clause);",
                                            note: "the \(constraint.kind == .primaryKey ? "primary key" : "unique constraint") of the original statement, once every row has its value (add-unique-constraint shows how to build its index first)"))
                default:
                    break
                }
            }
        }
        return RewritePlan(steps)
    }
}
