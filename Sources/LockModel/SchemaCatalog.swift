import PostgresSyntax

/// Where an object of the catalog was learned: an earlier migration (or a schema dump) and the
/// line of the statement. `explain` cites it: "orders.total is numeric(10,2), from 012_orders.sql:4".
public struct SchemaOrigin: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int

    public init(path: String, line: Int) {
        self.path = path
        self.line = line
    }

    /// The file name and line; the folder is the linted file's own, or the `schema:` file's.
    public var description: String {
        "\(path.split(separator: "/").last.map(String.init) ?? path):\(line)"
    }
}

/// What is known about the database's objects: column types, nullability and defaults,
/// partitioning, which table an index belongs to and its columns, what a constraint is and on
/// which columns, which types are domains with a CHECK.
///
/// The analyzer fills it from the statements of the file as they are walked. It starts from
/// `RunSettings.existingSchema`: the schema before the file, which the history replay builds from
/// the earlier migrations (`replay(_:source:path:)`), a `schema:` dump, or a database snapshot.
/// Whatever it does not know, the model answers cautiously and records the assumption.
public struct SchemaCatalog: Sendable {
    public struct Column: Sendable, Equatable {
        public var type: TypeName
        public var isNotNull = false
        public var hasDefault = false
        /// Where the column got its current type, when that was an earlier migration.
        public var origin: SchemaOrigin?

        public init(type: TypeName, isNotNull: Bool = false, hasDefault: Bool = false, origin: SchemaOrigin? = nil) {
            self.type = type
            self.isNotNull = isNotNull
            self.hasDefault = hasDefault
            self.origin = origin
        }
    }

    public struct Table: Sendable, Equatable {
        public var columns: [String: Column] = [:]
        public var isPartitioned = false
        public var partitionOf: String?
        /// Where the table was created, when that was an earlier migration.
        public var origin: SchemaOrigin?
        /// A CREATE TABLE was seen: the columns, constraints and indexes kept are all it has
        /// (an entry made by ALTER TABLE on a table never seen knows only what was added).
        public var wasCreated = false
        /// Every column is in `columns`: a CREATE TABLE was seen that lists them all (no `LIKE`,
        /// `INHERITS` or `PARTITION OF`), and no parent can add one.
        public var hasAllColumns = false
        public init() {}
    }

    public struct ConstraintInfo: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case check, foreignKey, primaryKey, unique, exclusion, other }
        public var kind: Kind
        /// For a foreign key, the referenced table (qualified).
        public var references: String?
        /// For a foreign key, the referenced columns; empty when the primary key is meant or not known.
        public var referencedColumns: [String] = []
        /// The constrained columns, when the statement names them.
        public var columns: [String] = []
        public var isValid = true
        /// Where the constraint was added, when that was an earlier migration.
        public var origin: SchemaOrigin?
    }

    /// Qualified table name to what is known of it.
    ///
    /// Snapshot collections: the analyzer keeps a catalog per statement, and dictionaries would
    /// make a long file quadratic in time and memory.
    public var tables: SnapshotMap<String, Table> = [:]
    /// Qualified index name to its qualified table; written through `setTable(ofIndex:to:)`,
    /// which keeps `indexesByTable` beside it.
    public private(set) var indexTables: SnapshotMap<String, String> = [:]
    /// Qualified table name to the qualified names of its indexes: what DROP COLUMN, DROP TABLE
    /// and renames ask, answered without walking every index of a project-sized schema.
    /// Each table's names are a snapshot set of their own: a `Set` value would be copied whole
    /// into the history at every new index (30,000 indexes on one table took 14 GB).
    public private(set) var indexesByTable: SnapshotMap<String, SnapshotSet<String>> = [:]
    /// Qualified table name to its constraints by name, with the tables that reference each table.
    public var constraints = ConstraintMap()
    /// Qualified domain name to whether it has a CHECK constraint (a column of it is checked row by row).
    public var domains: SnapshotMap<String, Bool> = [:]
    public var enums: SnapshotSet<String> = []
    /// Qualified function and procedure name to its volatility (overloads share their name: the
    /// last one created counts, and dropping one forgets the name).
    public var functions: SnapshotMap<String, Volatility> = [:]
    /// Qualified sequence names: relations too (`ALTER TABLE seq OWNER TO ...`, as pg_dump writes).
    public var sequences: SnapshotSet<String> = []
    /// Qualified index name to its key columns in order (nil for an expression).
    public var indexColumns: SnapshotMap<String, [String?]> = [:]
    /// Qualified index name to where it was created, when that was an earlier migration.
    public var indexOrigins: SnapshotMap<String, SchemaOrigin> = [:]
    /// Valid `CHECK (col IS NOT NULL)` constraints: qualified table to columns. The analyzer keeps
    /// its own copy while it walks a file (`AnalysisState.notNullChecks`) and starts from this one.
    public var notNullChecks: SnapshotMap<String, Set<String>> = [:]
    /// Qualified view (or materialized view) name to what its query reads.
    public var views: SnapshotMap<String, View> = [:]
    /// `CHECK (col IS NOT NULL) NOT VALID` constraints awaiting VALIDATE: name to (table, column).
    public var pendingNotNullChecks: SnapshotMap<String, (table: String, column: String)> = [:]
    /// Every object of the database is here: the history started from an empty database or a
    /// schema dump, and every statement of it was read. Only then does an absent table mean that
    /// no migration created it.
    public var isComplete = false
    /// Something was read into the catalog: an earlier migration, a schema dump or a snapshot.
    public var hasHistory = false
    /// Where the statement being learned comes from; set by the history replay, nil while the
    /// analyzer walks the linted file itself.
    public var learningOrigin: SchemaOrigin?
    /// The text of the statement being learned, so that a column cites its own line.
    var learningSource: SourceText?
    /// The file the analyzer walks, when it stamps what it learns with the file's lines: what
    /// carries this path is the file's own (`cited`). Nil for the replay and for a catalog handed on.
    public internal(set) var lintedPath: String?

    public init() {}

    /// `learningOrigin` at the line of `location` (a column's own line in a CREATE TABLE).
    func origin(at location: Int?) -> SchemaOrigin? {
        guard var origin = learningOrigin, let location, let source = learningSource else { return learningOrigin }
        origin.line = source.line(of: location)
        return origin
    }

    /// `origin` as a finding cites it: nil when it is the file being linted, whose own objects
    /// are not "from" an earlier migration (the walk stamps them all the same, for the next file).
    public func cited(_ origin: SchemaOrigin?) -> SchemaOrigin? {
        guard let origin, origin.path != lintedPath else { return nil }
        return origin
    }

    /// The table's column type, if known.
    public func columnType(table: String, column: String) -> TypeName? { tables[table]?.columns[column]?.type }

    /// The table's column, if known.
    public func column(table: String, column: String) -> Column? { tables[table]?.columns[column] }

    /// The indexes of `table` with their key columns.
    public func indexes(of table: String) -> [(name: String, columns: [String?])] {
        indexNames(of: table).map { ($0, indexColumns[$0] ?? []) }
    }

    /// The qualified names of the indexes of `table`, sorted.
    public func indexNames(of table: String) -> [String] {
        indexesByTable[table].map { Array($0).sorted() } ?? []
    }

    /// Records that `index` belongs to `table` (nil: the index is gone).
    public mutating func setTable(ofIndex index: String, to table: String?) {
        let old = indexTables[index]
        guard old != table else { return }
        if let old, var names = indexesByTable[old] {
            names.remove(index)
            indexesByTable[old] = names.isEmpty ? nil : names
        }
        indexTables[index] = table
        if let table { indexesByTable[table, default: []].insert(index) }
    }

    /// Tables whose foreign keys reference `table`.
    public func tablesReferencing(_ table: String) -> [String] {
        constraints.tablesReferencing(table)
    }

    /// Tables whose foreign keys reference `column` of `table` (an FK to the primary key may use
    /// any column: counted), or nil when the file shows nothing about `table`'s referencing tables.
    public func tablesReferencing(_ table: String, column: String) -> [String]? {
        let referencing = constraints.tablesReferencing(table)
        guard tables[table] != nil || !referencing.isEmpty else { return nil }
        return referencing.filter { name in
            constraints[name]?.values.contains { $0.references == table && ($0.referencedColumns.isEmpty || $0.referencedColumns.contains(column)) } ?? false
        }
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

    /// Folds a statement's schema changes in. Renames, drops, `SET SCHEMA` and `IF [NOT] EXISTS`
    /// are followed; what a statement does to objects the catalog does not hold is ignored.
    public mutating func learn(_ statement: Statement, resolve: (QualifiedName) -> QualifiedName) {
        noteUses(in: statement, resolve: resolve)
        switch statement {
        case .createTable(let create):
            let name = resolve(create.relation).qualified
            // IF NOT EXISTS on a table that exists does nothing.
            if create.ifNotExists, tables[name] != nil { return }
            var table = Table()
            table.origin = learningOrigin
            table.wasCreated = true
            let primaryKeyColumns = Set(create.constraints.filter { $0.kind == .primaryKey }.flatMap(\.columns))
            for column in create.columns {
                guard let type = column.type else { continue }
                let notNull = column.hasNotNull || primaryKeyColumns.contains(column.name)
                    || column.constraints.contains { $0.kind == .primaryKey } || column.isSerial || column.isIdentity
                table.columns[column.name] = Column(type: type, isNotNull: notNull, hasDefault: column.defaultValue != nil,
                                                    origin: origin(at: column.location))
            }
            table.isPartitioned = create.isPartitioned
            table.partitionOf = create.partitionOf.map { resolve($0).qualified }
            table.hasAllColumns = !create.hasColumnsFromElsewhere && create.columns.allSatisfy { $0.type != nil }
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
                let qualified = resolve(QualifiedName(schema: index.relation.schema, name: indexName)).qualified
                if index.ifNotExists, indexTables[qualified] != nil { return }
                setTable(ofIndex: qualified, to: resolve(index.relation).qualified)
                indexColumns[qualified] = index.columns.map(\.name)
                if let origin = learningOrigin { indexOrigins[qualified] = origin } else { _ = indexOrigins.removeValue(forKey: qualified) }
            }
        case .createDomain(let name, _, let domainConstraints):
            domains[resolve(name).qualified] = domainConstraints.contains {
                if case .check = $0.kind { return true } else { return false }
            }
        case .createEnum(let name):
            enums.insert(resolve(name).qualified)
        case .createFunction(let name, let volatility):
            functions[resolve(name).qualified] = Volatility(named: volatility) ?? .volatile
        case .rename(let rename) where [.function, .procedure, .routine].contains(rename.kind):
            let old = resolve(rename.object)
            if let volatility = functions.removeValue(forKey: old.qualified) {
                functions[QualifiedName(schema: old.schema, name: rename.newName).qualified] = volatility
            }
        case .setSchema(let kind, let object, let newSchema) where [.function, .procedure, .routine].contains(kind):
            let old = resolve(object)
            if let volatility = functions.removeValue(forKey: old.qualified) {
                functions[QualifiedName(schema: newSchema, name: old.name).qualified] = volatility
            }
        case .createSequence(let name):
            sequences.insert(resolve(name).qualified)
        case .drop(let drop) where drop.kind == .sequence:
            for object in drop.objects { sequences.remove(resolve(object).qualified) }
        case .rename(let rename) where rename.kind == .sequence:
            let old = resolve(rename.object)
            if sequences.remove(old.qualified) != nil { sequences.insert(QualifiedName(schema: old.schema, name: rename.newName).qualified) }
        case .drop(let drop) where [.function, .procedure, .routine].contains(drop.kind):
            for object in drop.objects { functions[resolve(object).qualified] = nil }
        case .createView(let view):
            learnView(view, resolve: resolve)
        case .createTableAs(let create):
            // A table whose columns the query decides: known to exist, its columns not.
            var table = Table()
            table.origin = learningOrigin
            tables[resolve(create.relation).qualified] = table
        case .alterTable(let alter) where alter.kind == .table:
            alterTable(alter, resolve: resolve)
        case .rename(let rename) where rename.kind == .table:
            let old = resolve(rename.object)
            var renamed = old
            renamed.name = rename.newName
            moveTable(from: old.qualified, to: renamed.qualified)
        case .rename(let rename) where rename.kind == .view || rename.kind == .materializedView:
            let old = resolve(rename.object)
            var renamed = old
            renamed.name = rename.newName
            moveRelationInViews(from: old.qualified, to: renamed.qualified)
        case .rename(let rename) where rename.kind == .index:
            let old = resolve(rename.object)
            var renamed = old
            renamed.name = rename.newName
            moveIndex(from: old.qualified, to: renamed.qualified)
        case .rename(let rename) where rename.kind == .column:
            let table = resolve(rename.object).qualified
            guard let old = rename.subname, var entry = tables[table], let column = entry.columns.removeValue(forKey: old) else { return }
            entry.columns[rename.newName] = column
            tables[table] = entry
            renameColumnInViews(table: table, from: old, to: rename.newName)
            if var tableConstraints = constraints[table] {
                for (name, info) in tableConstraints where info.columns.contains(old) {
                    tableConstraints[name]?.columns = info.columns.map { $0 == old ? rename.newName : $0 }
                }
                constraints[table] = tableConstraints
            }
            for index in indexNames(of: table) {
                if let columns = indexColumns[index], columns.contains(old) {
                    indexColumns[index] = columns.map { $0 == old ? rename.newName : $0 }
                }
            }
        case .rename(let rename) where rename.kind == .constraint:
            let table = resolve(rename.object).qualified
            if let old = rename.subname, let info = constraints[table]?.removeValue(forKey: old) {
                constraints[table]?[rename.newName] = info
            }
        case .setSchema(let kind, let object, let newSchema) where kind == .table:
            let old = resolve(object)
            // The table's indexes move with it.
            for index in indexNames(of: old.qualified) {
                moveIndex(from: index, to: QualifiedName(schema: newSchema, name: Self.unqualified(index)).qualified)
            }
            moveTable(from: old.qualified, to: QualifiedName(schema: newSchema, name: old.name).qualified)
        case .setSchema(let kind, let object, let newSchema) where kind == .view || kind == .materializedView:
            let old = resolve(object)
            moveRelationInViews(from: old.qualified, to: QualifiedName(schema: newSchema, name: old.name).qualified)
        case .drop(let drop) where drop.kind == .table:
            for object in drop.objects {
                let name = resolve(object).qualified
                tables[name] = nil
                constraints[name] = nil
                notNullChecks[name] = nil
                for index in indexNames(of: name) { forgetIndex(index) }
                forgetViews(reading: name)
            }
        case .drop(let drop) where drop.kind == .view || drop.kind == .materializedView:
            for object in drop.objects { forgetView(resolve(object).qualified) }
        case .drop(let drop) where drop.kind == .index:
            for object in drop.objects { forgetIndex(resolve(object).qualified) }
        default:
            break
        }
    }

    mutating func alterTable(_ alter: AlterTable, resolve: (QualifiedName) -> QualifiedName) {
        let name = resolve(alter.relation).qualified
        for action in alter.actions {
            switch action {
            case .addColumn(let column, let ifNotExists):
                if ifNotExists, tables[name]?.columns[column.name] != nil { continue }
                if let type = column.type {
                    let notNull = column.hasNotNull || column.constraints.contains { $0.kind == .primaryKey } || column.isSerial || column.isIdentity
                    tables[name, default: Table()].columns[column.name] = Column(
                        type: type, isNotNull: notNull, hasDefault: column.defaultValue != nil, origin: origin(at: column.location))
                }
                for constraint in column.constraints {
                    var withColumn = constraint
                    if withColumn.columns.isEmpty { withColumn.columns = [column.name] }
                    addConstraint(withColumn, table: alter.relation, resolve: resolve)
                }
            case .dropColumn(let column, _, _):
                tables[name]?.columns[column] = nil
                forgetViews(reading: column, of: name)
                // PostgreSQL drops the indexes and constraints that use the column with it.
                if var tableConstraints = constraints[name] {
                    for (constraint, info) in tableConstraints where info.columns.contains(column) { tableConstraints[constraint] = nil }
                    constraints[name] = tableConstraints
                }
                for index in indexNames(of: name) where indexColumns[index]?.contains(column) == true {
                    forgetIndex(index)
                }
                if var checks = notNullChecks[name], checks.remove(column) != nil { notNullChecks[name] = checks }
            case .alterColumnType(let column, let type, _):
                if tables[name]?.columns[column] != nil {
                    tables[name]?.columns[column]?.type = type
                    tables[name]?.columns[column]?.origin = learningOrigin
                }
            case .setNotNull(let column):
                tables[name]?.columns[column]?.isNotNull = true
            case .dropNotNull(let column):
                tables[name]?.columns[column]?.isNotNull = false
            case .setDefault(let column, _):
                tables[name]?.columns[column]?.hasDefault = true
            case .dropDefault(let column):
                tables[name]?.columns[column]?.hasDefault = false
            case .addConstraint(let constraint):
                addConstraint(constraint, table: alter.relation, resolve: resolve)
                if constraint.kind == .primaryKey {
                    for column in constraint.columns { tables[name]?.columns[column]?.isNotNull = true }
                }
            case .validateConstraint(let constraint):
                constraints[name]?[constraint]?.isValid = true
            case .dropConstraint(let constraint, _, _):
                if let info = constraints[name]?.removeValue(forKey: constraint),
                   info.kind == .primaryKey || info.kind == .unique || info.kind == .exclusion {
                    forgetIndex(QualifiedName(schema: resolve(alter.relation).schema, name: constraint).qualified)
                }
            case .attachPartition(let partition):
                tables[resolve(partition).qualified, default: Table()].partitionOf = name
                tables[resolve(partition).qualified]?.hasAllColumns = false
            case .detachPartition(let partition, _), .detachPartitionFinalize(let partition):
                tables[resolve(partition).qualified]?.partitionOf = nil
            default:
                break
            }
        }
    }

    /// A table under a new name or schema, with its constraints and indexes.
    mutating func moveTable(from old: String, to new: String) {
        if let table = tables.removeValue(forKey: old) { tables[new] = table }
        if let tableConstraints = constraints.removeValue(forKey: old) { constraints[new] = tableConstraints }
        if let checks = notNullChecks.removeValue(forKey: old) { notNullChecks[new] = checks }
        moveRelationInViews(from: old, to: new)
        for index in indexNames(of: old) { setTable(ofIndex: index, to: new) }
        for name in constraints.tablesReferencing(old) {
            guard var moved = constraints[name] else { continue }
            for (constraint, entry) in moved where entry.references == old { moved[constraint]?.references = new }
            constraints[name] = moved
        }
    }

    mutating func moveIndex(from old: String, to new: String) {
        if let table = indexTables[old] {
            setTable(ofIndex: old, to: nil)
            setTable(ofIndex: new, to: table)
        }
        if let columns = indexColumns.removeValue(forKey: old) { indexColumns[new] = columns }
        if let origin = indexOrigins.removeValue(forKey: old) { indexOrigins[new] = origin }
    }

    mutating func forgetIndex(_ index: String) {
        setTable(ofIndex: index, to: nil)
        indexColumns[index] = nil
        indexOrigins[index] = nil
    }

    /// Forgets a table a statement that could not be read may have changed: its answers become
    /// the cautious ones instead of wrong ones.
    public mutating func forget(table: String) {
        tables[table] = nil
        constraints[table] = nil
        notNullChecks[table] = nil
        for index in indexNames(of: table) { forgetIndex(index) }
    }

    static func unqualified(_ qualified: String) -> String {
        guard let dot = qualified.firstIndex(of: ".") else { return qualified }
        return String(qualified[qualified.index(after: dot)...])
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
        constraints[tableName, default: [:]][name] = ConstraintInfo(kind: kind, references: references, referencedColumns: referencedColumns,
                                                                    columns: constraint.columns, isValid: !constraint.isNotValid,
                                                                    origin: learningOrigin)
        if kind == .primaryKey || kind == .unique || kind == .exclusion {
            let index = QualifiedName(schema: resolve(table).schema, name: constraint.usingIndex ?? name).qualified
            setTable(ofIndex: index, to: tableName)
            if constraint.usingIndex == nil { indexColumns[index] = constraint.columns }
            if let origin = learningOrigin { indexOrigins[index] = origin }
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
