import LockModel
import MigrationLint
import PostgresSyntax

/// A statement on a table or column that no earlier migration created, when the history is
/// known from an empty database (or a schema dump) on.
public struct UnknownObject: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "unknown-object",
        category: .correctness,
        defaultSeverity: .info,
        summary: "A statement on a table or column that no earlier migration (nor the file) created.",
        rationale: """
            When the history of a migration set is known in full (its first migration replayed before the \
            file on an empty database, or a `schema:` dump read) and it created tables, a table or column \
            that none of its statements created does not exist, and the statement fails when it runs: a \
            misspelt name, a migration out of order, or a migration that relies on something made outside \
            the set. MigrationLint says so only when it has read the whole history: not after a statement \
            it could not read, a DO block running built SQL, an extension that makes tables of its own, or \
            anything else whose effects it does not follow, nor after an earlier statement used a table the \
            history does not show (the set then starts from a database kept elsewhere): its answer is then \
            "unknown", and it is quiet. IF EXISTS statements are not reported: they are written for an \
            object that may be absent.
            """,
        safeAlternative: """
            Check the name against the migration that creates the object (the closest known name is suggested); \
            if the object comes from outside the migrations (an extension, a manual step), create it in a \
            migration or write the statement with IF EXISTS.
            """,
        badExamples: [
            RuleExample("ALTER TABLE ↓acount ADD COLUMN plan text;", after: "CREATE TABLE accounts (id bigint PRIMARY KEY);"),
            RuleExample("CREATE INDEX orders_total_idx ON orders (↓totl);", after: "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);"),
            RuleExample("ALTER TABLE users ALTER COLUMN ↓emial SET NOT NULL;", after: "CREATE TABLE users (id bigint PRIMARY KEY, email text);"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nDROP TABLE ↓tag;", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN plan text;", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
            RuleExample("ALTER TABLE users ADD COLUMN plan text;"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY);\nCREATE INDEX tags_id_idx ON tags (id);", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
            RuleExample("DROP TABLE IF EXISTS legacy;\nALTER TABLE IF EXISTS legacy_v2 DROP COLUMN note;", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
            RuleExample("ALTER TABLE users ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN plan text;",
                        after: "ALTER TABLE users ADD COLUMN name text;"),
            RuleExample("CREATE INDEX spatial_ref_sys_srtext_idx ON spatial_ref_sys (srtext);",
                        after: "CREATE EXTENSION postgis;\nCREATE TABLE places (id bigint PRIMARY KEY);"),
            RuleExample("ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'free';",
                        after: "DO $$ BEGIN EXECUTE 'CREATE TABLE accounts (id bigint, plan text)'; END $$;"),
            // A foreign table is a relation the replay does not follow.
            RuleExample("ALTER TABLE remote_users ADD COLUMN note text;",
                        after: "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE FOREIGN TABLE remote_users (id bigint) SERVER remote;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let schema = context.state.schema
        // Only a history read in full says that an object is absent; after a statement of the file
        // the parser could not read (which may have created it), the state no longer does.
        guard schema.showsAbsence else { return [] }
        switch context.statement {
        case .alterTable(let alter) where alter.kind == .table && !alter.ifExists:
            if let finding = unknownRelation(alter.relation, context) { return [finding] }
            return alter.actions.compactMap { action in
                switch action {
                case .dropColumn(let column, false, _), .alterColumnType(let column, _, _), .setNotNull(let column),
                     .dropNotNull(let column), .setDefault(let column, _), .dropDefault(let column):
                    return unknownColumn(column, of: alter.relation, context)
                default:
                    return nil
                }
            }
        case .createIndex(let index):
            if let finding = unknownRelation(index.relation, context) { return [finding] }
            return index.columns.compactMap { $0.name }.compactMap { unknownColumn($0, of: index.relation, context) }
        case .drop(let drop) where drop.kind == .table && !drop.ifExists:
            return drop.objects.compactMap { unknownRelation($0, context) }
        case .rename(let rename) where rename.kind == .table && !rename.ifExists:
            return unknownRelation(rename.object, context).map { [$0] } ?? []
        case .rename(let rename) where rename.kind == .column && !rename.ifExists:
            if let finding = unknownRelation(rename.object, context) { return [finding] }
            return rename.subname.flatMap { unknownColumn($0, of: rename.object, context) }.map { [$0] } ?? []
        default:
            return []
        }
    }

    func unknownRelation(_ relation: QualifiedName, _ context: RuleContext) -> Finding? {
        let schema = context.state.schema
        let name = context.state.resolve(relation)
        guard !schema.hasRelation(name.qualified) else { return nil }
        let inSchema = QualifiedName(qualified: name.qualified).schema
        let known = schema.tables.keys.map(QualifiedName.init(qualified:)).filter { $0.schema == inSchema }.map(\.name)
        return Finding(
            message: "no earlier migration creates table \(name.qualified)",
            range: context.nameRange(relation),
            notes: closestMatch(to: name.name, in: known).map { ["did you mean \($0)?"] } ?? [],
            help: "check the name, or create the table in a migration before this one")
    }

    /// A column of a table whose every column is known.
    func unknownColumn(_ column: String, of relation: QualifiedName, _ context: RuleContext) -> Finding? {
        let name = context.state.resolve(relation)
        guard let table = context.state.schema.tables[name.qualified], table.hasAllColumns, table.columns[column] == nil else { return nil }
        var range = context.nameRange(QualifiedName(name: column))
        if range == context.firstWordRange { range = context.nameRange(relation) }
        return Finding(
            message: "no earlier migration creates column \(name.qualified).\(column)",
            range: range,
            notes: closestMatch(to: column, in: table.columns.keys).map { ["did you mean \($0)?"] } ?? [],
            help: "check the name, or add the column in a migration before this one")
    }
}
