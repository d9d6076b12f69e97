import LockModel
import MigrationLint
import PostgresSyntax

/// The one place rules turn what the lock model says about a statement (its locks, the locks on
/// relations the file does not identify, its assumptions) into the notes of a finding.
extension RuleContext {
    /// Which of the statement's indirect locks and assumptions a finding about one relation quotes.
    enum LockConcern {
        /// Everything the statement locks and assumes.
        case wholeStatement
        /// Its locks but none of its assumptions: an ALTER TABLE's other subcommands bring
        /// assumptions of their own that do not concern the finding.
        case locksOnly
        /// Only what concerns the constraint `name` of `table` (resolved): the table it
        /// references, if it is a foreign key.
        case constraint(String, of: QualifiedName)
    }

    /// "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes until commit while every
    /// row is copied" (`activity`); nil when the statement does not lock `relation`. "until
    /// commit" only inside a transaction block, where the lock outlives the statement.
    func lockSentence(on relation: QualifiedName, while activity: String? = nil) -> String? {
        sentence(effects.lockSentence(for: state.resolve(relation), untilCommit: state.inTransactionBlock), while: activity)
    }

    private func sentence(_ lock: String?, while activity: String?) -> String? {
        guard let lock else { return nil }
        return activity.map { "\(lock) while \($0)" } ?? lock
    }

    /// The lock sentence, with `activity`, of each relation the statement locks at least
    /// `weakest` that existed before this migration (a relation created in the file is unseen by
    /// running code); then, with `withAssumptions`, everything the lock model assumed.
    func lockNotes(while activity: String? = nil, atLeast weakest: LockMode = .accessShare,
                   withAssumptions: Bool = false) -> [String] {
        var notes = effects.strongestLocks.filter { !$0.isNew && $0.mode >= weakest }.compactMap {
            sentence(effects.lockSentence(for: $0.relation, untilCommit: state.inTransactionBlock), while: activity)
        }
        if withAssumptions { notes += effects.assumptions.texts }
        return notes
    }

    /// "line 2 takes SHARE ROW EXCLUSIVE on public.orders: blocks writes until commit" for each
    /// relation that existed before this migration and that `earlier`, a statement before this
    /// one in the same transaction, locks: its locks are still held.
    func heldLockSentences(of earlier: StatementAnalysis) -> [String] {
        let line = Locking.line(of: earlier, in: self)
        return earlier.effects.strongestLocks.filter { !$0.isNew }.compactMap { lock in
            earlier.effects.lockSentence(for: lock.relation).map { "line \(line) \($0)" }
        }
    }

    /// The lock sentence for `relation`, the locks the statement takes on relations the file does
    /// not identify (the table a dropped foreign key references, the table of an index), and what
    /// the lock model assumed, as far as they are `concern`ed.
    func lockNotes(on relation: QualifiedName, concerning concern: LockConcern = .wholeStatement) -> [String] {
        var notes: [String] = []
        if let lock = lockSentence(on: relation) { notes.append(lock) }
        for indirect in effects.indirectLocks where concern.includes(indirect) {
            notes.append("also takes \(indirect.mode) on \(indirect.description): \(indirect.mode.blockingSummary)")
        }
        notes += effects.assumptions.filter(concern.includes).texts
        return notes
    }
}

extension RuleContext.LockConcern {
    func includes(_ lock: IndirectLock) -> Bool {
        switch self {
        case .wholeStatement, .locksOnly:
            return true
        case .constraint(let name, let table):
            guard case .tableReferencedByConstraint(let locked, let constraint) = lock.target else { return false }
            return locked == table && constraint == name
        }
    }

    func includes(_ assumption: Assumption) -> Bool {
        switch self {
        case .wholeStatement: return true
        case .locksOnly: return false
        case .constraint(let name, let table): return assumption.constraint == name && assumption.relation == table
        }
    }
}
