import Foundation

/// The typed syntax tree: the statements and clauses that migration rules and the lock model
/// read, decoded from libpg_query's parse tree. Everything else is kept as `.other` with its
/// PostgreSQL node name, so nothing is silently lost.
///
/// Every `location` is a UTF-8 byte offset into the whole file (not the statement), or nil where
/// PostgreSQL records none.

/// A possibly schema-qualified name such as `public.users`.
public struct QualifiedName: Sendable, Hashable, CustomStringConvertible {
    public var schema: String?
    public var name: String
    public var location: Int?

    public init(schema: String? = nil, name: String, location: Int? = nil) {
        self.schema = schema
        self.name = name
        self.location = location
    }

    /// A name written as dotted parts (`["public", "users"]`): the last part is the name, the one
    /// before it the schema.
    public init(parts: [String]) {
        self.init(schema: parts.count > 1 ? parts[parts.count - 2] : nil, name: parts.last ?? "")
    }

    /// The name a `qualified` string stands for (`schema.name`, as the schema catalog keys its
    /// objects), with its schema written.
    public init(qualified: String) {
        if let dot = qualified.firstIndex(of: ".") {
            self.init(schema: String(qualified[..<dot]), name: String(qualified[qualified.index(after: dot)...]))
        } else {
            self.init(name: qualified)
        }
    }

    /// `schema.name`, with `public` when no schema was written.
    public var qualified: String { (schema ?? "public") + "." + name }
    /// As written, identifiers quoted only where PostgreSQL needs it.
    public var sql: String { schema.map { quoteIdentifier($0) + "." + quoteIdentifier(name) } ?? quoteIdentifier(name) }
    public var description: String { qualified }

    /// Same schema (`public` when none was written) and same name; the location does not count.
    public static func == (lhs: QualifiedName, rhs: QualifiedName) -> Bool {
        lhs.name == rhs.name && (lhs.schema ?? "public") == (rhs.schema ?? "public")
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(schema ?? "public")
        hasher.combine(name)
    }
}

/// A type as written: `names` as PostgreSQL resolves them (`int` is `pg_catalog.int4`).
public struct TypeName: Sendable, Equatable {
    public var names: [String]
    /// Integer modifiers (`varchar(20)` has `[20]`); nil for a modifier that is not a plain integer.
    public var modifiers: [Int?]
    public var isArray: Bool
    public var location: Int?

    public init(names: [String], modifiers: [Int?] = [], isArray: Bool = false, location: Int? = nil) {
        self.names = names
        self.modifiers = modifiers
        self.isArray = isArray
        self.location = location
    }

    /// The last name part, lowercased: `int4`, `varchar`, `serial`, `my_domain`.
    public var baseName: String {
        let name = names.last ?? ""
        // The parser folds unquoted names already: lower-case only what still needs it, as
        // five type rules ask for this of every column.
        return name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 } ? name.lowercased() : name
    }
    /// The schema part when the type was qualified (`pg_catalog` for built-ins spelled with keywords).
    public var schema: String? { names.count > 1 ? names[names.count - 2] : nil }

    /// The type spelled as SQL a user would write (`bigint`, `varchar(20)`, `public.mood`).
    public var sql: String {
        let keyword: String? = schema == "pg_catalog" || schema == nil ? Self.keywordSpelling[baseName] : nil
        var text = keyword ?? names.filter { $0 != "pg_catalog" }.map(quoteIdentifier).joined(separator: ".")
        if !modifiers.isEmpty {
            text += "(" + modifiers.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + ")"
        }
        return text + (isArray ? "[]" : "")
    }

    static let keywordSpelling: [String: String] = [
        "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real", "float8": "double precision",
        "bool": "boolean", "varchar": "varchar", "bpchar": "char", "timestamp": "timestamp",
        "timestamptz": "timestamptz", "time": "time", "timetz": "timetz", "numeric": "numeric",
        "interval": "interval", "bit": "bit", "varbit": "varbit",
    ]
}

/// An expression, with just the structure rules need (volatility, NOT NULL checks, casts).
public indirect enum Expression: Sendable, Equatable {
    case integer(Int, location: Int?)
    case float(String, location: Int?)
    case string(String, location: Int?)
    case boolean(Bool, location: Int?)
    case null(location: Int?)
    case functionCall(name: [String], arguments: [Expression], location: Int?)
    /// `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `LOCALTIMESTAMP`, `CURRENT_USER` and friends.
    case sqlValueFunction(String, location: Int?)
    case typeCast(Expression, TypeName, location: Int?)
    case columnReference([String], location: Int?)
    case binaryOperator(String, Expression?, Expression?, location: Int?)
    case bool(String, [Expression], location: Int?)
    /// `expr IS [NOT] NULL`.
    case nullTest(Expression, isNotNull: Bool, location: Int?)
    /// Anything else; `children` are its sub-expressions, so volatility analysis still sees them.
    case other(kind: String, children: [Expression], location: Int?)

    /// Where the expression starts in the file: the leftmost location in it (PostgreSQL records
    /// a cast at its `::` and an operator at its symbol).
    public var location: Int? {
        switch self {
        case .integer(_, let l), .float(_, let l), .string(_, let l), .boolean(_, let l), .null(let l),
             .functionCall(_, _, let l), .sqlValueFunction(_, let l), .columnReference(_, let l):
            return l
        case .typeCast(let inner, _, let l):
            return Self.leftmost(l, inner.location)
        case .binaryOperator(_, let left, _, let l):
            return Self.leftmost(l, left?.location)
        case .bool(_, let arguments, let l):
            return arguments.reduce(l) { Self.leftmost($0, $1.location) }
        case .nullTest(let inner, _, let l):
            return Self.leftmost(l, inner.location)
        case .other(_, let children, let l):
            return children.reduce(l) { Self.leftmost($0, $1.location) }
        }
    }

    static func leftmost(_ a: Int?, _ b: Int?) -> Int? {
        switch (a, b) {
        case let (a?, b?): return min(a, b)
        default: return a ?? b
        }
    }
}

public enum ReferentialAction: String, Sendable, Equatable {
    case noAction = "a", restrict = "r", cascade = "c", setNull = "n", setDefault = "d"
}

/// A column or table constraint.
public struct Constraint: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null, notNull
        case defaultValue(Expression)
        case identity(always: Bool)
        case generated(Expression)
        case check(Expression)
        case primaryKey, unique, exclusion
        case foreignKey(references: QualifiedName, referencedColumns: [String])
        case deferrable, notDeferrable, initiallyDeferred, initiallyImmediate
    }

    public var kind: Kind
    public var name: String?
    /// Columns the constraint covers (table-level PRIMARY KEY, UNIQUE, FOREIGN KEY).
    public var columns: [String]
    /// `NOT VALID`.
    public var isNotValid: Bool
    /// `... USING INDEX name` (ADD UNIQUE / PRIMARY KEY on an existing index).
    public var usingIndex: String?
    public var location: Int?

    public init(kind: Kind, name: String? = nil, columns: [String] = [], isNotValid: Bool = false,
                usingIndex: String? = nil, location: Int? = nil) {
        self.kind = kind
        self.name = name
        self.columns = columns
        self.isNotValid = isNotValid
        self.usingIndex = usingIndex
        self.location = location
    }
}

public struct ColumnDefinition: Sendable, Equatable {
    public var name: String
    public var type: TypeName?
    public var constraints: [Constraint]
    public var location: Int?

    public init(name: String, type: TypeName?, constraints: [Constraint] = [], location: Int? = nil) {
        self.name = name
        self.type = type
        self.constraints = constraints
        self.location = location
    }

    public var defaultValue: Expression? {
        for constraint in constraints { if case .defaultValue(let e) = constraint.kind { return e } }
        return nil
    }
    public var defaultConstraint: Constraint? {
        constraints.first { if case .defaultValue = $0.kind { return true } else { return false } }
    }
    public var hasNotNull: Bool { constraints.contains { $0.kind == .notNull } }
    public var isPrimaryKey: Bool { constraints.contains { $0.kind == .primaryKey } }
    public var isIdentity: Bool {
        constraints.contains { if case .identity = $0.kind { return true } else { return false } }
    }
    public var generatedExpression: Expression? {
        for constraint in constraints { if case .generated(let e) = constraint.kind { return e } }
        return nil
    }
    /// `serial`, `bigserial`, `smallserial` (and their `serial4`/`serial8`/`serial2` spellings).
    public var isSerial: Bool {
        guard let type, type.names.count == 1 else { return false }
        return ["serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"].contains(type.baseName)
    }
}

public enum DropBehavior: Sendable, Equatable { case restrict, cascade }

/// One action of an `ALTER TABLE`.
public enum AlterTableAction: Sendable, Equatable {
    case addColumn(ColumnDefinition, ifNotExists: Bool)
    case dropColumn(String, ifExists: Bool, behavior: DropBehavior)
    case alterColumnType(column: String, type: TypeName, using: Expression?)
    case setDefault(column: String, Expression)
    case dropDefault(column: String)
    case setNotNull(column: String)
    case dropNotNull(column: String)
    case addConstraint(Constraint)
    case validateConstraint(String)
    case dropConstraint(String, ifExists: Bool, behavior: DropBehavior)
    case addIdentity(column: String)
    case setTablespace(String)
    case setLogged, setUnlogged
    case setAccessMethod(String)
    case attachPartition(QualifiedName)
    case detachPartition(QualifiedName, concurrently: Bool)
    case detachPartitionFinalize(QualifiedName)
    /// Any other subcommand, named after PostgreSQL's `AlterTableType` (`SetStatistics`,
    /// `SetStorage`, `EnableTrig`, `ReplicaIdentity`, ...).
    case other(String, column: String?)
}

public enum RelationKind: Sendable, Equatable {
    case table, index, view, materializedView, sequence, foreignTable, type, other
}

public struct AlterTable: Sendable, Equatable {
    public var relation: QualifiedName
    public var kind: RelationKind
    public var ifExists: Bool
    public var actions: [AlterTableAction]
}

public struct CreateTable: Sendable, Equatable {
    public var relation: QualifiedName
    public var columns: [ColumnDefinition]
    /// Table-level constraints (`PRIMARY KEY (a, b)`, `FOREIGN KEY ...`, `CHECK ...`).
    public var constraints: [Constraint]
    public var ifNotExists: Bool
    /// `CREATE TABLE ... PARTITION OF parent`.
    public var partitionOf: QualifiedName?
    public var isPartitioned: Bool
    public var isTemporary: Bool
    public var isUnlogged: Bool
    /// Columns come from elsewhere too: `LIKE`, `INHERITS`, `PARTITION OF` or `OF type`.
    public var hasColumnsFromElsewhere = false
}

public struct IndexColumn: Sendable, Equatable {
    /// The column name, or nil for an expression.
    public var name: String?
    public var expression: Expression?
}

public struct CreateIndex: Sendable, Equatable {
    public var name: String?
    public var relation: QualifiedName
    public var isUnique: Bool
    public var isConcurrent: Bool
    public var ifNotExists: Bool
    public var columns: [IndexColumn]
    public var accessMethod: String
    public var hasWhere: Bool
}

public enum ObjectKind: String, Sendable, Equatable {
    case table, index, view, materializedView = "materialized view", sequence, schema, database, type, domain
    case function, procedure, routine, aggregate, trigger, `extension`, column, constraint
    case foreignTable = "foreign table", policy, rule, collation, other
}

public struct Drop: Sendable, Equatable {
    public var kind: ObjectKind
    /// Dropped objects (for functions, the name without the argument list).
    public var objects: [QualifiedName]
    /// For `DROP TRIGGER/RULE/POLICY name ON table`, the table.
    public var onTable: QualifiedName?
    public var ifExists: Bool
    public var isConcurrent: Bool
    public var behavior: DropBehavior
}

public struct Rename: Sendable, Equatable {
    public var kind: ObjectKind
    /// The renamed object, or for a column / constraint / trigger, its table.
    public var object: QualifiedName
    /// The renamed column, constraint or trigger.
    public var subname: String?
    public var newName: String
    public var ifExists: Bool
}

public enum TransactionKind: Sendable, Equatable {
    case begin, commit, rollback, savepoint, release, rollbackToSavepoint, prepare, commitPrepared, rollbackPrepared
}

public struct VariableSet: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case set, setDefault, reset, resetAll, other }
    public var kind: Kind
    public var name: String
    /// The value as text (`'2s'` gives `2s`, `5000` gives `5000`).
    public var value: String?
    public var isLocal: Bool
}

public enum LockMode: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case accessShare = 1, rowShare, rowExclusive, shareUpdateExclusive, share, shareRowExclusive, exclusive, accessExclusive

    public static func < (lhs: LockMode, rhs: LockMode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// As the PostgreSQL documentation spells it: `ACCESS EXCLUSIVE`.
    public var description: String {
        switch self {
        case .accessShare: return "ACCESS SHARE"
        case .rowShare: return "ROW SHARE"
        case .rowExclusive: return "ROW EXCLUSIVE"
        case .shareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE"
        case .share: return "SHARE"
        case .shareRowExclusive: return "SHARE ROW EXCLUSIVE"
        case .exclusive: return "EXCLUSIVE"
        case .accessExclusive: return "ACCESS EXCLUSIVE"
        }
    }

    /// From `pg_locks.mode` (`AccessExclusiveLock`) or SQL (`ACCESS EXCLUSIVE`).
    public init?(name: String) {
        let key = name.uppercased().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "LOCK", with: "")
        guard let mode = LockMode.allCases.first(where: { $0.description.replacingOccurrences(of: " ", with: "") == key }) else {
            return nil
        }
        self = mode
    }
}

/// `CREATE TABLE name AS query` or `SELECT ... INTO name`: a table made and filled by a query.
public struct CreateTableAs: Sendable, Equatable {
    public var relation: QualifiedName
    /// The relations the query names (common table expressions left out), in the order written.
    public var reads: [QualifiedName]
    /// `WITH NO DATA`: the query is planned, not run, and the table is created empty.
    public var withData: Bool
    public var isSelectInto: Bool

    public init(relation: QualifiedName, reads: [QualifiedName], withData: Bool = true, isSelectInto: Bool = false) {
        self.relation = relation
        self.reads = reads
        self.withData = withData
        self.isSelectInto = isSelectInto
    }
}

/// A parsed statement.
public enum Statement: Sendable, Equatable {
    case alterTable(AlterTable)
    case createTable(CreateTable)
    case createIndex(CreateIndex)
    case drop(Drop)
    case rename(Rename)
    /// `ALTER ... SET SCHEMA`.
    case setSchema(kind: ObjectKind, object: QualifiedName, newSchema: String)
    case transaction(TransactionKind)
    case variableSet(VariableSet)
    case truncate([QualifiedName])
    /// `VACUUM` / `ANALYZE`; `relations` empty means every table.
    case vacuum(full: Bool, isAnalyzeOnly: Bool, relations: [QualifiedName])
    case cluster(QualifiedName?)
    case reindex(kind: ObjectKind, name: QualifiedName?, concurrently: Bool)
    case refreshMaterializedView(QualifiedName, concurrently: Bool)
    case lockTable([QualifiedName], mode: LockMode)
    case update(QualifiedName, hasWhere: Bool)
    case delete(QualifiedName, hasWhere: Bool)
    case insert(QualifiedName)
    /// `ALTER TYPE name ADD VALUE ...`.
    case alterEnumAddValue(type: QualifiedName, value: String)
    case createTrigger(table: QualifiedName, name: String)
    case createDomain(name: QualifiedName, base: TypeName, constraints: [Constraint])
    case createEnum(QualifiedName)
    case createView(CreateView)
    case createSequence(QualifiedName)
    /// CREATE [OR REPLACE] FUNCTION / PROCEDURE, with its volatility as written (`immutable`,
    /// `stable`; `volatile` when the statement does not say, as PostgreSQL assumes).
    case createFunction(QualifiedName, volatility: String)
    case createSchema(String)
    case createExtension(String)
    case comment(kind: ObjectKind, object: QualifiedName?)
    case createStatistics(on: [QualifiedName])
    /// `CREATE POLICY name ON table`.
    case createPolicy(table: QualifiedName, name: String)
    /// `ALTER POLICY name ON table ...`.
    case alterPolicy(table: QualifiedName, name: String)
    /// `CREATE TABLE ... AS SELECT` or `SELECT ... INTO`: a new table filled by a query.
    case createTableAs(CreateTableAs)
    case select
    /// Any other statement, named by its PostgreSQL node type (`GrantStmt`, `DoStmt`, ...).
    case other(String)
}

/// A statement of a file: its place, its comments and its tree (or why it has none).
public struct ParsedStatement: Sendable {
    public enum Content: Sendable {
        case statement(Statement)
        /// The PostgreSQL 15 grammar rejects it; `offset` is where the parser stopped (bytes, in the file).
        case syntaxError(message: String, offset: Int)
        /// A psql meta-command line (`\set`, `\i`): not SQL.
        case psqlMetaCommand(String)
        /// The statement uses psql variable interpolation (`:'var'`), so only psql can expand it.
        case psqlVariable(offset: Int)
    }

    public let slice: StatementSlice
    public let content: Content
    /// Comments in the statement's leading trivia and inside it, with byte ranges.
    public let comments: [Comment]

    public init(slice: StatementSlice, content: Content, comments: [Comment]) {
        self.slice = slice
        self.content = content
        self.comments = comments
    }

    /// Whether a statement the parser could not read may have made objects: SQL the grammar
    /// rejects, SQL with a psql variable, a psql include (`\i`, `\ir`, `\include`,
    /// `\include_relative`). psql's other commands make none (`\set`, a dump's `\restrict`).
    public var mayMakeUnreadObjects: Bool {
        switch content {
        case .statement: return false
        case .syntaxError, .psqlVariable: return true
        case .psqlMetaCommand(let text):
            let name = text.drop { $0 == "\\" }.prefix { !$0.isWhitespace }
            return ["i", "ir", "include", "include_relative"].contains(name)
        }
    }

    @inlinable public var range: Range<Int> { slice.range }
    public var statement: Statement? {
        if case .statement(let statement) = content { return statement }
        return nil
    }
}

/// A comment found by the SQL lexer (`SQLLexer`): never text inside a string or dollar quote.
public struct Comment: Sendable, Equatable {
    public let range: Range<Int>
    /// The comment text without `--` or `/* */`, trimmed.
    public let text: String
    public let isBlock: Bool

    public init(range: Range<Int>, text: String, isBlock: Bool) {
        self.range = range
        self.text = text
        self.isBlock = isBlock
    }
}

/// Quotes an identifier only where PostgreSQL needs it (upper case, spaces, keywords).
public func quoteIdentifier(_ name: String) -> String {
    // By bytes: a plain name is ASCII (`a-z`, `_` first; then also digits and `$`).
    var isPlain = !name.isEmpty
    for (index, byte) in name.utf8.enumerated() {
        let isLower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
        let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        guard isLower || byte == UInt8(ascii: "_") || (index > 0 && (isDigit || byte == UInt8(ascii: "$"))) else {
            isPlain = false
            break
        }
    }
    if isPlain && !reservedKeywords.contains(name) { return name }
    var quoted: [UInt8] = [UInt8(ascii: "\"")]
    quoted.reserveCapacity(name.utf8.count + 2)
    for byte in name.utf8 {
        quoted.append(byte)
        if byte == UInt8(ascii: "\"") { quoted.append(byte) }
    }
    quoted.append(UInt8(ascii: "\""))
    return String(decoding: quoted, as: UTF8.self)
}

/// PostgreSQL's reserved keywords (and the type-function ones), which must be quoted as names.
let reservedKeywords: Set<String> = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
    "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
    "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
    "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
    "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
    "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
    "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar",
    "some", "symmetric", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user",
    "using", "variadic", "verbose", "when", "where", "window", "with",
]
