import LockModel
import MigrationLint
import PostgresSyntax

/// More slow or lock-taking statements after an ACCESS EXCLUSIVE lock in the same transaction.
public struct LockHeldAcrossStatements: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "lock-held-across-statements",
        category: .locking,
        defaultSeverity: .warning,
        summary: "A statement that scans or rewrites a table runs while an earlier ACCESS EXCLUSIVE lock of the same transaction is still held.",
        rationale: """
            Locks are released only at COMMIT or ROLLBACK. After a statement takes ACCESS EXCLUSIVE on a table, \
            every later statement of the same transaction extends the time nobody can read or write that table. \
            A statement that scans or rewrites a table (CREATE INDEX, SET NOT NULL, a validated constraint, a \
            backfill) keeps the first table unavailable for as long as the scan takes, which grows with the data. \
            Quick follow-ups are not reported, nor is waiting for locks on other tables (lock_timeout bounds \
            that, see require-lock-timeout): on 1,450 real migration files that case alone doubled the findings \
            while the outage it adds is usually short. One finding per transaction, at the first slow statement. \
            On a table this transaction already holds in ACCESS EXCLUSIVE, CONCURRENTLY and NOT VALID cannot \
            shorten the block, so create-index-concurrently, drop-index-concurrently, add-check-not-valid and \
            add-foreign-key-not-valid stay silent there, and this finding says where the lock was taken.
            """,
        safeAlternative: """
            Commit right after the statement that takes ACCESS EXCLUSIVE: put the later statement in its own \
            transaction (its own migration when the tool wraps each file in one), or run it first.
            """,
        badExamples: [
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\n↓ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\nCOMMIT;"),
            RuleExample("ALTER TABLE app.accounts RENAME COLUMN name TO full_name;\n↓CREATE INDEX accounts_email_idx ON app.accounts (email);",
                        inTransaction: true),
            RuleExample("BEGIN;\nLOCK TABLE \"Users\";\n↓UPDATE \"Orders\" SET status = 'done';\nCOMMIT;"),
            RuleExample("BEGIN;\nALTER TABLE users RENAME TO accounts;\n↓CREATE INDEX accounts_email_idx ON accounts (email);\nCOMMIT;"),
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\n↓CREATE INDEX users_note_idx ON users (note);\nALTER TABLE users ADD CONSTRAINT users_note_check CHECK (note <> '');\nCOMMIT;"),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD COLUMN score integer;\nCOMMIT;"),
            RuleExample("BEGIN;\nDROP TABLE legacy_events;\nCREATE INDEX orders_user_idx ON orders (user_id);\nCOMMIT;"),
            RuleExample("ALTER TABLE users ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);"),
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;"),
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;"),
            RuleExample("CREATE TABLE app.accounts (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX accounts_email_idx ON app.accounts (email);\nALTER TABLE app.accounts ADD COLUMN note text;",
                        inTransaction: true),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let all = context.fileAnalyses
        guard let offense = Self.offense(context.analysis, all) else { return [] }
        // One finding per transaction: the fix (commit after the ACCESS EXCLUSIVE statement)
        // covers every later statement of it.
        let transaction = context.analysis.transactionNumber
        // The statements of a transaction are contiguous: look only within this one.
        if context.earlierStatements.reversed().prefix(while: { $0.transactionNumber == transaction })
            .contains(where: { Self.offense($0, all) != nil }) { return [] }
        let line = Locking.line(of: offense.origin, in: context)
        // DROP INDEX is modelled as a lock on the index; the lock that hurts is on its table.
        var lockedName = offense.relation
        // When the schema shows the index's table, the lock is recorded on that table, by name.
        if case .drop(let drop)? = offense.origin.statement, drop.kind == .index,
           drop.objects.contains(where: { offense.origin.state.resolve($0).qualified == offense.relation }) {
            lockedName = "the table of index \(offense.relation)"
        }
        let doing = context.effects.rewrites.contains(offense.slow) ? "rewrites \(offense.slow.qualified)" : "scans \(offense.slow.qualified)"
        var notes = ["line \(line) takes ACCESS EXCLUSIVE on \(lockedName): it \(LockMode.accessExclusive.blockingSummary) until commit"]
        // Locks that block only stronger locks than DML takes add nothing here.
        notes.append(contentsOf: context.lockNotes(atLeast: .shareUpdateExclusive))
        let later = context.laterStatements.prefix(while: { $0.transactionNumber == transaction })
            .filter { Self.offense($0, all) != nil }.count
        if offense.relation == offense.slow.qualified {
            notes.append("CONCURRENTLY or NOT VALID cannot shorten this inside the transaction: \(lockedName) is already locked since line \(line); commit after line \(line) first, then they help")
        }
        if later > 0 { notes.append("\(later) later statement\(later == 1 ? "" : "s") of this transaction extend\(later == 1 ? "s" : "") the lock further") }
        return [Finding(message: "\(lockedName) is already locked ACCESS EXCLUSIVE since line \(line), and stays locked while this statement \(doing)",
                        range: context.firstWordRange, notes: notes,
                        help: context.state.inExplicitTransaction
                            ? "COMMIT after line \(line), and run this statement in its own transaction"
                            : "move this statement to its own migration, so the lock from line \(line) is released first")]
    }

    /// The table a statement scans or rewrites while an ACCESS EXCLUSIVE lock is held (slow work
    /// that keeps the locked table unavailable for as long as it runs), with the earliest such
    /// lock and the statement that took it. Locks on relations the transaction dropped are left
    /// out: nothing can use a dropped table anyway.
    static func offense(_ analysis: StatementAnalysis, _ all: [StatementAnalysis])
        -> (slow: QualifiedName, relation: String, origin: StatementAnalysis)? {
        guard let statement = analysis.statement else { return nil }
        switch statement {
        case .transaction, .variableSet: return nil
        default: break
        }
        guard let slow = analysis.effects.rewrites.first ?? analysis.effects.scans.first,
              !analysis.state.accessExclusiveHeldSince.isEmpty else { return nil }
        // The earliest lock (then by name), without sorting them all for every statement.
        var earliest: (relation: String, index: Int)?
        for (relation, index) in analysis.state.accessExclusiveHeldSince where all.indices.contains(index) {
            if let best = earliest, (best.index, best.relation) <= (index, relation) { continue }
            if case .drop(let drop)? = all[index].statement, [.table, .view, .materializedView, .sequence].contains(drop.kind) { continue }
            earliest = (relation, index)
        }
        return earliest.map { (slow, $0.relation, all[$0.index]) }
    }
}
