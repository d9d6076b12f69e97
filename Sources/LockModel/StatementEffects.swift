import PostgresSyntax

/// What a lock on one relation does to the traffic on it.
public struct RelationLock: Sendable, Equatable {
    public var relation: QualifiedName
    public var mode: LockMode
    /// The relation was created earlier in the same migration: empty and unseen by running code.
    public var isNew: Bool

    public init(relation: QualifiedName, mode: LockMode, isNew: Bool = false) {
        self.relation = relation
        self.mode = mode
        self.isNew = isNew
    }

    public var blocksReads: Bool { mode.blocksReads }
    public var blocksWrites: Bool { mode.blocksWrites }
}

extension LockMode {
    /// ACCESS EXCLUSIVE is the only table lock that conflicts with a plain SELECT.
    public var blocksReads: Bool { self == .accessExclusive }
    /// SHARE and stronger conflict with ROW EXCLUSIVE, which INSERT, UPDATE and DELETE take.
    public var blocksWrites: Bool { self >= .share }
    /// SHARE UPDATE EXCLUSIVE and stronger conflict with other DDL and VACUUM.
    public var blocksDDL: Bool { self >= .shareUpdateExclusive }

    /// "blocks reads and writes", "blocks writes", "blocks other schema changes and VACUUM"
    /// (`mvcc.sgml`, "Conflicting Lock Modes").
    public var blockingSummary: String {
        switch self {
        case .accessExclusive: return "blocks reads and writes"
        case .exclusive: return "blocks writes and SELECT ... FOR UPDATE/SHARE"
        case .shareRowExclusive, .share: return "blocks writes"
        case .shareUpdateExclusive: return "blocks other schema changes and VACUUM"
        case .rowExclusive: return "blocks only SHARE and stronger locks"
        case .rowShare: return "blocks only EXCLUSIVE and ACCESS EXCLUSIVE locks"
        case .accessShare: return "blocks only ACCESS EXCLUSIVE locks"
        }
    }
}

/// A lock on a relation that the statement does not name and the file does not identify: the
/// table of an index, the table a foreign key references. The model says which relation it is in
/// words and in a form a caller who knows the schema can resolve.
public struct IndirectLock: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// The table that index belongs to.
        case tableOfIndex(QualifiedName)
        /// The tables the foreign keys of the table reference.
        case tablesReferencedBy(QualifiedName)
        /// The tables whose foreign keys reference the table.
        case tablesReferencing(QualifiedName)
        /// The tables whose foreign keys reference that column of the table.
        case tablesReferencingColumn(table: QualifiedName, column: String)
        /// The table the constraint references, if it is a foreign key.
        case tableReferencedByConstraint(table: QualifiedName, constraint: String)
        /// The tables the view's query reads.
        case tablesReadBy(QualifiedName)
        /// The DEFAULT partition of the partitioned table, if it has one: a new partition's rows
        /// must not be in it.
        case defaultPartitionOf(QualifiedName)
    }

    public var target: Target
    public var mode: LockMode
    public var rewritten: Bool
    public var scanned: Bool

    public init(_ target: Target, _ mode: LockMode, rewritten: Bool = false, scanned: Bool = false) {
        self.target = target
        self.mode = mode
        self.rewritten = rewritten
        self.scanned = scanned
    }

    /// "the table of index public.users_name_idx".
    public var description: String {
        switch target {
        case .tableOfIndex(let index): return "the table of index \(index.qualified)"
        case .tablesReferencedBy(let table): return "tables referenced by foreign keys of \(table.qualified)"
        case .tablesReferencing(let table): return "tables with foreign keys to \(table.qualified)"
        case .tablesReferencingColumn(let table, let column): return "tables with foreign keys to \(table.qualified) (\(column))"
        case .tableReferencedByConstraint(let table, let constraint):
            return "the table referenced by \(constraint) on \(table.qualified), if it is a foreign key"
        case .tablesReadBy(let view): return "tables read by \(view.qualified)"
        case .defaultPartitionOf(let table): return "the default partition of \(table.qualified), if any"
        }
    }
}

/// What one statement does to the database: the locks it takes, what it rewrites or scans.
public struct StatementEffects: Sendable, Equatable {
    public var locks: [RelationLock] = []
    /// Locks on relations the file does not identify (the table of an index dropped by name).
    public var indirectLocks: [IndirectLock] = []
    /// Tables (and their indexes) copied in full; an index when only it is rebuilt.
    public var rewrites: [QualifiedName] = []
    /// Tables read in full while the lock is held.
    public var scans: [QualifiedName] = []
    /// What the model assumed where the file does not say (the old type of users.email), each once.
    public var assumptions: [Assumption] = []
    /// What the model took from the schema before the file (an earlier migration) instead of
    /// assuming it, each once.
    public var facts: [SchemaFact] = []
    /// Why the statement cannot run as written (CONCURRENTLY inside a transaction block).
    public var error: String?
    /// VACUUM and the CONCURRENTLY family refuse to run inside a transaction block.
    public var cannotRunInTransactionBlock = false
    /// On a partitioned table, each partition is locked, rewritten and scanned as the table is
    /// (PostgreSQL recurses). False for ATTACH / DETACH PARTITION and CREATE TABLE ... PARTITION
    /// OF, which leave the other partitions alone.
    public var recursesToPartitions = true

    public init(locks: [RelationLock] = [], rewrites: [QualifiedName] = [], scans: [QualifiedName] = [],
                assumptions: [Assumption] = [], error: String? = nil, cannotRunInTransactionBlock: Bool = false) {
        self.locks = locks
        self.rewrites = rewrites
        self.scans = scans
        self.assumptions = assumptions
        self.error = error
        self.cannotRunInTransactionBlock = cannotRunInTransactionBlock
    }

    /// The strongest lock per relation, strongest first.
    public var strongestLocks: [RelationLock] {
        // A statement locks a handful of relations: a linear search beats hashing names.
        if locks.count <= 16 {
            var strongest: [RelationLock] = []
            for lock in locks {
                if let index = strongest.firstIndex(where: { $0.relation == lock.relation }) {
                    if lock.mode > strongest[index].mode { strongest[index] = lock }
                } else {
                    strongest.append(lock)
                }
            }
            return strongest
        }
        var byRelation: [QualifiedName: RelationLock] = [:]
        var order: [QualifiedName] = []
        for lock in locks {
            if let existing = byRelation[lock.relation] {
                if lock.mode > existing.mode { byRelation[lock.relation] = lock }
            } else {
                byRelation[lock.relation] = lock
                order.append(lock.relation)
            }
        }
        return order.compactMap { byRelation[$0] }
    }

    /// The lock on `relation`, if the statement takes one.
    public func lock(on relation: QualifiedName) -> RelationLock? {
        strongestLocks.first { $0.relation == relation }
    }

    /// "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes until commit" — the
    /// sentence every rule message quotes.
    public func lockSentence(for relation: QualifiedName, untilCommit: Bool = true) -> String? {
        guard let lock = lock(on: relation) else { return nil }
        return "takes \(lock.mode) on \(relation.qualified): \(lock.mode.blockingSummary)\(untilCommit ? " until commit" : "")"
    }

    mutating func lock(_ relation: QualifiedName, _ mode: LockMode, state: AnalysisState) {
        locks.append(RelationLock(relation: state.resolve(relation), mode: mode, isNew: state.isCreatedInFile(relation)))
    }

    /// Records that `relation` is read in full, once; a relation created empty in the file holds no rows.
    mutating func scan(_ relation: QualifiedName, state: AnalysisState) {
        let resolved = state.resolve(relation)
        guard !state.isCreatedEmptyInFile(relation), !scans.contains(resolved) else { return }
        scans.append(resolved)
    }

    /// Records that `relation` is copied in full (which reads it in full), once.
    mutating func rewrite(_ relation: QualifiedName, state: AnalysisState, reads: Bool = true) {
        let resolved = state.resolve(relation)
        guard !state.isCreatedEmptyInFile(relation) else { return }
        if !rewrites.contains(resolved) { rewrites.append(resolved) }
        if reads { scan(relation, state: state) }
    }

    mutating func cite(_ fact: SchemaFact?) {
        if let fact, !facts.contains(fact) { facts.append(fact) }
    }

    mutating func assume(_ assumption: Assumption) {
        if !assumptions.contains(assumption) { assumptions.append(assumption) }
    }
}
