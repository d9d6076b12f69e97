import PostgresSyntax

/// What the lock model took for granted where the file does not say: what is assumed (the case),
/// about which relation or column (its values), and what rests on it (`stake`). Rules ask for
/// assumptions by case or by stake; users read `text`, the one rendering of each case.
public enum Assumption: Sendable, Hashable, CustomStringConvertible {
    /// ALTER COLUMN TYPE is taken to rewrite: the column's old type is not known.
    case oldColumnTypeUnknown(table: QualifiedName, column: String)
    /// timestamp to timestamptz (or back) is taken to rewrite: the session time zone is not known,
    /// and only UTC spares the copy.
    case sessionTimeZoneUnknown(table: QualifiedName, column: String, from: String, to: String)
    /// The type of a new column, which the model does not know, is taken not to be a domain with a
    /// CHECK constraint (that would rewrite the table). `type` as written.
    case typeIsNoCheckedDomain(table: QualifiedName, column: String, type: String)
    /// A function the model does not know is taken to be volatile: the default rewrites.
    case unknownFunctionIsVolatile(table: QualifiedName, column: String, function: String)
    /// UPDATE or DELETE with a WHERE clause is taken to find its rows by index, not by a scan.
    case whereClauseUsesIndex(table: QualifiedName)
    /// ADD COLUMN ... NOT NULL without a default succeeds only on an empty table.
    case notNullColumnNeedsEmptyTable(table: QualifiedName, column: String)
    /// DROP COLUMN ... CASCADE also drops the views and constraints that use the column.
    case cascadeDropsColumnDependents(table: QualifiedName, column: String)
    /// DROP TABLE ... CASCADE also drops the views on the dropped tables.
    case cascadeDropsViews
    /// SET TABLESPACE copies the table unless it is in that tablespace already.
    case notInTablespaceAlready(table: QualifiedName)
    /// SET LOGGED (`logged`) or SET UNLOGGED copies the table unless it is so already.
    case notLoggedAlready(table: QualifiedName, logged: Bool)
    /// SET ACCESS METHOD copies the table unless it uses that method already.
    case notUsingAccessMethodAlready(table: QualifiedName, method: String)
    /// ATTACH PARTITION: the partition's CHECK constraint is taken to imply the partition bound,
    /// which spares the scan.
    case checkImpliesPartitionBound(partition: QualifiedName, constraint: String)
    /// ATTACH PARTITION: no valid CHECK constraint is known to imply the bound: the partition is read.
    case noCheckImpliesPartitionBound(partition: QualifiedName)
    /// ADD PRIMARY KEY USING INDEX reads the table unless its columns are NOT NULL already.
    case primaryKeyColumnsMayBeNullable(table: QualifiedName)
    /// CLUSTER without a table rewrites every table clustered before.
    case everyClusteredTable
    /// VACUUM without a table processes every table of the database.
    case everyTableOfDatabase
    /// REINDEX SCHEMA / DATABASE / SYSTEM locks each table of `object` while its indexes rebuild.
    case everyTableOf(kind: ObjectKind, object: String, mode: LockMode)
    /// A concurrent index build on PostgreSQL 14.0 to 14.3 can corrupt the index; which minor
    /// version runs is not known.
    case concurrentBuildBugBefore14_4(table: QualifiedName)

    /// What would differ if the assumption were wrong.
    public enum Stake: Sendable, Hashable {
        /// Whether the table is copied.
        case rewrite
        /// Whether the table is read in full.
        case scan
        /// Whether the statement succeeds.
        case failure
        /// Which objects, besides the ones named, are dropped, locked or processed.
        case otherObjects
        /// Whether the result is correct.
        case corruption
    }

    public var stake: Stake {
        switch self {
        case .oldColumnTypeUnknown, .sessionTimeZoneUnknown, .typeIsNoCheckedDomain, .unknownFunctionIsVolatile,
             .notInTablespaceAlready, .notLoggedAlready, .notUsingAccessMethodAlready:
            return .rewrite
        case .whereClauseUsesIndex, .checkImpliesPartitionBound, .noCheckImpliesPartitionBound, .primaryKeyColumnsMayBeNullable:
            return .scan
        case .notNullColumnNeedsEmptyTable:
            return .failure
        case .cascadeDropsColumnDependents, .cascadeDropsViews, .everyClusteredTable, .everyTableOfDatabase, .everyTableOf:
            return .otherObjects
        case .concurrentBuildBugBefore14_4:
            return .corruption
        }
    }

    /// The relation it concerns, resolved; nil when the statement names none.
    public var relation: QualifiedName? {
        switch self {
        case .oldColumnTypeUnknown(let table, _), .sessionTimeZoneUnknown(let table, _, _, _),
             .typeIsNoCheckedDomain(let table, _, _), .unknownFunctionIsVolatile(let table, _, _),
             .whereClauseUsesIndex(let table), .notNullColumnNeedsEmptyTable(let table, _),
             .cascadeDropsColumnDependents(let table, _), .notInTablespaceAlready(let table),
             .notLoggedAlready(let table, _), .notUsingAccessMethodAlready(let table, _),
             .checkImpliesPartitionBound(let table, _), .noCheckImpliesPartitionBound(let table),
             .primaryKeyColumnsMayBeNullable(let table), .concurrentBuildBugBefore14_4(let table):
            return table
        case .cascadeDropsViews, .everyClusteredTable, .everyTableOfDatabase, .everyTableOf:
            return nil
        }
    }

    /// The column it concerns.
    public var column: String? {
        switch self {
        case .oldColumnTypeUnknown(_, let column), .sessionTimeZoneUnknown(_, let column, _, _),
             .typeIsNoCheckedDomain(_, let column, _), .unknownFunctionIsVolatile(_, let column, _),
             .notNullColumnNeedsEmptyTable(_, let column), .cascadeDropsColumnDependents(_, let column):
            return column
        default:
            return nil
        }
    }

    /// The constraint it concerns.
    public var constraint: String? {
        if case .checkImpliesPartitionBound(_, let constraint) = self { return constraint }
        return nil
    }

    /// The sentence users read after "assumes:" in `explain` and as a note of a finding.
    public var text: String {
        switch self {
        case .oldColumnTypeUnknown(let table, let column):
            return "may rewrite: the old type of \(table.name).\(column) is not known"
        case .sessionTimeZoneUnknown(_, _, let from, let to):
            return "may rewrite: the session time zone is not known (\(from) to \(to) is free only under UTC)"
        case .typeIsNoCheckedDomain(_, _, let type):
            return "\(type) is assumed not to be a domain with a CHECK constraint (that would rewrite the table)"
        case .unknownFunctionIsVolatile(_, _, let function):
            return "\(function) is not a known built-in: treated as volatile"
        case .whereClauseUsesIndex(let table):
            return "the WHERE clause is assumed to find rows by index, not by reading \(table.qualified) in full"
        case .notNullColumnNeedsEmptyTable(let table, let column):
            return "ADD COLUMN \(column) ... NOT NULL without a default fails unless \(table.qualified) is empty"
        case .cascadeDropsColumnDependents(let table, let column):
            return "CASCADE also drops the views and constraints that use \(table.name).\(column)"
        case .cascadeDropsViews:
            return "CASCADE also drops the views on the dropped tables, locking them ACCESS EXCLUSIVE"
        case .notInTablespaceAlready(let table):
            return "\(table.qualified) is moved unless it already is in that tablespace"
        case .notLoggedAlready(let table, let logged):
            return "\(table.qualified) is rewritten unless it already is \(logged ? "logged" : "unlogged")"
        case .notUsingAccessMethodAlready(let table, let method):
            return "\(table.qualified) is rewritten unless it already uses the access method \(method)"
        case .checkImpliesPartitionBound(let partition, let constraint):
            return "the CHECK constraint \(constraint) on \(partition.qualified) is assumed to imply the partition bound, which spares the scan"
        case .noCheckImpliesPartitionBound(let partition):
            return "\(partition.qualified) is scanned unless a valid CHECK constraint implies the partition bound"
        case .primaryKeyColumnsMayBeNullable(let table):
            return "PRIMARY KEY USING INDEX scans \(table.qualified) unless its columns are NOT NULL already"
        case .everyClusteredTable:
            return "no table named: every previously clustered table is rewritten"
        case .everyTableOfDatabase:
            return "no table named: every table of the database is processed"
        case .everyTableOf(let kind, let object, let mode):
            return "every table of the \(kind.rawValue) \(object) is locked \(mode) while its indexes are rebuilt"
        case .concurrentBuildBugBefore14_4:
            return "on PostgreSQL 14.0 to 14.3 a concurrent build can silently corrupt the index: run 14.4 or later"
        }
    }

    public var description: String { text }
}

extension Sequence where Element == Assumption {
    /// The sentences users read, each once: the same assumption about two columns (two of one
    /// type that might be a domain) reads as one sentence.
    public var texts: [String] {
        var seen: Set<String> = []
        return compactMap { seen.insert($0.text).inserted ? $0.text : nil }
    }
}
