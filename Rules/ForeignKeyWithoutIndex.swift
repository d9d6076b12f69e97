import LockModel
import MigrationLint
import PostgresSyntax

/// A foreign key whose referencing columns lead no index: every DELETE or key UPDATE on the
/// referenced table reads the referencing table in full to find the rows that point at it.
public struct ForeignKeyWithoutIndex: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "foreign-key-without-index",
        category: .locking,
        defaultSeverity: .warning,
        summary: "A foreign key whose referencing columns are not the leading columns of an index.",
        rationale: """
            PostgreSQL indexes the referenced side of a foreign key (it must be unique) but not the \
            referencing side. Without an index there, every DELETE on the referenced table, and every UPDATE \
            of its key, reads the whole referencing table to check for rows that still point at it, holding \
            ROW SHARE on it and the row locks of the statement meanwhile; ON DELETE CASCADE does the same to \
            find the rows to delete. MigrationLint looks for an index (or primary-key or unique constraint) \
            whose leading columns are the foreign key's columns, in the history replayed before the file and \
            anywhere in the file; on a table whose CREATE TABLE it has not seen, it does not know the indexes \
            and says nothing.
            """,
        safeAlternative: """
            Create an index on the referencing columns: CREATE INDEX CONCURRENTLY on an existing table (in a \
            migration of its own, outside a transaction), a plain CREATE INDEX on a table the same migration \
            creates.
            """,
        badExamples: [
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL ↓REFERENCES users (id));"),
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint NOT NULL);\nALTER TABLE orders ADD ↓CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;"),
            RuleExample("CREATE TABLE line_items (order_id bigint, product_id bigint, PRIMARY KEY (product_id, order_id), ↓FOREIGN KEY (order_id) REFERENCES orders (id));"),
            RuleExample(#"CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL DEFAULT $$it's$$, tag text NOT NULL DEFAULT E'it\'s', /* the user's */ user_id bigint NOT NULL ↓REFERENCES users (id) -- don't\#n);"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);"),
            RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;"),
            RuleExample("CREATE TABLE line_items (order_id bigint, product_id bigint, PRIMARY KEY (order_id, product_id), FOREIGN KEY (order_id) REFERENCES orders (id));"),
            RuleExample("CREATE INDEX CONCURRENTLY orders_account_id_idx ON orders (account_id, created_at);\nALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;"),
            RuleExample("CREATE TABLE nodes (id bigint PRIMARY KEY REFERENCES items (id));"),
            // ADD COLUMN IF NOT EXISTS of a column that exists: PostgreSQL skips it with a notice.
            RuleExample("ALTER TABLE users ADD COLUMN IF NOT EXISTS account_id bigint REFERENCES accounts (id);", after: "CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);"),
            // CREATE TABLE IF NOT EXISTS of a table that exists: PostgreSQL skips it with a notice.
            RuleExample("CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));", after: "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let table: QualifiedName
        var keys: [(constraint: Constraint, columns: [String], location: Int?)] = []
        switch context.statement {
        // A CREATE TABLE IF NOT EXISTS that PostgreSQL skips adds no foreign key.
        case .createTable(let create) where !context.state.skips(create):
            table = create.relation
            for column in create.columns {
                for constraint in column.constraints where Self.isForeignKey(constraint) {
                    keys.append((constraint, [column.name], constraint.location ?? column.location))
                }
            }
            for constraint in create.constraints where Self.isForeignKey(constraint) {
                keys.append((constraint, constraint.columns, constraint.location))
            }
        case .alterTable(let alter) where alter.kind == .table:
            table = alter.relation
            for action in alter.actions {
                switch action {
                case .addConstraint(let constraint) where Self.isForeignKey(constraint):
                    keys.append((constraint, constraint.columns, constraint.location))
                case .addColumn(let column, _) where !context.state.skips(action, on: alter.relation):
                    for constraint in column.constraints where Self.isForeignKey(constraint) {
                        keys.append((constraint, [column.name], constraint.location ?? column.location))
                    }
                default:
                    break
                }
            }
        default:
            return []
        }
        let resolved = context.state.resolve(table)
        let isCreate: Bool
        if case .createTable = context.statement { isCreate = true } else { isCreate = false }
        // The indexes of a table are known only when its CREATE TABLE was seen, in the history
        // replayed before the file, a `schema:` dump, or the file itself.
        guard isCreate || context.state.schema.tables[resolved.qualified]?.wasCreated == true else { return [] }
        return keys.compactMap { key -> Finding? in
            guard !key.columns.isEmpty, !indexed(key.columns, table: resolved, context) else { return nil }
            let columns = key.columns.map(quoteIdentifier).joined(separator: ", ")
            let name = quoteIdentifier(SQLText.constraintName(([resolved.name] + key.columns + ["idx"]).joined(separator: "_")))
            // A table this migration creates (here or earlier in the file) is seen by no one yet:
            // a plain index in the same migration blocks nobody.
            let isNew = isCreate || context.isCreatedInFile(table)
            let index = isNew ? "CREATE INDEX \(name) ON \(table.sql) (\(columns));"
                              : "CREATE INDEX CONCURRENTLY \(name) ON \(table.sql) (\(columns));"
            guard case .foreignKey(let referenced, _) = key.constraint.kind else { return nil }
            return Finding(
                message: "no index on \(table.sql) (\(columns)): every DELETE on \(referenced.sql) reads \(table.sql) in full",
                range: context.clauseRange(at: key.location),
                notes: ["UPDATE of the referenced key, and ON DELETE CASCADE, read it in full too"],
                help: "index the referencing columns",
                rewrite: RewritePlan(isNew
                    ? [.migration(sql: context.statementSQL() + "\n" + index,
                                  note: isCreate ? "the table with an index on its foreign key"
                                                 : "the foreign key and its index, on the table this migration creates")]
                    : [.migration(sql: index, note: "in a migration of its own, outside a transaction; before or after the foreign key"),
                       .migration(sql: context.statementSQL(), note: "the statement as written")]))
        }
    }

    static func isForeignKey(_ constraint: Constraint) -> Bool {
        if case .foreignKey = constraint.kind { return true }
        return false
    }

    /// An index (or a primary-key or unique constraint) of the table whose leading columns are
    /// `columns` in any order: in the schema before this statement, or created later in the file.
    func indexed(_ columns: [String], table: QualifiedName, _ context: RuleContext) -> Bool {
        let wanted = Set(columns)
        func leads(_ key: [String?]) -> Bool {
            key.count >= wanted.count && Set(key.prefix(wanted.count).compactMap { $0 }) == wanted
        }
        // The statement's own primary key or unique constraints.
        var own: [[String?]] = []
        switch context.statement {
        case .createTable(let create):
            for constraint in create.constraints where [.primaryKey, .unique].contains(constraint.kind) { own.append(constraint.columns) }
            for column in create.columns where column.constraints.contains(where: { [.primaryKey, .unique].contains($0.kind) }) {
                own.append([column.name])
            }
        case .alterTable(let alter):
            for case .addConstraint(let constraint) in alter.actions where [.primaryKey, .unique].contains(constraint.kind) {
                own.append(constraint.columns)
            }
        default:
            break
        }
        if own.contains(where: leads) { return true }
        if context.state.schema.indexes(of: table.qualified).contains(where: { leads($0.columns) }) { return true }
        // Earlier statements of the file are in the schema already; an index may come later.
        return context.laterChanges(of: table).indexes.contains { leads($0.columns.map(\.name)) }
    }
}
