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

    /// "blocks reads and writes", "blocks writes", "blocks other DDL and VACUUM".
    public var blockingSummary: String {
        if blocksReads { return "blocks reads and writes" }
        if blocksWrites { return "blocks writes" }
        if blocksDDL { return "blocks other schema changes and VACUUM" }
        return "blocks only ACCESS EXCLUSIVE locks"
    }
}

/// What one statement does to the database: the locks it takes, what it rewrites or scans.
public struct StatementEffects: Sendable, Equatable {
    public var locks: [RelationLock] = []
    /// Tables (and their indexes) copied in full.
    public var rewrites: [QualifiedName] = []
    /// Tables read in full while the lock is held.
    public var scans: [QualifiedName] = []
    /// What the model assumed where the file does not say ("the old type of users.email is not known").
    public var assumptions: [String] = []
    /// Why the statement cannot run as written (CONCURRENTLY inside a transaction block).
    public var error: String?
    /// VACUUM and the CONCURRENTLY family refuse to run inside a transaction block.
    public var cannotRunInTransactionBlock = false

    public init(locks: [RelationLock] = [], rewrites: [QualifiedName] = [], scans: [QualifiedName] = [],
                assumptions: [String] = [], error: String? = nil, cannotRunInTransactionBlock: Bool = false) {
        self.locks = locks
        self.rewrites = rewrites
        self.scans = scans
        self.assumptions = assumptions
        self.error = error
        self.cannotRunInTransactionBlock = cannotRunInTransactionBlock
    }

    /// The strongest lock per relation, strongest first.
    public var strongestLocks: [RelationLock] {
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
}
