import LockModel
import MigrationLint
import PostgresSyntax

/// ADD UNIQUE / PRIMARY KEY / EXCLUDE that builds its index under ACCESS EXCLUSIVE.
public struct AddUniqueConstraint: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "add-unique-constraint",
        category: .locking,
        defaultSeverity: .warning,
        summary: "ADD UNIQUE, PRIMARY KEY or EXCLUDE builds an index while holding ACCESS EXCLUSIVE on the table.",
        rationale: """
            A UNIQUE, PRIMARY KEY or EXCLUDE constraint needs an index. Added to an existing table, PostgreSQL \
            builds that index while holding ACCESS EXCLUSIVE: no reads and no writes until every row has been \
            read and sorted. A PRIMARY KEY also checks that its columns hold no NULL.
            """,
        safeAlternative: """
            Build the unique index first with CREATE UNIQUE INDEX CONCURRENTLY (writes continue), then attach it \
            with ADD CONSTRAINT ... UNIQUE USING INDEX or PRIMARY KEY USING INDEX, which only takes a brief lock. \
            For a PRIMARY KEY, make the columns NOT NULL first (through a validated CHECK) so the attach does not \
            scan. EXCLUDE constraints have no USING INDEX form.
            """,
        versionNotes: "USING INDEX exists since PostgreSQL 9.1.",
        badExamples: [
            RuleExample("ALTER TABLE users ADD ↓CONSTRAINT users_email_key UNIQUE (email);"),
            RuleExample("ALTER TABLE app.accounts ADD ↓PRIMARY KEY (id);"),
            RuleExample("ALTER TABLE \"Bookings\" ADD ↓CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);"),
            RuleExample("ALTER TABLE users ADD COLUMN handle text ↓UNIQUE;"),
            RuleExample("ALTER TABLE builds ADD COLUMN resource_id bigint ↓CONSTRAINT builds_resource_id_key UNIQUE REFERENCES resources (id) ON DELETE CASCADE;"),
            RuleExample(#"ALTER TABLE orders ADD COLUMN code text NOT NULL DEFAULT E'it\'s' /* don't */ ↓UNIQUE;"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN note SET DEFAULT $$don't$$, ADD ↓CONSTRAINT users_email_key UNIQUE (email) /* it's */;"#),
            RuleExample("ALTER TABLE registries ADD COLUMN registry_uuid uuid NOT NULL DEFAULT gen_random_uuid() ↓UNIQUE;"),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE users_copy AS SELECT id, email FROM users;\nALTER TABLE users_copy ADD CONSTRAINT users_copy_email_key UNIQUE (email);"),
            RuleExample("SELECT * INTO TABLE app.accounts_next FROM app.accounts;\nALTER TABLE app.accounts_next ADD PRIMARY KEY (id);"),
            RuleExample("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;"),
            RuleExample("CREATE TABLE app.accounts (id bigint NOT NULL);\nALTER TABLE app.accounts ADD PRIMARY KEY (id);"),
            RuleExample("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);"),
            RuleExample("ALTER TABLE \"Users\" ADD CONSTRAINT \"Users_pkey\" PRIMARY KEY USING INDEX \"Users_id_idx\";"),
            // ADD COLUMN IF NOT EXISTS of a column that exists: PostgreSQL skips it with a notice.
            RuleExample("ALTER TABLE users ADD COLUMN IF NOT EXISTS email text UNIQUE;", after: "CREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        var findings: [Finding] = []
        for action in alter.actions {
            switch action {
            case .addConstraint(let constraint):
                if let finding = finding(context, table: table, written: alter.relation, constraint: constraint, column: nil) {
                    findings.append(finding)
                }
            case .addColumn(let column, _) where !context.state.skips(action, on: alter.relation):
                for constraint in column.constraints {
                    if let finding = finding(context, table: table, written: alter.relation, constraint: constraint, column: column) {
                        findings.append(finding)
                    }
                }
            default:
                break
            }
        }
        return findings
    }

    func finding(_ context: RuleContext, table: QualifiedName, written: QualifiedName, constraint: Constraint, column: ColumnDefinition?) -> Finding? {
        let kind: String
        switch constraint.kind {
        case .unique: kind = "UNIQUE"
        case .primaryKey: kind = "PRIMARY KEY"
        case .exclusion: kind = "EXCLUDE"
        default: return nil
        }
        guard constraint.usingIndex == nil else { return nil }
        let name = constraint.name.map { " " + quoteIdentifier($0) } ?? ""
        let notes = context.lockNotes(while: "the index is built", withAssumptions: true)
        // A new column whose default rewrites the table (gen_random_uuid()): the column cannot be
        // added "instantly" first; add-column-volatile-default's plan comes before this one.
        let rewritten = column != nil && context.effects.rewrites.contains(table)
        let plan = constraint.kind == .exclusion || rewritten ? nil : self.plan(context, table: written, constraint: constraint, column: column)
        let range = column == nil ? context.clauseRange(at: constraint.location)
            : context.columnConstraintHead(constraint) ?? context.clauseRange(at: constraint.location)
        return Finding(message: "\(kind)\(name) builds its index on \(table.qualified) while reads and writes wait",
                       range: range, notes: notes,
                       help: constraint.kind == .exclusion
                           ? "EXCLUDE has no online form: add it in a maintenance window, or enforce the rule in the application"
                           : rewritten
                           ? "add the column as add-column-volatile-default shows, then build the index with CREATE UNIQUE INDEX CONCURRENTLY and add the constraint USING INDEX"
                           : "build the index with CREATE UNIQUE INDEX CONCURRENTLY, then add the constraint USING INDEX",
                       rewrite: plan)
    }

    func plan(_ context: RuleContext, table: QualifiedName, constraint: Constraint, column: ColumnDefinition?) -> RewritePlan {
        let columns = column.map { [$0.name] } ?? constraint.columns
        let isPrimary = constraint.kind == .primaryKey
        let indexName = constraint.name ?? Locking.defaultConstraintName(table: table.name, columns: isPrimary ? [] : columns,
                                                                         suffix: isPrimary ? "pkey" : "key")
        let index = quoteIdentifier(indexName)
        let columnList = columns.map(quoteIdentifier).joined(separator: ", ")
        var steps: [RewritePlan.Step] = []
        if let column {
            // The column as written, without the constraint that builds the index.
            var definition = context.clauseText(at: column.location)
            if let head = context.columnConstraintHead(constraint), let start = column.location, head.lowerBound >= start {
                definition = context.compactText(start..<context.clauseRange(at: start).upperBound, omitting: head)
            }
            let justification = column.hasNotNull ? "" : "-- nullable: existing rows have no value yet\n"
            steps.append(.migration(sql: SQLText.withLockTimeout("\(justification)ALTER TABLE \(table.sql) ADD COLUMN IF NOT EXISTS \(definition);"),
                                    note: "the column without its constraint (instant)"))
        }
        steps += [
            .migration(sql: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \(index) ON \(table.sql) (\(columnList));",
                       note: "in a migration without a transaction; writes continue while it builds"),
            .migration(sql: SQLText.withLockTimeout("ALTER TABLE \(table.sql) ADD CONSTRAINT \(index) \(isPrimary ? "PRIMARY KEY" : "UNIQUE") USING INDEX \(index);"),
                       note: isPrimary ? "brief lock; the columns must already be NOT NULL or this scans" : "brief lock: the index already exists"),
        ]
        return RewritePlan(steps)
    }
}
