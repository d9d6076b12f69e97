import LockModel
import MigrationLint
import PostgresSyntax

/// More slow or lock-taking statements after an ACCESS EXCLUSIVE lock in the same transaction.
public struct LockHeldAcrossStatements: Rule {
    public init() {}

    public let description = RuleDescription(
        id: "lock-held-across-statements",
        category: .locking,
        defaultSeverity: .warning,
        summary: "A statement that scans, rewrites or locks another table runs while an earlier ACCESS EXCLUSIVE lock is still held.",
        rationale: """
            Locks are released only at COMMIT or ROLLBACK. After a statement takes ACCESS EXCLUSIVE on a table, \
            every later statement of the same transaction extends the time nobody can read or write that table. \
            A quick follow-up on the same table costs nothing, so it is not reported; a statement that scans or \
            rewrites a table, or that must acquire a lock on another existing table (it may wait for running \
            queries there, and locking tables one after another invites deadlocks), keeps the first table \
            unavailable for as long as it runs or waits.
            """,
        safeAlternative: """
            Commit right after the statement that takes ACCESS EXCLUSIVE: put the later statement in its own \
            transaction (its own migration when the tool wraps each file in one), or run it first.
            """,
        badExamples: [
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\n↓ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;"),
            RuleExample("ALTER TABLE app.accounts RENAME COLUMN name TO full_name;\n↓CREATE INDEX accounts_email_idx ON app.accounts (email);",
                        inTransaction: true),
            RuleExample("BEGIN;\nLOCK TABLE \"Users\";\n↓UPDATE \"Orders\" SET status = 'done';\nCOMMIT;"),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD COLUMN score integer;\nCOMMIT;"),
            RuleExample("ALTER TABLE users ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);"),
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;"),
            RuleExample("CREATE TABLE app.accounts (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX accounts_email_idx ON app.accounts (email);\nALTER TABLE app.accounts ADD COLUMN note text;",
                        inTransaction: true),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let held = context.state.accessExclusiveHeldSince
        guard !held.isEmpty else { return [] }
        switch context.statement {
        case .transaction, .variableSet: return []
        default: break
        }
        let effects = context.effects
        let heldNames = Set(held.keys)
        let slow = (effects.rewrites + effects.scans).first
        let otherLock = effects.strongestLocks.first {
            !$0.isNew && !heldNames.contains($0.relation.qualified) && $0.mode >= .rowExclusive
        }
        guard slow != nil || otherLock != nil else { return [] }
        // The table locked first, and the statement that locked it.
        guard let (relation, since) = held.min(by: { $0.value < $1.value }),
              let first = context.fileAnalyses.first(where: { $0.index == since }) else { return [] }
        let line = Locking.line(of: first, in: context)
        let doing = slow.map { effects.rewrites.contains($0) ? "rewrites \($0.qualified)" : "scans \($0.qualified)" }
            ?? otherLock.map { "waits for \($0.mode) on \($0.relation.qualified)" } ?? ""
        var notes = ["line \(line) takes ACCESS EXCLUSIVE on \(relation): it blocks reads and writes until commit"]
        notes.append(contentsOf: Locking.lockNotes(context))
        return [Finding(message: "\(relation) stays locked ACCESS EXCLUSIVE (since line \(line)) while this statement \(doing)",
                        range: context.statementStartRange, notes: notes,
                        help: context.state.inExplicitTransaction
                            ? "COMMIT after line \(line), and run this statement in its own transaction"
                            : "move this statement to its own migration, so the lock from line \(line) is released first")]
    }
}
