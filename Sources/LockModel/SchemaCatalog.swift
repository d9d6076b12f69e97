import PostgresSyntax

/// What is known about the database's objects: column types, partitioning, which table an index
/// belongs to, what a constraint is, which types are domains with a CHECK.
///
/// The analyzer fills it from the statements of the file as they are walked; a caller may start it
/// from a schema it knows (`RunSettings.existingSchema`). Whatever it does not know, the model
/// answers cautiously and records the assumption.
public struct SchemaCatalog: Sendable {
    public struct Table: Sendable, Equatable {
        public var columns: [String: TypeName] = [:]
        public var isPartitioned = false
        public var partitionOf: String?
        public init() {}
    }

    public struct ConstraintInfo: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case check, foreignKey, primaryKey, unique, exclusion, other }
        public var kind: Kind
        /// For a foreign key, the referenced table (qualified).
        public var references: String?
        /// For a foreign key, the referenced columns; empty when the primary key is meant or not known.
        public var referencedColumns: [String] = []
    }

    /// Qualified table name to what is known of it.
    ///
    /// Snapshot collections: the analyzer keeps a catalog per statement, and dictionaries would
    /// make a long file quadratic in time and memory.
    public var tables: SnapshotMap<String, Table> = [:]
    /// Qualified index name to its qualified table.
    public var indexTables: SnapshotMap<String, String> = [:]
    /// Qualified table name to its constraints by name.
    public var constraints: SnapshotMap<String, [String: ConstraintInfo]> = [:]
    /// Qualified domain name to whether it has a CHECK constraint (a column of it is checked row by row).
    public var domains: SnapshotMap<String, Bool> = [:]
    public var enums: SnapshotSet<String> = []

    public init() {}

    /// The table's column type, if known.
    public func columnType(table: String, column: String) -> TypeName? { tables[table]?.columns[column] }

    /// Tables whose foreign keys reference `table`.
    public func tablesReferencing(_ table: String) -> [String] {
        constraints.filter { $0.value.values.contains { $0.references == table } }.map(\.key).sorted()
    }

    /// Tables whose foreign keys reference `column` of `table` (an FK to the primary key may use
    /// any column: counted), or nil when the file shows nothing about `table`'s referencing tables.
    public func tablesReferencing(_ table: String, column: String) -> [String]? {
        guard tables[table] != nil || constraints.values.contains(where: { $0.values.contains { $0.references == table } }) else { return nil }
        return constraints.filter { entry in
            entry.value.values.contains { $0.references == table && ($0.referencedColumns.isEmpty || $0.referencedColumns.contains(column)) }
        }.map(\.key).sorted()
    }

    /// A catalog of the objects that the statements of `sql` create (a schema dump, or the setup of
    /// a test database).
    public static func learning(from sql: String) -> SchemaCatalog {
        var catalog = SchemaCatalog()
        let state = AnalysisState(settings: RunSettings())
        for parsed in SQLParser().parse(SourceText(sql)) {
            if let statement = parsed.statement { catalog.learn(statement, resolve: state.resolve) }
        }
        return catalog
    }

    /// Folds a statement's schema changes in.
    public mutating func learn(_ statement: Statement, resolve: (QualifiedName) -> QualifiedName) {
        switch statement {
        case .createTable(let create):
            let name = resolve(create.relation).qualified
            var table = Table()
            for column in create.columns {
                if let type = column.type { table.columns[column.name] = type }
            }
            table.isPartitioned = create.isPartitioned
            table.partitionOf = create.partitionOf.map { resolve($0).qualified }
            tables[name] = table
            for column in create.columns {
                for constraint in column.constraints {
                    var withColumn = constraint
                    if withColumn.columns.isEmpty { withColumn.columns = [column.name] }
                    addConstraint(withColumn, table: create.relation, resolve: resolve)
                }
            }
            for constraint in create.constraints { addConstraint(constraint, table: create.relation, resolve: resolve) }
        case .createIndex(let index):
            if let indexName = index.name {
                indexTables[resolve(QualifiedName(schema: index.relation.schema, name: indexName)).qualified] = resolve(index.relation).qualified
            }
        case .createDomain(let name, _, let domainConstraints):
            domains[resolve(name).qualified] = domainConstraints.contains {
                if case .check = $0.kind { return true } else { return false }
            }
        case .createEnum(let name):
            enums.insert(resolve(name).qualified)
        case .alterTable(let alter) where alter.kind == .table:
            let name = resolve(alter.relation).qualified
            for action in alter.actions {
                switch action {
                case .addColumn(let column, _):
                    if let type = column.type { tables[name, default: Table()].columns[column.name] = type }
                    for constraint in column.constraints {
                        var withColumn = constraint
                        if withColumn.columns.isEmpty { withColumn.columns = [column.name] }
                        addConstraint(withColumn, table: alter.relation, resolve: resolve)
                    }
                case .dropColumn(let column, _, _):
                    tables[name]?.columns[column] = nil
                case .alterColumnType(let column, let type, _):
                    if tables[name] != nil { tables[name]?.columns[column] = type }
                case .addConstraint(let constraint):
                    addConstraint(constraint, table: alter.relation, resolve: resolve)
                case .dropConstraint(let constraint, _, _):
                    constraints[name]?[constraint] = nil
                case .attachPartition(let partition):
                    tables[resolve(partition).qualified, default: Table()].partitionOf = name
                case .detachPartition(let partition, _), .detachPartitionFinalize(let partition):
                    tables[resolve(partition).qualified]?.partitionOf = nil
                default:
                    break
                }
            }
        case .rename(let rename) where rename.kind == .table:
            let old = resolve(rename.object)
            var renamed = old
            renamed.name = rename.newName
            if let table = tables.removeValue(forKey: old.qualified) { tables[renamed.qualified] = table }
            if let tableConstraints = constraints.removeValue(forKey: old.qualified) { constraints[renamed.qualified] = tableConstraints }
            for (index, table) in indexTables where table == old.qualified { indexTables[index] = renamed.qualified }
        case .rename(let rename) where rename.kind == .column:
            let table = resolve(rename.object).qualified
            if let old = rename.subname, let type = tables[table]?.columns.removeValue(forKey: old) {
                tables[table]?.columns[rename.newName] = type
            }
        case .rename(let rename) where rename.kind == .constraint:
            let table = resolve(rename.object).qualified
            if let old = rename.subname, let info = constraints[table]?.removeValue(forKey: old) {
                constraints[table]?[rename.newName] = info
            }
        case .drop(let drop) where drop.kind == .table:
            for object in drop.objects {
                let name = resolve(object).qualified
                tables[name] = nil
                constraints[name] = nil
                for (index, table) in indexTables where table == name { indexTables[index] = nil }
            }
        case .drop(let drop) where drop.kind == .index:
            for object in drop.objects { indexTables[resolve(object).qualified] = nil }
        default:
            break
        }
    }

    mutating func addConstraint(_ constraint: Constraint, table: QualifiedName, resolve: (QualifiedName) -> QualifiedName) {
        let tableName = resolve(table).qualified
        let kind: ConstraintInfo.Kind
        var references: String?
        var referencedColumns: [String] = []
        switch constraint.kind {
        case .check: kind = .check
        case .foreignKey(let referenced, let columns):
            kind = .foreignKey
            references = resolve(referenced).qualified
            referencedColumns = columns
        case .primaryKey: kind = .primaryKey
        case .unique: kind = .unique
        case .exclusion: kind = .exclusion
        default: return
        }
        let name = constraint.name ?? Self.defaultConstraintName(table: table.name, columns: constraint.columns, kind: kind)
        constraints[tableName, default: [:]][name] = ConstraintInfo(kind: kind, references: references, referencedColumns: referencedColumns)
        if kind == .primaryKey || kind == .unique || kind == .exclusion {
            indexTables[QualifiedName(schema: resolve(table).schema, name: constraint.usingIndex ?? name).qualified] = tableName
        }
    }

    /// The name PostgreSQL gives an unnamed constraint (`ChooseConstraintName`): `users_email_key`,
    /// `orders_user_id_fkey`, `users_pkey`, `users_age_check`.
    static func defaultConstraintName(table: String, columns: [String], kind: ConstraintInfo.Kind) -> String {
        switch kind {
        case .primaryKey: return "\(table)_pkey"
        case .foreignKey: return ([table] + columns + ["fkey"]).joined(separator: "_")
        case .unique: return ([table] + columns + ["key"]).joined(separator: "_")
        case .check: return ([table] + columns.prefix(1) + ["check"]).joined(separator: "_")
        case .exclusion: return ([table] + columns.prefix(1) + ["excl"]).joined(separator: "_")
        case .other: return table
        }
    }
}
