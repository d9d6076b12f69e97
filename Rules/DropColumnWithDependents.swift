import LockModel
import MigrationLint
import PostgresSyntax

/// DROP COLUMN on a column that indexes or constraints use: PostgreSQL drops those with it, or
/// refuses without CASCADE when a foreign key of another table references it.
public struct DropColumnWithDependents: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-column-with-dependents",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP COLUMN on a column that an index, a key or a foreign key uses: they go with it, silently or by CASCADE.",
        rationale: """
            ALTER TABLE ... DROP COLUMN drops, without a word, every index and every table constraint that uses \
            the column: a multi-column index or a primary key over it goes whole, and the queries it served \
            turn into scans, a uniqueness it enforced is gone. A foreign key of another table that references \
            the column makes the statement fail unless it says CASCADE, which drops that foreign key too. \
            MigrationLint knows these dependents from the history replayed before the file (the migrations of \
            its folder), a `schema:` dump, or an earlier statement of the file, and names each with where it \
            was created. Views that read the column are view-dependency's findings.
            """,
        safeAlternative: """
            Drop each dependent on purpose first, in its own step: DROP INDEX CONCURRENTLY for an index \
            (outside a transaction), ALTER TABLE ... DROP CONSTRAINT for a key or a foreign key; replace what \
            is still needed (an index on the remaining columns); then drop the column.
            """,
        badExamples: [
            RuleExample("ALTER TABLE orders ↓DROP COLUMN user_id;",
                        after: "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, total numeric NOT NULL);\nCREATE INDEX orders_user_id_idx ON orders (user_id, total);"),
            RuleExample("ALTER TABLE users ↓DROP COLUMN email CASCADE;",
                        after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);\nCREATE TABLE invites (id bigint PRIMARY KEY, email text NOT NULL REFERENCES users (email));"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL, CONSTRAINT tags_name_key UNIQUE (name));\nALTER TABLE tags ↓DROP COLUMN name;"),
            RuleExample(#"ALTER TABLE notes ALTER COLUMN body SET DEFAULT $$it's$$, /* the user's */ ↓DROP COLUMN code -- don't\#n, ALTER COLUMN tag SET DEFAULT E'it\'s';"#,
                        after: "CREATE TABLE notes (id bigint PRIMARY KEY, body text, tag text, code text);\nCREATE INDEX notes_code_idx ON notes (code);"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE orders DROP COLUMN note;",
                        after: "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, note text);\nCREATE INDEX orders_user_id_idx ON orders (user_id);"),
            RuleExample("DROP INDEX CONCURRENTLY orders_user_id_idx;",
                        after: "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX orders_user_id_idx ON orders (user_id);"),
            RuleExample("ALTER TABLE orders DROP COLUMN user_id;"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL UNIQUE);\nALTER TABLE tags DROP CONSTRAINT tags_name_key;\nALTER TABLE tags DROP COLUMN name;"),
            RuleExample("ALTER TABLE tags DROP CONSTRAINT tags_pkey, DROP COLUMN id, ADD PRIMARY KEY (name);",
                        after: "CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);"),
        ])

    /// Something that uses the dropped column, how to drop it on purpose, and whether PostgreSQL
    /// drops it with the column (an index or constraint of the table) or refuses without CASCADE.
    struct Dependent {
        /// The index's or constraint's own name.
        var name: String
        var text: String
        var origin: SchemaOrigin?
        var drop: RewritePlan.Step
        var needsCascade: Bool

        var cited: String { "\(text) (\(origin.map { "from \($0)" } ?? "earlier in this file"))" }

        /// A constraint of `table`, dropped on purpose by ALTER TABLE ... DROP CONSTRAINT.
        static func constraint(_ name: String, _ text: String, of table: QualifiedName, origin: SchemaOrigin?,
                               reason: String, needsCascade: Bool) -> Dependent {
            Dependent(name: name, text: text, origin: origin,
                      drop: Compatibility.contractStep("ALTER TABLE \(table.sql) DROP CONSTRAINT \(quoteIdentifier(name));",
                                                       ruleID: "drop-constraint", reason: reason, note: "drop the \(text) on purpose"),
                      needsCascade: needsCascade)
        }
    }

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .dropColumn(let column, _, let behavior) = action else { return nil }
            // A constraint the statement drops itself is dropped on purpose (Prisma drops the
            // primary key, then its column, in one ALTER TABLE).
            let droppedHere = Set(alter.actions.compactMap { action -> String? in
                if case .dropConstraint(let name, _, _) = action { return name } else { return nil }
            })
            let dependents = Self.dependents(of: column, table: table, written: alter.relation, context.state.schema)
                .filter { $0.needsCascade || !droppedHere.contains($0.name) }
            guard !dependents.isEmpty else { return nil }
            let silent = dependents.filter { !$0.needsCascade }, referencing = dependents.filter(\.needsCascade)
            var parts: [String] = []
            if !silent.isEmpty { parts.append("also drops \(silent.map(\.cited).joined(separator: ", "))") }
            if !referencing.isEmpty {
                parts.append((behavior == .cascade ? "drops by CASCADE " : "fails without CASCADE: ")
                             + referencing.map(\.cited).joined(separator: ", ") + (behavior == .cascade ? "" : " references it"))
            }
            let steps = dependents.map(\.drop) + [
                Compatibility.contractStep(context.statementSQL(), ruleID: "drop-column", reason: "its dependents were dropped in the steps before",
                                           note: "the statement as written, once nothing else uses the column"),
            ]
            return Finding(
                message: "dropping \(table.qualified).\(column) " + parts.joined(separator: "; "),
                range: context.subcommandRange(leading: "DROP", name: column, forbidding: "CONSTRAINT"),
                help: "drop each dependent explicitly first, in its own step, and replace what is still needed",
                rewrite: RewritePlan(steps))
        }
    }

    /// The indexes and constraints of `table` over `column`, and the foreign keys of other tables
    /// that reference it, as the schema before the statement shows them.
    static func dependents(of column: String, table: QualifiedName, written: QualifiedName, _ schema: SchemaCatalog) -> [Dependent] {
        let name = table.qualified
        let ownConstraints = (schema.constraints[name] ?? [:]).sorted { $0.key < $1.key }
        var found: [Dependent] = []
        for (constraint, info) in ownConstraints where info.columns.contains(column) && info.kind != .check && info.kind != .other {
            found.append(.constraint(constraint, "\(kindText(info.kind)) \(constraint)", of: written, origin: schema.cited(info.origin),
                                     reason: "dropped on purpose before its column", needsCascade: false))
        }
        // A key's own index goes with the key: named once, as the constraint.
        let keyNames = Set(ownConstraints.map(\.key))
        for index in schema.indexes(of: name) where index.columns.contains(column) {
            let indexName = QualifiedName(schema: written.schema, name: QualifiedName(qualified: index.name).name)
            guard !keyNames.contains(indexName.name) else { continue }
            found.append(Dependent(
                name: indexName.name, text: "index \(indexName.name)", origin: schema.cited(schema.indexOrigins[index.name]),
                drop: .migration(sql: "DROP INDEX CONCURRENTLY IF EXISTS \(indexName.sql);",
                                 note: "drop the index \(indexName.name) on purpose, outside a transaction; create what still needs it on the other columns"),
                needsCascade: false))
        }
        let primaryKey = ownConstraints.first { $0.value.kind == .primaryKey }?.value.columns ?? []
        for other in schema.tablesReferencing(name) where other != name {
            for (constraint, info) in (schema.constraints[other] ?? [:]).sorted(by: { $0.key < $1.key })
            where info.kind == .foreignKey && info.references == name
                && (info.referencedColumns.isEmpty ? primaryKey.contains(column) : info.referencedColumns.contains(column)) {
                found.append(.constraint(constraint, "foreign key \(constraint) of \(other)", of: QualifiedName(qualified: other),
                                         origin: schema.cited(info.origin), reason: "dropped on purpose before the column it references",
                                         needsCascade: true))
            }
        }
        return found
    }

    static func kindText(_ kind: SchemaCatalog.ConstraintInfo.Kind) -> String {
        switch kind {
        case .primaryKey: return "primary key"
        case .unique: return "unique constraint"
        case .foreignKey: return "foreign key"
        case .exclusion: return "exclusion constraint"
        case .check, .other: return "constraint"
        }
    }
}
