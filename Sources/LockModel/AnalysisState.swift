import PostgresSyntax

/// How a migration file is run, as its migration tool runs it.
public struct RunSettings: Sendable {
    /// The target server's major version (`postgres-version`, default 15).
    public var postgresVersion: Int
    /// The migration tool wraps the whole file in one transaction (goose and dbmate by default,
    /// golang-migrate and Prisma sending the file as one query, `assume-in-transaction`).
    public var fileRunsInTransaction: Bool
    /// The session time zone, when the configuration says it (timestamp to timestamptz is free
    /// only under UTC).
    public var timeZone: String?
    /// The schema before the file runs: what the earlier migrations of its migration set built
    /// (the history replay), a `schema:` dump, or a database snapshot. Empty when only the file
    /// is known. The file's own statements are folded in as they are walked; objects in here are
    /// not "created in the file".
    public var existingSchema: SchemaCatalog {
        get { existing.schema }
        set { existing = Existing(newValue) }
    }

    /// Held by reference: every statement's state carries these settings, and a catalog is a
    /// dozen collections to retain and release with each copy of the state, though it is read
    /// once, when the analysis starts (docs/benchmarks.md, "The seventh session").
    private var existing: Existing

    private final class Existing: Sendable {
        let schema: SchemaCatalog
        init(_ schema: SchemaCatalog) { self.schema = schema }
    }

    public init(postgresVersion: Int = 15, fileRunsInTransaction: Bool = false, timeZone: String? = nil,
                existingSchema: SchemaCatalog = SchemaCatalog()) {
        self.postgresVersion = postgresVersion
        self.fileRunsInTransaction = fileRunsInTransaction
        self.timeZone = timeZone
        self.existing = Existing(existingSchema)
    }
}

/// A transaction of the file: explicit (`BEGIN` ... `COMMIT`) or the migration tool's implicit one.
public struct TransactionInfo: Sendable, Equatable {
    /// 1-based, in file order.
    public var id: Int
    public var isImplicit: Bool
    /// Index of the statement that opened it (the BEGIN, or the first statement of an implicit one).
    public var startIndex: Int
    /// The transaction of a DO block run outside a transaction block: it ends with the block.
    public var isDoBlock = false
}

/// What is known before a statement runs, built once as the statements of a file are walked in
/// order. Every rule and the lock model read this; none computes its own.
///
/// The collections that grow with the file are snapshot collections: a state is kept per
/// statement, and copying a `Set` per statement made long files quadratic in time and memory.
public struct AnalysisState: Sendable {
    public var settings: RunSettings
    @inlinable public var postgresVersion: Int { settings.postgresVersion }
    /// The transaction the statement runs in, nil when it runs in autocommit.
    public var transaction: TransactionInfo?
    /// True inside an explicit `BEGIN` block (as opposed to the tool's implicit transaction).
    public var inExplicitTransaction: Bool
    /// The statement runs inside a DO block (or a function it calls), not at the top level.
    public var insideFunction = false
    /// Tables, indexes, views, types and sequences created earlier in this file (qualified names).
    public var createdInFile: SnapshotSet<String> = []
    /// Tables of `createdInFile` that a query filled (`CREATE TABLE ... AS`, `SELECT ... INTO`):
    /// unseen by other sessions like the rest, but not empty, so indexing or rewriting them reads rows.
    public var filledInFile: SnapshotSet<String> = []
    /// `SET` values seen so far (`lock_timeout`, `statement_timeout`, `search_path`), lowercased keys.
    public var sessionSettings: [String: String] = [:] {
        didSet { searchPathSchema = Self.firstSchema(ofSearchPath: sessionSettings["search_path"]) }
    }
    /// The schema unqualified names resolve to when `search_path` was set; nil means `public`.
    /// Kept apart because every rule resolves names, many times per statement.
    public private(set) var searchPathSchema: String?
    /// Values that `SET LOCAL` replaced in the current transaction, restored at its end.
    public var settingsBeforeSetLocal: [String: String?] = [:]
    /// Valid `CHECK (col IS NOT NULL)` constraints seen earlier: qualified table to columns.
    public var notNullChecks: SnapshotMap<String, Set<String>> = [:]
    /// Constraints added NOT VALID in the current transaction: name to qualified table.
    public var notValidConstraintsInTransaction: SnapshotMap<String, String> = [:]
    /// ACCESS EXCLUSIVE locks held in the current transaction: qualified relation to statement index.
    public var accessExclusiveHeldSince: SnapshotMap<String, Int> = [:]
    /// `CHECK (col IS NOT NULL) NOT VALID` constraints awaiting VALIDATE: name to (table, column).
    public var pendingNotNullChecks: SnapshotMap<String, (table: String, column: String)> = [:]
    /// Enum types created earlier in this file.
    public var createdEnums: SnapshotSet<String> = []
    /// What is known of the schema so far: the existing schema, then each statement of the file.
    public var schema: SchemaCatalog

    public init(settings: RunSettings) {
        self.settings = settings
        self.inExplicitTransaction = false
        self.schema = settings.existingSchema
        self.notNullChecks = settings.existingSchema.notNullChecks
        self.pendingNotNullChecks = settings.existingSchema.pendingNotNullChecks
    }

    /// The session time zone: a `SET timezone` seen earlier, else the configured one.
    public var timeZone: String? {
        sessionSettings["timezone"] ?? sessionSettings["time zone"] ?? settings.timeZone
    }

    @inlinable public var inTransactionBlock: Bool { transaction != nil }

    /// `search_path` aware: a name without a schema resolves to the first schema of a `SET
    /// search_path` seen earlier, else `public`.
    public func resolve(_ name: QualifiedName) -> QualifiedName {
        Self.resolve(name, searchPathSchema: searchPathSchema)
    }

    /// `name` with the schema unqualified names resolve to (nil: `public`).
    public static func resolve(_ name: QualifiedName, searchPathSchema: String?) -> QualifiedName {
        guard name.schema == nil, let schema = searchPathSchema else { return name }
        var resolved = name
        resolved.schema = schema
        return resolved
    }

    static func firstSchema(ofSearchPath path: String?) -> String? {
        guard let path, let first = path.split(separator: ",").first.map({ String($0).trimmed(" \"'") }),
              !first.isEmpty, first != "$user" else { return nil }
        return first
    }

    /// Whether PostgreSQL skips the subcommand with a notice: ADD COLUMN IF NOT EXISTS of a column
    /// that `table` has before the statement. The statement still takes its lock; the column's
    /// default, constraints and type do nothing (ATExecAddColumn returns before them). The lock
    /// model and the rules both ask here.
    ///
    /// Likewise DROP COLUMN IF EXISTS of a column the history shows `table` never had: the table
    /// is known from its CREATE TABLE with every column, in a history read in full.
    public func skips(_ action: AlterTableAction, on table: QualifiedName) -> Bool {
        switch action {
        case .addColumn(let column, ifNotExists: true):
            return schema.column(table: resolve(table).qualified, column: column.name) != nil
        case .dropColumn(let column, ifExists: true, _):
            guard schema.showsAbsence, let known = schema.tables[resolve(table).qualified], known.hasAllColumns else { return false }
            return known.columns[column] == nil
        default:
            return false
        }
    }

    /// Whether the history shows that no relation `name` exists: it was read in full, from an
    /// empty database or a dump (`SchemaCatalog.showsAbsence`), and no statement of it or of the
    /// file before this one made a table, view, sequence or index of that name.
    public func isAbsent(_ name: QualifiedName) -> Bool {
        guard schema.showsAbsence else { return false }
        let qualified = resolve(name).qualified
        return !schema.hasRelation(qualified) && schema.indexTables[qualified] == nil
    }

    /// Whether PostgreSQL skips the table with a notice: CREATE TABLE IF NOT EXISTS naming a
    /// relation that exists. The table is not new then: it may hold rows. PostgreSQL returns
    /// before it locks the tables the foreign keys reference or a partition's parent, and so does
    /// the lock model.
    public func skips(_ create: CreateTable) -> Bool {
        guard create.ifNotExists else { return false }
        let name = resolve(create.relation).qualified
        return schema.hasRelation(name) || schema.indexTables[name] != nil
    }

    /// Whether PostgreSQL skips the whole statement: CREATE TABLE or CREATE INDEX IF NOT EXISTS of
    /// an object that exists, or a statement it passes over (`passesOver`).
    public func skips(_ statement: Statement) -> Bool {
        switch statement {
        case .createTable(let create): return skips(create)
        case .createIndex(let index): return skips(index)
        default: return passesOver(statement)
        }
    }

    /// Whether PostgreSQL passes over the statement with a notice and does nothing, not even lock:
    /// ALTER TABLE IF EXISTS of a table the history shows is absent, DROP TABLE IF EXISTS of
    /// tables it shows are all absent (each is looked up with `missing_ok`). No rule reports such
    /// a statement.
    public func passesOver(_ statement: Statement) -> Bool {
        switch statement {
        case .alterTable(let alter): return alter.kind == .table && alter.ifExists && isAbsent(alter.relation)
        case .drop(let drop): return drop.objects.allSatisfy { passesOver($0, of: drop) }
        default: return false
        }
    }

    /// Whether DROP TABLE IF EXISTS passes over `table`, one of the tables it names, because the
    /// history shows it is absent: the lock model names no lock on it, `drop-table` no finding.
    public func passesOver(_ table: QualifiedName, of drop: Drop) -> Bool {
        drop.kind == .table && drop.ifExists && isAbsent(table)
    }

    /// Whether PostgreSQL skips the index with a notice: CREATE INDEX IF NOT EXISTS naming an index
    /// that exists. The table's lock is still taken; nothing is built (index_create returns first).
    public func skips(_ index: CreateIndex) -> Bool {
        guard index.ifNotExists, let name = index.name else { return false }
        return schema.indexTables[resolve(QualifiedName(schema: index.relation.schema, name: name)).qualified] != nil
    }

    public func isCreatedInFile(_ name: QualifiedName) -> Bool {
        // Most files create nothing: no name to build then.
        !createdInFile.isEmpty && createdInFile.contains(resolve(name).qualified)
    }

    /// Created earlier in the file and still empty: reading or copying it costs nothing.
    public func isCreatedEmptyInFile(_ name: QualifiedName) -> Bool {
        let qualified = resolve(name).qualified
        return createdInFile.contains(qualified) && !filledInFile.contains(qualified)
    }

    /// `lock_timeout` is set to something other than 0 (0 means wait forever).
    public var hasLockTimeout: Bool { Self.isNonZero(sessionSettings["lock_timeout"]) }
    public var hasStatementTimeout: Bool { Self.isNonZero(sessionSettings["statement_timeout"]) }

    static func isNonZero(_ value: String?) -> Bool {
        guard let value = value?.trimmed(" '\"").lowercased(), !value.isEmpty else { return false }
        return value != "0" && value != "default" && !value.hasPrefix("0 ") && value != "0ms" && value != "0s"
    }
}

extension String {
    func trimmed(_ set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
